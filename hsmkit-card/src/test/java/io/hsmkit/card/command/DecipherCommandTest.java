package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.state.CardState;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** DECIPHER and ECDH, docs/protocol.md#decipher, docs/protocol.md#traps trap 11. */
class DecipherCommandTest {
  static final int RSA = 1;
  static final byte[] SECRET = "a session key....".getBytes(StandardCharsets.US_ASCII);

  static KeyTestCard t;

  static int ecId(Curve c) {
    return 0x10 + c.ordinal();
  }

  @BeforeAll
  static void makeKeys() {
    t = KeyTestCard.loggedIn();
    t.generateRsa(RSA, 2048);
    for (Curve c : Curve.values()) {
      t.generateEc(ecId(c), c);
    }
  }

  static KeyPair peer(Curve c) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", CardCrypto.bouncyCastle());
    g.initialize(new ECGenParameterSpec(c.curveName()));
    return g.generateKeyPair();
  }

  static byte[] point(ECPublicKey k) {
    return EC5Util.convertPoint(k.getParams(), k.getW()).getEncoded(false);
  }

  // ---- RSA ----

  @Test
  void decipher_rsaRawOnPkcs1Cryptogram_returnsFullBlockForHostUnpadding() throws Exception {
    Cipher enc = Cipher.getInstance("RSA/ECB/PKCS1Padding"); // the JDK's provider
    enc.init(Cipher.ENCRYPT_MODE, t.publicKey(RSA));
    byte[] cryptogram = enc.doFinal(SECRET);

    byte[] block = t.decipher(RSA, 0x21, cryptogram).ok().data();

    // OpenSC strips type-2 padding from the full modulus-length block (docs/protocol.md#decipher).
    assertThat(block).hasSize(256);
    assertThat(block[0]).isEqualTo((byte) 0x00);
    assertThat(block[1]).isEqualTo((byte) 0x02);
    int sep = block.length - SECRET.length - 1;
    assertThat(block[sep]).isZero();
    assertThat(Arrays.copyOfRange(block, 2, sep)).doesNotContain((byte) 0);
    assertThat(Arrays.copyOfRange(block, sep + 1, block.length)).isEqualTo(SECRET);
  }

  @Test
  void decipher_rsaRawOfSmallPlaintext_keepsLeadingZeros() {
    RSAPublicKey pub = (RSAPublicKey) t.publicKey(RSA);
    BigInteger m = new BigInteger(1, SECRET);
    byte[] c = FixedBytes.of(m.modPow(pub.getPublicExponent(), pub.getModulus()), 256);

    byte[] out = t.decipher(RSA, 0x21, c).ok().data();

    assertThat(out).hasSize(256);
    assertThat(Arrays.copyOfRange(out, 0, 256 - SECRET.length)).containsOnly(0);
    assertThat(Arrays.copyOfRange(out, 256 - SECRET.length, 256)).isEqualTo(SECRET);
  }

  @Test
  void decipher_rsaCryptogramNotBelowModulus_returns6A80AndChangesNothing() {
    RSAPublicKey pub = (RSAPublicKey) t.publicKey(RSA);
    CardState before = t.card.state();

    byte[] tooBig = FixedBytes.of(pub.getModulus().add(BigInteger.ONE), 256);
    assertThat(t.decipher(RSA, 0x21, tooBig).sw()).isEqualTo(0x6A80);
    assertThat(t.card.state()).isEqualTo(before);
  }

  // ---- ECDH ----

  @ParameterizedTest
  @EnumSource(Curve.class)
  void decipher_ecdhEveryCurve_returnsSharedPointMatchingLocalKeyAgreement(Curve curve)
      throws Exception {
    KeyPair peer = peer(curve);

    byte[] out = t.decipher(ecId(curve), 0x80, point((ECPublicKey) peer.getPublic())).ok().data();

    ECPublicKey cardPub = (ECPublicKey) t.publicKey(ecId(curve));
    KeyAgreement ka = KeyAgreement.getInstance("ECDH", CardCrypto.bouncyCastle());
    ka.init(peer.getPrivate());
    ka.doPhase(cardPub, true);
    byte[] x = ka.generateSecret();
    ECPoint expected = EC5Util.convertPoint(cardPub.getParams(), cardPub.getW())
        .multiply(((ECPrivateKey) peer.getPrivate()).getS()).normalize();

    assertThat(out).hasSize(1 + 2 * curve.fieldBytes());
    assertThat(out[0]).isEqualTo((byte) 0x04);
    assertThat(Arrays.copyOfRange(out, 1, 1 + curve.fieldBytes())).isEqualTo(x);
    assertThat(out).isEqualTo(expected.getEncoded(false));
  }

  @Test
  void decipher_ecdhPointNotOnCurve_returns6A80AndChangesNothing() throws Exception {
    Curve c = Curve.SECP256R1;
    byte[] p = point((ECPublicKey) peer(c).getPublic());
    p[p.length - 1] ^= 1;
    CardState before = t.card.state();

    assertThat(t.decipher(ecId(c), 0x80, p).sw()).isEqualTo(0x6A80);
    assertThat(t.card.state()).isEqualTo(before);
  }

  @Test
  void decipher_ecdhPointAtInfinity_returns6A80() {
    int id = ecId(Curve.SECP256R1);

    assertThat(t.decipher(id, 0x80, new byte[] {0x00}).sw()).isEqualTo(0x6A80);
    assertThat(t.decipher(id, 0x80, new byte[65]).sw()).isEqualTo(0x6A80);
    byte[] zeros = new byte[65];
    zeros[0] = 0x04;
    assertThat(t.decipher(id, 0x80, zeros).sw()).isEqualTo(0x6A80);
  }

  @Test
  void decipher_ecdhWrongEncodings_return6A80() throws Exception {
    Curve c = Curve.BRAINPOOLP256R1;
    ECPublicKey peer = (ECPublicKey) peer(c).getPublic();
    byte[] uncompressed = point(peer);
    byte[] compressed = EC5Util.convertPoint(peer.getParams(), peer.getW()).getEncoded(true);
    byte[] withoutTag = Arrays.copyOfRange(uncompressed, 1, uncompressed.length);
    byte[] trailing = Arrays.copyOf(uncompressed, uncompressed.length + 1);
    byte[] otherCurve = point((ECPublicKey) peer(Curve.SECP384R1).getPublic());

    for (byte[] bad : new byte[][] {compressed, withoutTag, trailing, otherCurve}) {
      assertThat(t.decipher(ecId(c), 0x80, bad).sw()).isEqualTo(0x6A80);
    }
  }

  @Test
  void decipher_pointOfSameSizeOtherCurve_returns6A80() throws Exception {
    // A secp256k1 point has the right length for brainpoolP256r1 but is not on it.
    byte[] p = point((ECPublicKey) peer(Curve.SECP256K1).getPublic());

    assertThat(t.decipher(ecId(Curve.BRAINPOOLP256R1), 0x80, p).sw()).isEqualTo(0x6A80);
  }

  // ---- access and algorithm checks ----

  @Test
  void decipher_ecdhWithRsaKey_returns6985() throws Exception {
    byte[] p = point((ECPublicKey) peer(Curve.SECP256R1).getPublic());

    assertThat(t.decipher(RSA, 0x80, p).sw()).isEqualTo(0x6985);
  }

  @Test
  void decipher_rsaWithEcKey_returns6985() {
    assertThat(t.decipher(ecId(Curve.SECP256R1), 0x21, new byte[32]).sw()).isEqualTo(0x6985);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x20, 0x22, 0x70, 0x73, 0x81, 0x93})
  void decipher_nonDecipherAlgorithm_returns6A86(int algorithm) {
    assertThat(t.decipher(RSA, algorithm, new byte[256]).sw()).isEqualTo(0x6A86);
  }

  @Test
  void decipher_missingKey_returns6A88() {
    assertThat(t.decipher(0x77, 0x21, new byte[256]).sw()).isEqualTo(0x6A88);
  }

  @Test
  void decipher_withDeviceKey_returns6985() throws Exception {
    byte[] p = point((ECPublicKey) peer(Curve.BRAINPOOLP256R1).getPublic());

    assertThat(t.decipher(0, 0x80, p).sw()).isEqualTo(0x6985);
  }

  @Test
  void decipher_withoutPin_returns6982AndChangesNothing() throws Exception {
    KeyTestCard other = KeyTestCard.loggedIn();
    other.generateEc(1, Curve.SECP256R1);
    other.logout();
    CardState before = other.card.state();
    byte[] p = point((ECPublicKey) peer(Curve.SECP256R1).getPublic());

    assertThat(other.decipher(1, 0x80, p).sw()).isEqualTo(0x6982);
    assertThat(other.card.state()).isEqualTo(before);
  }
}
