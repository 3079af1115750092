package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.TaAlgorithm;
import io.hsmkit.apdu.TlvWriter;
import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.TestCard;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.CryptoProviders;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.cvc.Cvc;
import io.hsmkit.card.state.KeyRecord;
import io.hsmkit.card.state.MemoryStateStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An in-memory card driven with raw APDU bytes, initialized and logged in the way {@code
 * sc-hsm-tool --initialize --so-pin 3537363231383830 --pin 648219} leaves it (
 * docs/protocol.md#trace-initialize), plus builders for the requests OpenSC sends.
 */
final class KeyTestCard {
  static final byte[] PIN = "648219".getBytes(StandardCharsets.US_ASCII);
  static final String OPENSC_CAR = "UTCA00001";
  static final int SW_OK = 0x9000;

  final CardOs card;

  /** The reply of the card: data and status word. */
  record Reply(byte[] data, int sw) {
    Reply ok() {
      assertThat(Integer.toHexString(sw)).isEqualTo("9000");
      return this;
    }
  }

  private KeyTestCard(boolean initialize, boolean login) {
    this(CardOs.inMemory(TestCard.env()), initialize, login);
  }

  KeyTestCard(CardOs card, boolean initialize, boolean login) {
    this.card = card;
    if (initialize) {
      send(hex("8050000019" + "80020001" + "8106" + HexFormat.of().formatHex(PIN)
          + "82083537363231383830" + "910103")).ok();
    }
    if (login) {
      login();
    }
  }

  /** Initialized and the user PIN verified. */
  static KeyTestCard loggedIn() {
    return new KeyTestCard(true, true);
  }

  /** Initialized and logged in, on a card with the given crypto providers. */
  static KeyTestCard loggedIn(CryptoProviders providers) {
    return new KeyTestCard(
        CardOs.inMemory(TestCard.env().withCrypto(providers)), true, true);
  }

  /** A second card with a copy of this card's state (same keys, same PIN), logged in. */
  KeyTestCard twin(CryptoProviders providers) {
    CardOs other =
        new CardOs(
            new MemoryStateStore(card.state()), TestCard.env().withCrypto(providers));
    return new KeyTestCard(other, false, true);
  }

  /** Initialized, user PIN not verified. */
  static KeyTestCard loggedOut() {
    return new KeyTestCard(true, false);
  }

  static KeyTestCard factoryNew() {
    return new KeyTestCard(false, false);
  }

  void login() {
    send(hex("00200081" + "06" + HexFormat.of().formatHex(PIN))).ok();
  }

  /** SELECT of the applet: what C_Logout sends; it clears the login (docs/protocol.md#traps trap 12). */
  void logout() {
    send(hex("00A404000BE82B0601040181C31F0201")).ok();
  }

  Reply send(byte[] apdu) {
    byte[] r = card.process(apdu);
    return new Reply(
        Arrays.copyOf(r, r.length - 2), ((r[r.length - 2] & 0xFF) << 8) | (r[r.length - 1] & 0xFF));
  }

  /** Case 4 extended (or case 2 extended without data), as OpenSC sends 46 / 68 / 62 (docs/protocol.md#apdu-encoding). */
  static byte[] extended(int cla, int ins, int p1, int p2, byte[] data, int le) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(cla);
    out.write(ins);
    out.write(p1);
    out.write(p2);
    out.write(0);
    if (data.length > 0) {
      out.write(data.length >> 8);
      out.write(data.length);
      out.writeBytes(data);
    }
    out.write(le >> 8);
    out.write(le);
    return out.toByteArray();
  }

  Reply generate(int keyId, byte[] request) {
    return generate(keyId, 0, request);
  }

  Reply generate(int keyId, int signerId, byte[] request) {
    return send(extended(0x00, 0x46, keyId, signerId, request, 0));
  }

  Reply sign(int keyId, int algorithm, byte[] input) {
    return send(extended(0x80, 0x68, keyId, algorithm, input, 0x0200));
  }

  Reply decipher(int keyId, int algorithm, byte[] input) {
    return send(extended(0x80, 0x62, keyId, algorithm, input, 0x0200));
  }

  /** OpenSC's serial number: the device CHR without its last five characters (docs/protocol.md#bind). */
  String serial() {
    String chr = card.deviceChr();
    return chr.substring(0, chr.length() - 5);
  }

  /** The CHR OpenSC puts into a key request: serial + "00001" (docs/protocol.md#generate). */
  String openScChr() {
    return serial() + "00001";
  }

  /** The GAKP data of {@code pkcs11-tool --keypairgen --key-type EC:<curve>} (docs/protocol.md#generate, docs/protocol.md#trace-keygen). */
  byte[] openScEcRequest(Curve curve) {
    return request(
        ecTemplate(curve, curve.primeBytes(), curve.bBytes()), OPENSC_CAR, openScChr());
  }

  /** The GAKP data for {@code --key-type rsa:<bits>}: OID, exponent 65537, size as INTEGER. */
  byte[] openScRsaRequest(int bits) {
    return request(rsaTemplate(bits, new byte[] {1, 0, 1}), OPENSC_CAR, openScChr());
  }

  static byte[] ecTemplate(Curve curve, byte[] prime, byte[] b) {
    return new TlvWriter()
        .nest(
            Cvc.TAG_PUBLIC_KEY,
            w ->
                w.add(0x06, TaAlgorithm.ECDSA_SHA_256.der())
                    .add(0x81, prime)
                    .add(0x82, curve.aBytes())
                    .add(0x83, b)
                    .add(0x84, curve.generatorBytes())
                    .add(0x85, curve.orderBytes())
                    .add(0x87, curve.cofactorBytes()))
        .toByteArray();
  }

  static byte[] rsaTemplate(int bits, byte[] exponent) {
    return new TlvWriter()
        .nest(
            Cvc.TAG_PUBLIC_KEY,
            w ->
                w.add(0x06, TaAlgorithm.RSA_V1_5_SHA_256.der())
                    .add(0x82, exponent)
                    .add(0x02, new byte[] {(byte) (bits >> 8), (byte) bits}))
        .toByteArray();
  }

  /** {@code 5F29 00, 42 car, template, 5F20 chr}: the contents of OpenSC's 7F4E (docs/protocol.md#generate). */
  static byte[] request(byte[] template, String car, String chr) {
    return new TlvWriter()
        .addByte(Cvc.TAG_CPI, 0)
        .add(Cvc.TAG_CAR, car)
        .raw(template)
        .add(Cvc.TAG_CHR, chr)
        .toByteArray();
  }

  /** Generates an EC key with OpenSC's request and checks the card accepted it. */
  byte[] generateEc(int keyId, Curve curve) {
    return generate(keyId, openScEcRequest(curve)).ok().data();
  }

  byte[] generateRsa(int keyId, int bits) {
    return generate(keyId, openScRsaRequest(bits)).ok().data();
  }

  KeyRecord key(int id) {
    return card.state().key(id);
  }

  /** The public key of key {@code id} as the card stored it. */
  PublicKey publicKey(int id) {
    KeyRecord k = key(id);
    try {
      return KeyFactory.getInstance(k.type().name(), CardCrypto.bouncyCastle())
          .generatePublic(new X509EncodedKeySpec(k.publicKey()));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }
}
