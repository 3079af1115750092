package io.hsmkit.client.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.client.HsmException;
import io.hsmkit.client.KeyTypeException;
import io.hsmkit.client.SmartCardHsmSession;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** AES keys through the client API against the in-JVM card. */
class AesKeysTest {
  static final byte[] PIN = LoggedInCard.PIN;

  SmartCardHsmSession session;
  KeyManager km;
  KeyOperations ops;

  @BeforeEach
  void setUp() throws Exception {
    session = LoggedInCard.session();
    km = new KeyManager(session);
    ops = new KeyOperations(session);
  }

  @ParameterizedTest
  @ValueSource(ints = {128, 192, 256})
  void generate_writesTheSecretKeyDescription_andListShowsIt(int bits) throws Exception {
    km.generate(KeySpec.parse("ec:secp256r1"), new byte[] {1}, "ec");
    KeyInfo k = km.generate(KeySpec.parse("aes:" + bits), null, "vault");
    assertThat(k.keyRef()).isEqualTo(2);
    assertThat(k.idHex()).isEqualTo("02"); // the module's default: the key reference
    assertThat(k.algorithm()).isEqualTo("AES-" + bits);
    assertThat(k.sizeBits()).isEqualTo(bits);
    assertThat(k.isAes()).isTrue();
    assertThat(k.usage()).containsExactly("encrypt", "decrypt", "sign");
    assertThat(k.publicKey()).isNull();
    byte[] c4 = session.readFile(KeyManager.PRKD | 2).orElseThrow();
    assertThat(c4[0] & 0xFF).isEqualTo(0xA8);
    assertThat(SecretKeyDescription.decode(c4).label()).isEqualTo("vault");
    assertThat(km.list()).extracting(KeyInfo::algorithm).containsExactly("EC secp256r1", "AES-" + bits);
  }

  @Test
  void generate_givenId_andDuplicateRefused() throws Exception {
    KeyInfo k = km.generate(new KeySpec.Aes(256), new byte[] {0x42, 0x43}, "");
    assertThat(k.idHex()).isEqualTo("4243");
    assertThatThrownBy(() -> km.generate(new KeySpec.Aes(128), new byte[] {0x42, 0x43}, ""))
        .isInstanceOf(HsmException.class).hasMessageContaining("exists already");
  }

  @Test
  void cbc_roundTripOverSeveralCommands_andChainingIsCbc() throws Exception {
    KeyInfo k = km.generate(new KeySpec.Aes(256), null, "");
    Random rnd = new Random(15);
    byte[] iv = new byte[16];
    rnd.nextBytes(iv);
    byte[] plain = new byte[KeyOperations.CBC_CHUNK * 2 + 48];
    rnd.nextBytes(plain);
    byte[] enc = ops.encryptAesCbc(k, iv, plain);
    assertThat(ops.decryptAesCbc(k, iv, enc)).isEqualTo(plain);
    // CBC: the ciphertext of a prefix is the prefix of the ciphertext, and block i + 1 encrypted
    // alone with IV = ciphertext block i gives ciphertext block i + 1
    assertThat(ops.encryptAesCbc(k, iv, Arrays.copyOf(plain, 32))).isEqualTo(Arrays.copyOf(enc, 32));
    int at = KeyOperations.CBC_CHUNK; // the first block of the second command
    assertThat(ops.encryptAesCbc(k, Arrays.copyOfRange(enc, at - 16, at),
        Arrays.copyOfRange(plain, at, at + 16))).isEqualTo(Arrays.copyOfRange(enc, at, at + 16));
    // a different IV changes only through the first block's input
    byte[] iv2 = iv.clone();
    iv2[0] ^= 1;
    byte[] p2 = plain.clone();
    p2[0] ^= 1;
    assertThat(ops.encryptAesCbc(k, iv2, p2)).isEqualTo(enc);
  }

  @Test
  void cmac_isSixteenBytes_deterministic_andKeyed() throws Exception {
    KeyInfo a = km.generate(new KeySpec.Aes(128), null, "");
    KeyInfo b = km.generate(new KeySpec.Aes(128), null, "");
    byte[] m = "message".getBytes(StandardCharsets.US_ASCII);
    assertThat(ops.cmacAes(a, m)).hasSize(16).isEqualTo(ops.cmacAes(a, m));
    assertThat(ops.cmacAes(a, m)).isNotEqualTo(ops.cmacAes(b, m));
    assertThat(ops.cmacAes(a, new byte[0])).hasSize(16);
  }

  @Test
  void wrongInput_andWrongKeyType_areCleanErrors() throws Exception {
    KeyInfo aes = km.generate(new KeySpec.Aes(128), null, "");
    KeyInfo ec = km.generate(KeySpec.parse("ec:secp256r1"), new byte[] {9}, "");
    assertThatThrownBy(() -> ops.encryptAesCbc(aes, new byte[16], new byte[15]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 16");
    assertThatThrownBy(() -> ops.encryptAesCbc(aes, new byte[8], new byte[16]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IV");
    assertThatThrownBy(() -> ops.encryptAesCbc(ec, new byte[16], new byte[16]))
        .isInstanceOf(KeyTypeException.class).hasMessageContaining("needs an AES key");
    assertThatThrownBy(() -> ops.cmacAes(ec, new byte[1]))
        .isInstanceOf(KeyTypeException.class);
    assertThatThrownBy(() -> ops.sign(aes, Mechanism.ECDSA_SHA256, new byte[1]))
        .isInstanceOf(KeyTypeException.class);
    assertThatThrownBy(() -> ops.decrypt(aes, Mechanism.RSA_DECRYPT_PKCS1, new byte[1]))
        .isInstanceOf(KeyTypeException.class);
  }

  @Test
  void keySpec_parsesAesSizes() {
    assertThat(KeySpec.parse("aes:192")).isEqualTo(new KeySpec.Aes(192));
    assertThat(new KeySpec.Aes(256).p2()).isEqualTo(0xB2);
    assertThatThrownBy(() -> KeySpec.parse("aes:512"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[128, 192, 256]");
  }
}
