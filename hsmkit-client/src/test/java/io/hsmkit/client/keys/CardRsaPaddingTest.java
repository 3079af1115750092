package io.hsmkit.client.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.util.DigestFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host padding against the JDK's own RSA: the JDK's NoPadding private operation stands in for
 * the card's raw RSA, and every result must match what the JDK pads or signs itself. A modulus of
 * 1028 bits checks the k−1/k block sizes where the top byte is not full.
 */
class CardRsaPaddingTest {
  static final byte[] MESSAGE = "Data to sign".getBytes(StandardCharsets.US_ASCII);
  static final byte[] SECRET = "a 16-byte secret".getBytes(StandardCharsets.US_ASCII);
  static final KeyPair RSA_1028 = generate(1028);
  static final KeyPair RSA_2048 = generate(2048);

  static Stream<KeyPair> keys() {
    return Stream.of(RSA_1028, RSA_2048);
  }

  static KeyPair generate(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** What the card's raw RSA returns: m^d mod n, modulus-length, leading zeros kept. */
  static byte[] cardRaw(KeyPair kp, byte[] input) throws Exception {
    Cipher raw = Cipher.getInstance("RSA/ECB/NoPadding");
    raw.init(Cipher.DECRYPT_MODE, kp.getPrivate());
    return raw.doFinal(input);
  }

  static RSAPublicKey pub(KeyPair kp) {
    return (RSAPublicKey) kp.getPublic();
  }

  @ParameterizedTest
  @MethodSource("keys")
  void pkcs1SignatureBlock_signedRaw_isTheJdksSha256WithRsaSignature(KeyPair kp) throws Exception {
    byte[] digestInfo =
        KeyOperations.digestInfo("SHA-256", MessageDigest.getInstance("SHA-256").digest(MESSAGE));
    byte[] block = CardRsaPadding.pkcs1SignatureBlock(pub(kp), digestInfo);

    int k = CardRsaPadding.modulusBytes(pub(kp).getModulus());
    assertThat(block).hasSize(k);
    assertThat(Arrays.copyOf(block, 2)).containsExactly(0x00, 0x01);
    assertThat(Arrays.copyOfRange(block, k - digestInfo.length, k)).isEqualTo(digestInfo);

    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initSign(kp.getPrivate());
    jdk.update(MESSAGE);
    assertThat(cardRaw(kp, block)).isEqualTo(jdk.sign());
  }

  @Test
  void pkcs1SignatureBlock_dataLongerThanKMinus11_isRefused() {
    int k = CardRsaPadding.modulusBytes(pub(RSA_1028).getModulus());
    assertThat(CardRsaPadding.pkcs1SignatureBlock(
            pub(RSA_1028), new byte[k - CardRsaPadding.PKCS1_OVERHEAD]))
        .hasSize(k);
    assertThatThrownBy(() -> CardRsaPadding.pkcs1SignatureBlock(
            pub(RSA_1028), new byte[k - CardRsaPadding.PKCS1_OVERHEAD + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @MethodSource("keys")
  void unpadPkcs1_ofTheRawDecryption_recoversWhatTheJdkEncrypted(KeyPair kp) throws Exception {
    Cipher enc = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    enc.init(Cipher.ENCRYPT_MODE, kp.getPublic());
    byte[] block = cardRaw(kp, enc.doFinal(SECRET));
    byte[] copy = block.clone();
    assertThat(block[0]).isZero();

    assertThat(CardRsaPadding.unpadPkcs1(pub(kp), block)).isEqualTo(SECRET);
    assertThat(block).as("the caller's block is left as it was").isEqualTo(copy);
    // without its leading zero byte (k−1 bytes) the block unpads the same
    assertThat(CardRsaPadding.unpadPkcs1(pub(kp), Arrays.copyOfRange(block, 1, block.length)))
        .isEqualTo(SECRET);
  }

  @ParameterizedTest
  @MethodSource("keys")
  void unpadOaep_withHashMgfAndLabel_recoversWhatTheJdkEncrypted(KeyPair kp) throws Exception {
    byte[] label = "label".getBytes(StandardCharsets.US_ASCII);
    Cipher enc = Cipher.getInstance("RSA/ECB/OAEPPadding");
    enc.init(Cipher.ENCRYPT_MODE, kp.getPublic(),
        new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA1,
            new PSource.PSpecified(label)));
    byte[] block = cardRaw(kp, enc.doFinal(SECRET));
    byte[] copy = block.clone();

    assertThat(CardRsaPadding.unpadOaep(pub(kp), block, DigestFactory.createSHA256(),
            DigestFactory.createSHA1(), label))
        .isEqualTo(SECRET);
    assertThat(block).as("the engine wipes its own copy only").isEqualTo(copy);
    assertThatThrownBy(() -> CardRsaPadding.unpadOaep(pub(kp), block,
            DigestFactory.createSHA256(), DigestFactory.createSHA1(), null))
        .as("another label")
        .isInstanceOf(InvalidCipherTextException.class);
  }

  @Test
  void unpad_withTheWrongPadding_failsCleanly() throws Exception {
    Cipher pkcs1 = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    pkcs1.init(Cipher.ENCRYPT_MODE, RSA_2048.getPublic());
    byte[] pkcs1Block = cardRaw(RSA_2048, pkcs1.doFinal(SECRET));
    assertThatThrownBy(() -> CardRsaPadding.unpadOaep(pub(RSA_2048), pkcs1Block,
            DigestFactory.createSHA256(), DigestFactory.createSHA256(), null))
        .isInstanceOf(InvalidCipherTextException.class);

    Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
    oaep.init(Cipher.ENCRYPT_MODE, RSA_2048.getPublic());
    byte[] oaepBlock = cardRaw(RSA_2048, oaep.doFinal(SECRET));
    assertThatThrownBy(() -> CardRsaPadding.unpadPkcs1(pub(RSA_2048), oaepBlock))
        .isInstanceOf(InvalidCipherTextException.class);
  }
}
