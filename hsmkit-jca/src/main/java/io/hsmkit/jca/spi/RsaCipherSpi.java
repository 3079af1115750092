package io.hsmkit.jca.spi;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.keys.CardRsaPadding;
import io.hsmkit.jca.CardLink;
import io.hsmkit.jca.HsmRsaPrivateKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidParameterSpecException;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.util.DigestFactory;

/**
 * {@code RSA/ECB/PKCS1Padding} and {@code RSA/ECB/OAEP…}: decryption and unwrapping with a card key
 * (raw RSA on the card, {@code RSA_DECRYPT_RAW} 0x21, padding removed on the host by {@link
 * CardRsaPadding}); encryption and wrapping with a public key are handed to Bouncy Castle with the
 * same, explicitly resolved parameters, so both sides always agree.
 *
 * <p>OAEP without parameters uses SunJCE's defaults (named hash, MGF1-SHA-1, empty label), so a
 * cryptogram from {@code Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding")} of the JDK
 * decrypts without further arguments.
 */
public final class RsaCipherSpi extends CipherSpi {
  private final CardLink link;
  private final RsaPadding padding;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private OAEPParameterSpec oaep;
  private HsmRsaPrivateKey cardKey;
  private RSAPublicKey cardPublic;
  private Cipher software;
  private int mode;

  public RsaCipherSpi(CardLink link, RsaPadding padding) {
    this.link = link;
    this.padding = padding;
  }

  @Override
  protected void engineSetMode(String m) throws NoSuchAlgorithmException {
    if (!m.equalsIgnoreCase("ECB") && !m.equalsIgnoreCase("NONE")) {
      throw new NoSuchAlgorithmException("RSA has no mode " + m);
    }
  }

  @Override
  protected void engineSetPadding(String p) throws NoSuchPaddingException {
    if (!p.equalsIgnoreCase(padding.jcaName())) {
      throw new NoSuchPaddingException("this engine does " + padding.jcaName() + ", not " + p);
    }
  }

  @Override
  protected int engineGetBlockSize() {
    return 0;
  }

  @Override
  protected int engineGetOutputSize(int inputLen) {
    if (cardPublic != null && cardKey != null) {
      return CardRsaPadding.modulusBytes(cardPublic.getModulus());
    }
    return software != null ? software.getOutputSize(inputLen) : 0;
  }

  @Override
  protected byte[] engineGetIV() {
    return null;
  }

  @Override
  protected AlgorithmParameters engineGetParameters() {
    if (oaep == null) {
      return null;
    }
    try {
      AlgorithmParameters ap = AlgorithmParameters.getInstance("OAEP");
      ap.init(oaep);
      return ap;
    } catch (GeneralSecurityException e) {
      throw new ProviderException("cannot encode the OAEP parameters", e);
    }
  }

  @Override
  protected void engineInit(int opmode, Key key, SecureRandom random) throws InvalidKeyException {
    try {
      engineInit(opmode, key, (AlgorithmParameterSpec) null, random);
    } catch (InvalidAlgorithmParameterException e) {
      throw new InvalidKeyException(e.getMessage(), e);
    }
  }

  @Override
  protected void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    AlgorithmParameterSpec spec = null;
    if (params != null) {
      try {
        spec = params.getParameterSpec(OAEPParameterSpec.class);
      } catch (InvalidParameterSpecException e) {
        throw new InvalidAlgorithmParameterException("expected OAEP parameters", e);
      }
    }
    engineInit(opmode, key, spec, random);
  }

  @Override
  protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params,
      SecureRandom random) throws InvalidKeyException, InvalidAlgorithmParameterException {
    OAEPParameterSpec p;
    if (padding.isOaep()) {
      if (params != null && !(params instanceof OAEPParameterSpec)) {
        throw new InvalidAlgorithmParameterException("OAEP takes an OAEPParameterSpec");
      }
      p = params == null ? padding.defaultOaepParameters()
          : checkOaep((OAEPParameterSpec) params);
    } else if (params != null) {
      throw new InvalidAlgorithmParameterException("PKCS#1 v1.5 padding takes no parameters");
    } else {
      p = null;
    }
    buffer.reset();
    mode = opmode;
    oaep = p;
    cardKey = null;
    software = null;
    switch (opmode) {
      case Cipher.DECRYPT_MODE, Cipher.UNWRAP_MODE -> {
        cardKey = link.requireKey(key, HsmRsaPrivateKey.class, "RSA decryption");
        cardPublic = RsaPkcs1SignatureSpi.publicKey(cardKey);
      }
      case Cipher.ENCRYPT_MODE, Cipher.WRAP_MODE -> {
        if (!(key instanceof PublicKey)) {
          throw new InvalidKeyException(
              "RSA encryption takes a public key; the card's keys only decrypt");
        }
        software = softwareCipher(opmode, key, p, random);
      }
      default -> throw new InvalidParameterException("unknown cipher mode " + opmode);
    }
  }

  private Cipher softwareCipher(int opmode, Key key, OAEPParameterSpec p, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    try {
      Cipher c = Cipher.getInstance(
          p == null ? "RSA/NONE/PKCS1Padding" : "RSA/NONE/OAEPPadding", Software.BC);
      if (random != null) {
        c.init(opmode, key, p, random);
      } else {
        c.init(opmode, key, p);
      }
      return c;
    } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
      throw new ProviderException("no software RSA cipher", e);
    }
  }

  @Override
  protected byte[] engineUpdate(byte[] input, int off, int len) {
    if (software != null) {
      return software.update(input, off, len);
    }
    buffer.write(input, off, len);
    return new byte[0];
  }

  @Override
  protected int engineUpdate(byte[] input, int off, int len, byte[] out, int outOff)
      throws ShortBufferException {
    if (software != null) {
      return software.update(input, off, len, out, outOff);
    }
    buffer.write(input, off, len);
    return 0;
  }

  @Override
  protected byte[] engineDoFinal(byte[] input, int off, int len)
      throws IllegalBlockSizeException, BadPaddingException {
    if (software != null) {
      return software.doFinal(input, off, len);
    }
    if (input != null) {
      buffer.write(input, off, len);
    }
    byte[] cryptogram = buffer.toByteArray();
    buffer.reset();
    return decrypt(cryptogram);
  }

  @Override
  protected int engineDoFinal(byte[] input, int off, int len, byte[] out, int outOff)
      throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
    if (software != null) {
      return software.doFinal(input, off, len, out, outOff);
    }
    byte[] plain = engineDoFinal(input, off, len);
    try {
      if (out.length - outOff < plain.length) {
        throw new ShortBufferException("need " + plain.length + " bytes of output space");
      }
      System.arraycopy(plain, 0, out, outOff, plain.length);
      return plain.length;
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private byte[] decrypt(byte[] cryptogram) throws IllegalBlockSizeException, BadPaddingException {
    if (cardKey == null) {
      throw new IllegalStateException("not initialized");
    }
    int k = CardRsaPadding.modulusBytes(cardPublic.getModulus());
    if (cryptogram.length == 0 || cryptogram.length > k) {
      throw new IllegalBlockSizeException("RSA cryptogram must be 1.." + k + " bytes");
    }
    HsmRsaPrivateKey key = cardKey;
    byte[] block;
    try {
      block = link.call("decrypt",
          s -> s.decipher(key.keyReference(), AlgorithmId.RSA_DECRYPT, cryptogram));
    } catch (HsmException e) {
      if (JcaErrors.isBadInput(e)) {
        throw new BadPaddingException("the card rejected the cryptogram: " + e.getMessage());
      }
      throw JcaErrors.card(e);
    } catch (IOException e) {
      throw JcaErrors.transport(e);
    }
    try {
      return oaep == null
          ? CardRsaPadding.unpadPkcs1(cardPublic, block)
          : CardRsaPadding.unpadOaep(cardPublic, block, digest(oaep.getDigestAlgorithm()),
              digest(((MGF1ParameterSpec) oaep.getMGFParameters()).getDigestAlgorithm()),
              ((PSource.PSpecified) oaep.getPSource()).getValue());
    } catch (InvalidCipherTextException e) {
      throw new BadPaddingException(
          "decryption failed: the padding does not check out (wrong key, padding or parameters?)");
    } finally {
      Arrays.fill(block, (byte) 0);
    }
  }

  /** Checks that {@code spec} is OAEP with MGF1, a known hash and an explicit label. */
  private static OAEPParameterSpec checkOaep(OAEPParameterSpec spec)
      throws InvalidAlgorithmParameterException {
    if (HashAlgorithm.byName(spec.getDigestAlgorithm()).isEmpty()) {
      throw new InvalidAlgorithmParameterException(
          "OAEP hash " + spec.getDigestAlgorithm() + " is not supported (SHA-1/224/256/384/512)");
    }
    if (!"MGF1".equalsIgnoreCase(spec.getMGFAlgorithm())
        || !(spec.getMGFParameters() instanceof MGF1ParameterSpec m)
        || HashAlgorithm.byName(m.getDigestAlgorithm()).isEmpty()) {
      throw new InvalidAlgorithmParameterException("OAEP needs MGF1 with SHA-1/224/256/384/512");
    }
    if (!(spec.getPSource() instanceof PSource.PSpecified)) {
      throw new InvalidAlgorithmParameterException("OAEP label source must be PSpecified");
    }
    return spec;
  }

  private static Digest digest(String name) {
    return switch (HashAlgorithm.byName(name).orElseThrow()) {
      case SHA1 -> DigestFactory.createSHA1();
      case SHA224 -> DigestFactory.createSHA224();
      case SHA256 -> DigestFactory.createSHA256();
      case SHA384 -> DigestFactory.createSHA384();
      case SHA512 -> DigestFactory.createSHA512();
    };
  }

  @Override
  protected byte[] engineWrap(Key key) throws IllegalBlockSizeException, InvalidKeyException {
    if (software == null || mode != Cipher.WRAP_MODE) {
      throw new IllegalStateException("not initialized for wrapping");
    }
    return software.wrap(key);
  }

  @Override
  protected Key engineUnwrap(byte[] wrapped, String algorithm, int type)
      throws InvalidKeyException, NoSuchAlgorithmException {
    if (cardKey == null || mode != Cipher.UNWRAP_MODE) {
      throw new IllegalStateException("not initialized for unwrapping");
    }
    byte[] encoded;
    try {
      encoded = decrypt(wrapped);
    } catch (IllegalBlockSizeException | BadPaddingException e) {
      throw new InvalidKeyException("cannot unwrap: " + e.getMessage(), e);
    }
    try {
      return switch (type) {
        case Cipher.SECRET_KEY -> new SecretKeySpec(encoded, algorithm);
        case Cipher.PUBLIC_KEY ->
            KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(encoded));
        case Cipher.PRIVATE_KEY ->
            KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(encoded));
        default -> throw new InvalidKeyException("unknown key type " + type);
      };
    } catch (java.security.spec.InvalidKeySpecException e) {
      throw new InvalidKeyException("the unwrapped bytes are not a " + algorithm + " key", e);
    } finally {
      Arrays.fill(encoded, (byte) 0);
    }
  }

  @Override
  protected int engineGetKeySize(Key key) throws InvalidKeyException {
    if (key instanceof RSAKey r && r.getModulus() != null) {
      return r.getModulus().bitLength();
    }
    throw new InvalidKeyException("not an RSA key");
  }
}
