package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.TlvWriter;
import io.hsmkit.card.crypto.Curve;
import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DERIVE EC KEY (80 76), docs/protocol.md#derive-ec. */
class DeriveEcKeyCommandTest {
  private static final byte[] MESSAGE = "derived".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int SRC = 0x21;
  private static final int DST = 0x22;

  static byte[] derive(int src, int dst, byte[] data) {
    return KeyTestCard.extended(0x80, 0x76, src, dst, data, 0);
  }

  static byte[] offsetData(BigInteger offset) {
    byte[] o = offset.toByteArray();
    byte[] data = new byte[o.length + 1];
    data[0] = (byte) 0x98;
    System.arraycopy(o, 0, data, 1, o.length);
    return data;
  }

  /** A logged-in card with an EC key at {@link #SRC} whose algorithm list is {@code list}. */
  static KeyTestCard cardWithKey(Curve curve, byte[] list) {
    KeyTestCard t = KeyTestCard.loggedIn();
    t.generate(SRC, GenerateAsymmetricKeyPairCommandTest.concat(
        t.openScEcRequest(curve), new TlvWriter().add(0x91, list).toByteArray())).ok();
    return t;
  }

  /** Q' = Q + offset·G, computed here with Bouncy Castle's point arithmetic from the source's public key. */
  @ParameterizedTest
  @EnumSource(value = Curve.class, names = {"SECP256R1", "SECP384R1", "SECP256K1", "BRAINPOOLP256R1"})
  void derivedPublicKeyIsSourcePlusOffsetTimesG(Curve curve) throws Exception {
    KeyTestCard t = cardWithKey(curve, new byte[] {0x70, (byte) 0x98});
    BigInteger offset = new BigInteger(1, HexFormat.of().parseHex(
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")).mod(curve.x9().getN());

    assertThat(t.send(derive(SRC, DST, offsetData(offset))).sw()).isEqualTo(0x9000);

    ECPoint q = point(curve, (ECPublicKey) t.publicKey(SRC));
    ECPoint expected = q.add(curve.x9().getG().multiply(offset)).normalize();
    assertThat(point(curve, (ECPublicKey) t.publicKey(DST))).isEqualTo(expected);
    byte[] sig = t.sign(DST, 0x70, sha256(MESSAGE)).ok().data();
    assertThat(EcdsaSignatures.verify(curve, "SHA256", t.publicKey(DST), MESSAGE, sig)).isTrue();
    // The stored key names its curve by OID, as generated keys do.
    assertThat(SubjectPublicKeyInfo.getInstance(t.key(DST).publicKey()).getAlgorithm().getParameters())
        .isEqualTo(curve.oid());
  }

  @Test
  void offsetZeroOrNotBelowTheOrder_returns6A80() throws Exception {
    KeyTestCard t = cardWithKey(Curve.SECP256R1, new byte[] {(byte) 0x98});
    BigInteger n = Curve.SECP256R1.x9().getN();
    assertThat(t.send(derive(SRC, DST, offsetData(n))).sw()).isEqualTo(0x6A80);
    assertThat(t.send(derive(SRC, DST, offsetData(BigInteger.ZERO))).sw()).isEqualTo(0x6A80);
    assertThat(t.key(DST)).isNull();
  }

  @Test
  void refusals() {
    KeyTestCard t = cardWithKey(Curve.SECP256R1, new byte[] {0x70});
    byte[] good = offsetData(BigInteger.TWO);
    assertThat(t.send(derive(SRC, DST, good)).sw()).as("0x98 not in the list").isEqualTo(0x6985);
    assertThat(t.send(derive(0x55, DST, good)).sw()).as("no source").isEqualTo(0x6A88);
    assertThat(t.send(derive(0, DST, good)).sw()).as("device key").isEqualTo(0x6985);

    KeyTestCard u = cardWithKey(Curve.SECP256R1, new byte[] {0x70, (byte) 0x98});
    assertThat(u.send(derive(SRC, 0, good)).sw()).as("dst 0").isEqualTo(0x6A86);
    assertThat(u.send(derive(SRC, SRC, good)).sw()).as("dst in use").isEqualTo(0x6A89);
    assertThat(u.send(derive(SRC, DST, new byte[] {(byte) 0x98})).sw()).isEqualTo(0x6A80);
    assertThat(u.send(derive(SRC, DST, new byte[] {0x70, 0x02})).sw()).isEqualTo(0x6A80);
    byte[] tooLong = new byte[34];
    tooLong[0] = (byte) 0x98;
    tooLong[33] = 1;
    assertThat(u.send(derive(SRC, DST, tooLong)).sw()).as("longer than the field").isEqualTo(0x6A80);
    u.generateRsa(0x30, 1024);
    assertThat(u.send(derive(0x30, DST, good)).sw()).as("RSA source").isEqualTo(0x6985);
    assertThat(u.key(DST)).isNull();

    u.logout();
    assertThat(u.send(derive(SRC, DST, good)).sw()).isEqualTo(0x6982);
  }

  private static ECPoint point(Curve curve, ECPublicKey key) {
    return curve.x9().getCurve()
        .createPoint(key.getW().getAffineX(), key.getW().getAffineY()).normalize();
  }

  private static byte[] sha256(byte[] m) throws Exception {
    return java.security.MessageDigest.getInstance("SHA-256").digest(m);
  }
}
