package io.hsmkit.card;

import io.hsmkit.apdu.TaAlgorithm;
import io.hsmkit.apdu.TlvWriter;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.cvc.Cvc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * The issuers of an hsmkit installation (SECURITY.md "Card identity and PKA trust"): a root CVCA
 * (the cards' SRCA) and a DICA it signs, which signs the device CVC of every card this
 * installation makes. Cards made with the same root trust each other's device chains for public
 * key authentication; no hsmkit card holds or imitates CardContact's root.
 *
 * <p>Names use the ISO 3166 user-assigned code {@code ZZ}, so they never look like CardContact's
 * {@code DE…} issuers: {@code ZZHKR} / {@code ZZHKD} + six random digits + sequence {@code 00001}.
 */
public final class InstallationRoot {
  private static final byte[] MAGIC = "HSMKITIR".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;

  private final String rootChr;
  private final byte[] rootCvc;
  private final KeyPair dica;
  private final String dicaChr;
  private final byte[] dicaCvc;

  private InstallationRoot(String rootChr, byte[] rootCvc, KeyPair dica, String dicaChr,
      byte[] dicaCvc) {
    this.rootChr = rootChr;
    this.rootCvc = rootCvc;
    this.dica = dica;
    this.dicaChr = dicaChr;
    this.dicaCvc = dicaCvc;
  }

  /**
   * A new installation: root and DICA key pairs (brainpoolP256r1), the self-signed root CVC and
   * the DICA CVC. The root private key is thrown away once the DICA is signed: nothing else is
   * ever signed by it, so it need not be kept.
   */
  public static InstallationRoot create(java.security.SecureRandom random, LocalDate today) {
    return create(new CardCrypto(random), today);
  }

  /** As {@link #create(java.security.SecureRandom, LocalDate)} with the card's crypto. */
  public static InstallationRoot create(CardCrypto crypto, LocalDate today) {
    String n = String.format("%06d", crypto.random().nextInt(1_000_000));
    String rootChr = "ZZHKR" + n + "00001";
    String dicaChr = "ZZHKD" + n + "00001";
    KeyPair root = crypto.generateEc(Curve.BRAINPOOLP256R1);
    KeyPair dica = crypto.generateEc(Curve.BRAINPOOLP256R1);
    byte[] rootBody = body(rootChr, root.getPublic(), rootChr, today, today.plusYears(30));
    byte[] rootCvc = Cvc.certificate(rootBody, crypto.signForCvc(root.getPrivate(), rootBody));
    byte[] dicaBody = body(rootChr, dica.getPublic(), dicaChr, today, today.plusYears(25));
    byte[] dicaCvc = Cvc.certificate(dicaBody, crypto.signForCvc(root.getPrivate(), dicaBody));
    return new InstallationRoot(rootChr, rootCvc, dica, dicaChr, dicaCvc);
  }

  /** A CVC body {@code 7F4E} with an id-TA-ECDSA-SHA-256 key, as every certificate here has. */
  public static byte[] body(String car, PublicKey subject, String chr, LocalDate from,
      LocalDate until) {
    return new TlvWriter()
        .nest(
            Cvc.TAG_BODY,
            w ->
                w.addByte(Cvc.TAG_CPI, 0)
                    .add(Cvc.TAG_CAR, car.getBytes(StandardCharsets.US_ASCII))
                    .raw(Cvc.publicKeyTemplate(subject, TaAlgorithm.ECDSA_SHA_256.der()))
                    .add(Cvc.TAG_CHR, chr.getBytes(StandardCharsets.US_ASCII))
                    .add(Cvc.TAG_EFFECTIVE_DATE, Cvc.date(from))
                    .add(Cvc.TAG_EXPIRATION_DATE, Cvc.date(until)))
        .toByteArray();
  }

  /** Signs a device CVC body with the DICA key: the certificate ({@code DeviceIdentity}). */
  public byte[] signDevice(CardCrypto crypto, byte[] deviceBody) {
    return Cvc.certificate(deviceBody, crypto.signForCvc(dica.getPrivate(), deviceBody));
  }

  public String rootChr() {
    return rootChr;
  }

  /** The self-signed root CVC: the trust anchor (SRCA) of the cards of this installation. */
  public byte[] rootCvc() {
    return rootCvc.clone();
  }

  public String dicaChr() {
    return dicaChr;
  }

  public byte[] dicaCvc() {
    return dicaCvc.clone();
  }

  /** The file form: magic, version, root CVC, DICA CVC, DICA PKCS#8 private key. */
  public byte[] encode() {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(b);
      out.write(MAGIC);
      out.writeShort(VERSION);
      for (byte[] part : new byte[][] {rootCvc, dicaCvc, dica.getPrivate().getEncoded(),
          dica.getPublic().getEncoded()}) {
        out.writeInt(part.length);
        out.write(part);
      }
      out.flush();
      return b.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads {@link #encode()}'s form; IllegalArgumentException if it is not one. */
  public static InstallationRoot decode(byte[] bytes) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC) || in.readUnsignedShort() != VERSION) {
        throw new IllegalArgumentException("not an hsmkit installation root");
      }
      byte[][] parts = new byte[4][];
      for (int i = 0; i < 4; i++) {
        int n = in.readInt();
        if (n < 0 || n > 4096) {
          throw new IllegalArgumentException("installation root damaged");
        }
        parts[i] = in.readNBytes(n);
        if (parts[i].length != n) {
          throw new IllegalArgumentException("installation root truncated");
        }
      }
      KeyFactory kf = KeyFactory.getInstance("EC", CardCrypto.bouncyCastle());
      PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(parts[2]));
      PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(parts[3]));
      return new InstallationRoot(Cvc.chrOf(parts[0]), parts[0], new KeyPair(pub, priv),
          Cvc.chrOf(parts[1]), parts[1]);
    } catch (IOException | GeneralSecurityException | io.hsmkit.apdu.TlvException e) {
      throw new IllegalArgumentException("installation root damaged: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "InstallationRoot[" + rootChr + ", " + dicaChr + "]";
  }
}
