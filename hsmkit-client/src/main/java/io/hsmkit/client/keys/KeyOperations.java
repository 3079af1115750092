package io.hsmkit.client.keys;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.util.DigestFactory;

/**
 * Private-key operations on a card key with the host doing what OpenSC does on the host: hashing,
 * PKCS#1 v1.5 signature padding (then raw RSA on the card), PKCS#1 v1.5 / OAEP unpadding after raw
 * decryption, both by {@link CardRsaPadding}.
 */
public final class KeyOperations {
  private final SmartCardHsmSession session;

  public KeyOperations(SmartCardHsmSession session) {
    this.session = session;
  }

  /**
   * Signs {@code message} (or, for {@code rsa-raw} and {@code ecdsa}, the given block or hash).
   * ECDSA signatures come back as minimal DER.
   */
  /**
   * The longest message the card hashes itself for ECDSA-SHA-1/224/256: one extended APDU's data
   * field less headroom; longer ones are hashed on the host and signed raw.
   */
  static final int CARD_HASH_MAX = 0xFFFF - 15;

  public byte[] sign(KeyInfo key, Mechanism m, byte[] message) throws IOException, HsmException {
    switch (m.kind()) {
      case EC_SIGN -> {
        requireEc(key, m, true);
        // past what one APDU carries the host hashes, as for SHA-384/512: the same signature
        byte[] der = m.hash() != null && message.length > CARD_HASH_MAX
            ? session.sign(key.keyRef(), AlgorithmId.EC_RAW, digest(m.hash(), message))
            : session.sign(key.keyRef(), m.algorithm(),
                m.algorithm().messageHash().isPresent() || m.hash() == null
                    ? message : digest(m.hash(), message));
        try {
          return EcdsaSignatures.toMinimalDer(der);
        } catch (io.hsmkit.apdu.TlvException e) {
          throw new HsmException("the card answered with a malformed ECDSA signature", null);
        }
      }
      case RSA_SIGN -> {
        requireEc(key, m, false);
        if (m == Mechanism.RSA_RAW) {
          return session.sign(key.keyRef(), m.algorithm(), message);
        }
        byte[] hash = digest(m.hash(), message);
        if (m.isPss()) {
          return session.sign(key.keyRef(), m.algorithm(), hash);
        }
        byte[] digestInfo = digestInfo(m.hash(), hash);
        return pkcs1Sign(key, digestInfo);
      }
      default -> throw new IllegalArgumentException(m.cliName() + " is not a signature mechanism");
    }
  }

  /** Decrypts an RSA cryptogram: raw on the card, unpadded here. */
  public byte[] decrypt(KeyInfo key, Mechanism m, byte[] cryptogram)
      throws IOException, HsmException {
    requireEc(key, m, false);
    if (m == Mechanism.RSA_DECRYPT_RAW) {
      return session.decipher(key.keyRef(), AlgorithmId.RSA_DECRYPT, cryptogram);
    }
    RSAPublicKey pub = rsaPublic(key);
    int k = CardRsaPadding.modulusBytes(pub.getModulus());
    if (cryptogram.length > k) {
      throw new HsmException("the cryptogram is longer than the key's modulus (" + k + " bytes)", null);
    }
    byte[] input = new byte[k];
    System.arraycopy(cryptogram, 0, input, k - cryptogram.length, cryptogram.length);
    byte[] block = rawRsa(key, AlgorithmId.RSA_DECRYPT, input);
    try {
      return m == Mechanism.RSA_DECRYPT_PKCS1
          ? CardRsaPadding.unpadPkcs1(pub, block)
          : CardRsaPadding.unpadOaep(pub, block, oaepDigest(m), oaepDigest(m), null);
    } catch (InvalidCipherTextException e) {
      throw new HsmException("decryption failed: the padding does not check out (wrong key or mechanism?)", null);
    }
  }

  /**
   * ECDH with the peer's public point (uncompressed {@code 04 || X || Y}); returns the shared
   * secret, the X coordinate (what CKM_ECDH1_DERIVE with CKD_NULL gives).
   */
  public byte[] deriveEcdh(KeyInfo key, byte[] peerPoint) throws IOException, HsmException {
    if (!key.isEc()) {
      throw new io.hsmkit.client.KeyTypeException(
          "ECDH needs an EC key; key ref " + key.keyRef() + " is " + key.algorithm());
    }
    byte[] out = session.decipher(key.keyRef(), AlgorithmId.EC_DH, peerPoint);
    int len = (key.sizeBits() + 7) / 8;
    if (out.length < 1 + len || out[0] != 0x04) {
      throw new HsmException("the card answered ECDH with an unexpected value", null);
    }
    return Arrays.copyOfRange(out, 1, 1 + len);
  }

  /**
   * Bytes of AES-CBC data per CIPHER command: whole blocks, small enough for a real device's APDU
   * buffer (OpenSC's max_send_size for this card is 1215).
   */
  static final int CBC_CHUNK = 1024;

  /** The longest message one CIPHER command can MAC: one extended APDU's data field. */
  public static final int CMAC_MAX = 0xFFFF;

  /**
   * AES-CBC encryption with {@code iv}, no padding ({@code plaintext} is whole 16-byte blocks). The
   * card's CBC starts from a zero IV (docs/protocol.md#cipher), so the IV is XORed into the first
   * plaintext block, as CardContact's module does; longer input goes in several commands, each
   * chained to the last ciphertext block of the one before. The result is exactly CBC with that IV.
   */
  public byte[] encryptAesCbc(KeyInfo key, byte[] iv, byte[] plaintext)
      throws IOException, HsmException {
    checkCbc(key, iv, plaintext);
    byte[] out = new byte[plaintext.length];
    byte[] chain = iv.clone();
    for (int off = 0; off < plaintext.length; off += CBC_CHUNK) {
      byte[] chunk = Arrays.copyOfRange(plaintext, off, Math.min(plaintext.length, off + CBC_CHUNK));
      xorBlock(chunk, chain);
      byte[] enc = session.cipher(key.keyRef(), AlgorithmId.AES_CBC_ENCRYPT, chunk);
      Arrays.fill(chunk, (byte) 0);
      requireLength(enc, chunk.length);
      System.arraycopy(enc, 0, out, off, enc.length);
      chain = Arrays.copyOfRange(enc, enc.length - 16, enc.length);
    }
    return out;
  }

  /** AES-CBC decryption with {@code iv}, no padding removed; the inverse of {@link #encryptAesCbc}. */
  public byte[] decryptAesCbc(KeyInfo key, byte[] iv, byte[] ciphertext)
      throws IOException, HsmException {
    checkCbc(key, iv, ciphertext);
    byte[] out = new byte[ciphertext.length];
    byte[] chain = iv.clone();
    for (int off = 0; off < ciphertext.length; off += CBC_CHUNK) {
      byte[] chunk =
          Arrays.copyOfRange(ciphertext, off, Math.min(ciphertext.length, off + CBC_CHUNK));
      byte[] dec = session.cipher(key.keyRef(), AlgorithmId.AES_CBC_DECRYPT, chunk);
      requireLength(dec, chunk.length);
      xorBlock(dec, chain);
      System.arraycopy(dec, 0, out, off, dec.length);
      Arrays.fill(dec, (byte) 0);
      chain = Arrays.copyOfRange(chunk, chunk.length - 16, chunk.length);
    }
    return out;
  }

  /** AES-CMAC (NIST SP 800-38B) of {@code message} on the card: the full 16-byte tag. */
  public byte[] cmacAes(KeyInfo key, byte[] message) throws IOException, HsmException {
    requireAes(key, "aes-cmac");
    if (message.length > CMAC_MAX) {
      throw new IllegalArgumentException("the card MACs at most " + CMAC_MAX + " bytes in one"
          + " command; the message has " + message.length);
    }
    byte[] tag = session.cipher(key.keyRef(), AlgorithmId.AES_CMAC, message);
    requireLength(tag, 16);
    return tag;
  }

  private static void checkCbc(KeyInfo key, byte[] iv, byte[] data) throws HsmException {
    requireAes(key, "aes-cbc");
    if (iv.length != 16) {
      throw new IllegalArgumentException("the IV must be 16 bytes, not " + iv.length);
    }
    if (data.length == 0 || data.length % 16 != 0) {
      throw new IllegalArgumentException("AES-CBC input must be a non-zero multiple of 16 bytes"
          + " (no padding is added); it has " + data.length);
    }
  }

  private static void requireAes(KeyInfo key, String mechanism) throws HsmException {
    if (!key.isAes()) {
      throw new io.hsmkit.client.KeyTypeException(
          mechanism + " needs an AES key; key ref " + key.keyRef() + " is " + key.algorithm());
    }
  }

  private static void requireLength(byte[] answer, int n) throws HsmException {
    if (answer.length != n) {
      throw new HsmException("the card answered CIPHER with " + answer.length + " bytes, not " + n,
          null);
    }
  }

  private static void xorBlock(byte[] data, byte[] block) {
    for (int i = 0; i < 16; i++) {
      data[i] ^= block[i];
    }
  }

  private byte[] pkcs1Sign(KeyInfo key, byte[] digestInfo) throws HsmException {
    byte[] block = CardRsaPadding.pkcs1SignatureBlock(rsaPublic(key), digestInfo);
    return rawRsa(key, AlgorithmId.RSA_RAW, block);
  }

  // A transport failure reads "transport failed" here, as it did when this call ran inside BC's
  // padding engine; other operations let the IOException through.
  private byte[] rawRsa(KeyInfo key, AlgorithmId alg, byte[] block) throws HsmException {
    try {
      return alg == AlgorithmId.RSA_RAW
          ? session.sign(key.keyRef(), alg, block)
          : session.decipher(key.keyRef(), alg, block);
    } catch (IOException e) {
      throw new HsmException("transport failed: " + e.getMessage(), null);
    }
  }

  private static RSAPublicKey rsaPublic(KeyInfo key) throws HsmException {
    if (!(key.publicKey() instanceof RSAPublicKey r)) {
      throw new io.hsmkit.client.KeyTypeException(
          "key ref " + key.keyRef() + " has no RSA public key");
    }
    return r;
  }

  private static void requireEc(KeyInfo key, Mechanism m, boolean ec) throws HsmException {
    if (key.isEc() != ec || key.isAes()) {
      throw new io.hsmkit.client.KeyTypeException(
          m.cliName() + " needs an " + (ec ? "EC" : "RSA") + " key; key ref " + key.keyRef()
              + " is " + key.algorithm());
    }
  }

  private static org.bouncycastle.crypto.Digest oaepDigest(Mechanism m) {
    return m == Mechanism.RSA_DECRYPT_OAEP_SHA1 ? DigestFactory.createSHA1() : DigestFactory.createSHA256();
  }

  static byte[] digest(String alg, byte[] data) {
    try {
      return MessageDigest.getInstance(alg).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The DER DigestInfo PKCS#1 v1.5 signs. */
  public static byte[] digestInfo(String alg, byte[] hash) {
    AlgorithmIdentifier id =
        switch (alg) {
          case "SHA-1" -> new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE);
          case "SHA-224" -> new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha224, DERNull.INSTANCE);
          case "SHA-256" -> new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
          case "SHA-384" -> new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha384, DERNull.INSTANCE);
          case "SHA-512" -> new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha512, DERNull.INSTANCE);
          default -> throw new IllegalArgumentException("no DigestInfo for " + alg);
        };
    try {
      return new DigestInfo(id, hash).getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
