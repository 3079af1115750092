package io.hsmkit.card.dkek;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.TaAlgorithm;
import io.hsmkit.card.cvc.Cvc;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import io.hsmkit.proptest.Property;
import org.junit.jupiter.api.Test;

/**
 * Blobs an attacker who knows the DKEK could build: correct KCV and CMAC around random content.
 * The decoder must refuse them cleanly (a checked refusal, i.e. 6A80 on the card), never with an
 * unchecked exception.
 */
class KeyBlobProperties {
  static final byte[] DKEK = new byte[32];

  @Test
  void validMacRandomContent_isRefusedCleanly() {
    Property.forAll(
        Property.tries(10_000),
        gen ->
            validMacRandomContent_isRefusedCleanly(
                gen.between(0, 15), gen.bool(), gen.bytes(1, 40), gen.bytes(0, 255),
                gen.between(0, 6)));
  }

  private static void validMacRandomContent_isRefusedCleanly(
      int type, boolean ecOid, byte[] blocksSeed, byte[] filler, int structured)
      throws Exception {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    plain.writeBytes(new byte[8]);
    plain.write(1);
    plain.write(0);
    // some structured components with plausible lengths, then random bytes
    for (int i = 0; i < structured; i++) {
      int n = Math.min(filler.length, 1 + (i * 7) % 66);
      plain.write(n >>> 8);
      plain.write(n);
      plain.write(filler, 0, n);
    }
    plain.writeBytes(filler);
    while (plain.size() % 16 != 0 || plain.size() < 16 * blocksSeed.length / 8 + 16) {
      plain.write(blocksSeed[plain.size() % blocksSeed.length]);
    }
    byte[] p = plain.toByteArray();
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    blob.writeBytes(Dkek.kcv(DKEK));
    blob.write(type == 0 ? KeyBlob.TYPE_EC : type == 1 ? KeyBlob.TYPE_RSA_CRT : type == 2 ? KeyBlob.TYPE_RSA : type);
    byte[] oid = (ecOid ? TaAlgorithm.ECDSA_SHA_256 : TaAlgorithm.RSA_V1_5_SHA_256).der();
    blob.write(0);
    blob.write(oid.length);
    blob.writeBytes(oid);
    blob.writeBytes(new byte[6]);
    Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
    byte[] kenc = MessageDigest.getInstance("SHA-256").digest(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kenc, "AES"), new IvParameterSpec(new byte[16]));
    blob.writeBytes(c.doFinal(p));
    byte[] kmac = MessageDigest.getInstance("SHA-256").digest(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
    blob.writeBytes(KeyBlob.cmac(kmac, blob.toByteArray()));
    try {
      KeyBlob.unwrap(blob.toByteArray(), DKEK, 1);
      assertThat(false).as("random content was accepted as a key").isTrue();
    } catch (KeyBlob.InvalidBlobException expected) {
      // the only acceptable outcome
    }
  }
}
