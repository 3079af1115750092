package io.hsmkit.card.dkek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.state.KeyRecord;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The AES key blob (type 0F, docs/protocol.md#key-blob) at the KeyBlob level. */
class AesKeyBlobTest {
  static final CardCrypto CRYPTO = new CardCrypto(new SecureRandom());
  static final byte[] DKEK = new byte[32];

  static {
    for (int i = 0; i < 32; i++) {
      DKEK[i] = (byte) (3 * i + 1);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 24, 32})
  void wrapAes_unwrap_roundTrip_keepsKeySizeAndAlgorithms(int len) throws Exception {
    byte[] secret = new byte[len];
    new Random(len).nextBytes(secret);
    KeyRecord k = new KeyRecord(4, KeyRecord.KeyType.AES, len * 8, "", secret, new byte[0],
        new byte[] {0x10, 0x18});
    byte[] blob = KeyBlob.wrapAes(k, secret, DKEK, CRYPTO);
    assertThat(blob).hasSize(8 + 1 + 10 + 4 + 4 + (10 + len + 16) / 16 * 16 + 16);
    KeyRecord back = KeyBlob.unwrap(blob, DKEK, 9);
    assertThat(back.type()).isEqualTo(KeyRecord.KeyType.AES);
    assertThat(back.id()).isEqualTo(9);
    assertThat(back.sizeBits()).isEqualTo(len * 8);
    assertThat(back.privateKey()).isEqualTo(secret);
    assertThat(back.algorithms()).containsExactly(0x10, 0x18);
    assertThat(back.sealed()).isFalse();
    // under another DKEK: refused
    byte[] other = DKEK.clone();
    other[0] ^= 1;
    assertThatThrownBy(() -> KeyBlob.unwrap(blob, other, 9))
        .isInstanceOf(KeyBlob.InvalidBlobException.class);
  }

  static byte[] sha256(byte[] a, byte[] b) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(a);
    d.update(b);
    return d.digest();
  }

  static byte[] blob(byte[] plain) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(Dkek.kcv(DKEK));
    b.write(0x0F);
    b.write(0);
    b.write(8);
    b.writeBytes(KeyBlob.AES_OID);
    b.writeBytes(new byte[6]);
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sha256(DKEK, new byte[] {0, 0, 0, 1}), "AES"),
        new IvParameterSpec(new byte[16]));
    b.writeBytes(c.doFinal(plain));
    b.writeBytes(KeyBlob.cmac(sha256(DKEK, new byte[] {0, 0, 0, 2}), b.toByteArray()));
    return b.toByteArray();
  }

  /** The rule of docs/protocol.md#key-blob, written out independently of KeyBlob. */
  static boolean acceptable(byte[] plain) {
    int size = ((plain[8] & 0xFF) << 8) | (plain[9] & 0xFF);
    int len = switch (size) {
      case 16, 24, 32 -> size;
      case 128, 192, 256 -> size / 8;
      default -> -1;
    };
    if (len < 0 || 10 + len > plain.length) {
      return false;
    }
    int rest = plain.length - 10 - len;
    if (rest == 0) {
      return true;
    }
    if (rest >= 16 || (plain[10 + len] & 0xFF) != 0x80) {
      return false;
    }
    for (int i = 11 + len; i < plain.length; i++) {
      if (plain[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Seeded plaintexts behind a valid CMAC: sizes right, wrong, in bits, in bytes; padding right
   * and wrong. UNWRAP accepts exactly the ones the rule accepts, with the key bytes in place, and
   * refuses the rest with InvalidBlobException (nothing else escapes).
   */
  @Test
  void unwrap_acceptsExactlyConsistentPlaintexts() throws Exception {
    Random rnd = new Random(0x0F);
    int[] sizes = {16, 24, 32, 128, 192, 256, 0, 8, 17, 48, 64, 0xFFFF};
    int accepted = 0;
    for (int i = 0; i < 600; i++) {
      int blocks = 1 + rnd.nextInt(4);
      byte[] plain = new byte[16 * blocks];
      rnd.nextBytes(plain);
      int size = sizes[rnd.nextInt(sizes.length)];
      plain[8] = (byte) (size >>> 8);
      plain[9] = (byte) size;
      int len = size > 32 ? size / 8 : size;
      if (rnd.nextInt(3) > 0 && 10 + len < plain.length) { // mostly well padded
        Arrays.fill(plain, 10 + len, plain.length, (byte) 0);
        plain[10 + len] = (byte) 0x80;
      }
      boolean expect = acceptable(plain);
      try {
        KeyRecord k = KeyBlob.unwrap(blob(plain), DKEK, 1);
        assertThat(expect).as("case %d accepted", i).isTrue();
        assertThat(k.privateKey()).isEqualTo(Arrays.copyOfRange(plain, 10, 10 + k.sizeBits() / 8));
        accepted++;
      } catch (KeyBlob.InvalidBlobException e) {
        assertThat(expect).as("case %d refused: %s", i, e.getMessage()).isFalse();
      }
    }
    assertThat(accepted).as("both outcomes exercised").isBetween(20, 580);
  }
}
