package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.TestCard;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.state.KeyRecord;
import io.hsmkit.card.state.StateException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.util.HexFormat;

/** Helpers for the keys-at-rest and PIN-policy tests: cards in a directory, driven by APDUs. */
final class SealedCards {
  static final String SO_PIN_HEX = "3537363231383830";
  static final byte[] MESSAGE = "sealed at rest".getBytes(StandardCharsets.US_ASCII);
  static final int SW_SECURITY = 0x6982;

  private SealedCards() {}

  static KeyTestCard open(Path dir) throws StateException {
    return open(dir, TestCard.env());
  }

  static KeyTestCard open(Path dir, CardEnvironment env) throws StateException {
    return new KeyTestCard(CardOs.open(dir, env), false, false);
  }

  /** INITIALIZE as sc-hsm-tool sends it: options 0001, {@code retries}, DKEK shares or none. */
  static KeyTestCard.Reply initialize(KeyTestCard t, String pin, int retries, Integer shares) {
    String p = HexFormat.of().formatHex(pin.getBytes(StandardCharsets.US_ASCII));
    String data = "80020001" + "81" + String.format("%02X", pin.length()) + p + "8208" + SO_PIN_HEX
        + "9101" + String.format("%02X", retries)
        + (shares == null ? "" : "9201" + String.format("%02X", shares));
    return t.send(KeyTestCard.hex("80500000" + String.format("%02X", data.length() / 2) + data));
  }

  static KeyTestCard.Reply verify(KeyTestCard t, String pin) {
    String p = HexFormat.of().formatHex(pin.getBytes(StandardCharsets.US_ASCII));
    return t.send(KeyTestCard.hex("00200081" + String.format("%02X", pin.length()) + p));
  }

  static KeyTestCard.Reply importShare(KeyTestCard t, byte[] share) {
    return t.send(KeyTestCard.hex("8052000020" + HexFormat.of().formatHex(share)));
  }

  static byte[] share(int fill) {
    byte[] b = new byte[32];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (fill + 7 * i);
    }
    return b;
  }

  /** True when key {@code id} signs {@link #MESSAGE} and the signature verifies for its public key. */
  static boolean signs(KeyTestCard t, int id) throws Exception {
    KeyRecord k = t.key(id);
    if (k.type() == KeyRecord.KeyType.EC) {
      KeyTestCard.Reply r = t.sign(id, 0x73, MESSAGE);
      if (r.sw() != 0x9000) {
        return false;
      }
      return EcdsaSignatures.verify(
          Curve.byName(k.curve()).orElseThrow(), "SHA256", t.publicKey(id), MESSAGE, r.data());
    }
    KeyTestCard.Reply r = t.sign(id, 0x33, MESSAGE);
    if (r.sw() != 0x9000) {
      return false;
    }
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initVerify(t.publicKey(id));
    s.update(MESSAGE);
    return s.verify(r.data());
  }

  static void assertOk(KeyTestCard.Reply r) {
    assertThat(Integer.toHexString(r.sw())).isEqualTo("9000");
  }
}
