package io.hsmkit.card.cvc;

import io.hsmkit.apdu.TaAlgorithm;
import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.card.crypto.Curve;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A public key from a CV public key template ({@code 7F49}), as the card keeps it after PSO
 * VERIFY CERTIFICATE or registration (docs/protocol.md#pka): id-TA-ECDSA-SHA-256 (signatures plain
 * {@code r || s}) or id-TA-RSA-v1-5-SHA-256. An EC template without domain parameters takes its
 * issuer's curve (BSI TR-03110).
 */
public final class CvcPublicKey {
  private final String chr;
  private final TaAlgorithm algorithm;
  private final Curve curve;
  private final ECPoint q;
  private final BigInteger modulus;
  private final BigInteger exponent;

  private CvcPublicKey(String chr, TaAlgorithm algorithm, Curve curve, ECPoint q,
      BigInteger modulus, BigInteger exponent) {
    this.chr = chr;
    this.algorithm = algorithm;
    this.curve = curve;
    this.q = q;
    this.modulus = modulus;
    this.exponent = exponent;
  }

  /**
   * The key of template {@code keyTemplate} (the {@code 7F49} TLV's children) named {@code chr};
   * {@code issuer} gives the curve when the template has no prime (may be null).
   *
   * @throws IllegalArgumentException for an unknown algorithm or curve, or a point off the curve
   */
  public static CvcPublicKey parse(String chr, List<Tlv> keyTemplate, CvcPublicKey issuer) {
    byte[] oid = Tlv.find(keyTemplate, Tags.EcPublicKey.OID)
        .orElseThrow(() -> new IllegalArgumentException("public key without OID")).value();
    TaAlgorithm alg = TaAlgorithm.byDer(oid)
        .orElseThrow(() -> new IllegalArgumentException("unsupported key algorithm"));
    if (alg == TaAlgorithm.RSA_V1_5_SHA_256) {
      BigInteger n = new BigInteger(1, value(keyTemplate, Tags.RsaPublicKey.MODULUS));
      BigInteger e = new BigInteger(1, value(keyTemplate, Tags.RsaPublicKey.EXPONENT));
      if (n.bitLength() < 1024 || e.signum() <= 0) {
        throw new IllegalArgumentException("RSA key too small");
      }
      return new CvcPublicKey(chr, alg, null, null, n, e);
    }
    Curve c;
    var prime = Tlv.find(keyTemplate, Tags.EcPublicKey.PRIME);
    if (prime.isPresent()) {
      c = Curve.byPrime(prime.get().value())
          .orElseThrow(() -> new IllegalArgumentException("unsupported curve"));
      if (!Arrays.equals(value(keyTemplate, Tags.EcPublicKey.A), c.aBytes())
          || !Arrays.equals(value(keyTemplate, Tags.EcPublicKey.B), c.bBytes())) {
        throw new IllegalArgumentException("curve parameters do not match");
      }
    } else if (issuer != null && issuer.curve != null) {
      c = issuer.curve;
    } else {
      throw new IllegalArgumentException("EC key without domain parameters");
    }
    ECPoint point = c.decodePoint(value(keyTemplate, Tags.EcPublicKey.POINT));
    return new CvcPublicKey(chr, alg, c, point, null, null);
  }

  private static byte[] value(List<Tlv> t, int tag) {
    return Tlv.find(t, tag)
        .orElseThrow(() -> new IllegalArgumentException("public key without tag " + tag))
        .value();
  }

  /** The key of a whole certificate or request body's {@code 7F49} child. */
  public static CvcPublicKey ofBody(String chr, List<Tlv> body, CvcPublicKey issuer)
      throws TlvException {
    Tlv key = Tlv.find(body, Tags.Cvc.PUBLIC_KEY)
        .orElseThrow(() -> new TlvException("body without public key"));
    return parse(chr, key.children(), issuer);
  }

  public String chr() {
    return chr;
  }

  /** True when {@code signature} is this key's SHA-256 signature of {@code data}. */
  public boolean verify(byte[] data, byte[] signature) {
    if (curve != null) {
      int n = curve.fieldBytes();
      int order = (curve.x9().getN().bitLength() + 7) / 8;
      if (signature.length != 2 * order && signature.length != 2 * n) {
        return false;
      }
      int half = signature.length / 2;
      BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, half));
      BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, half, signature.length));
      ECDSASigner v = new ECDSASigner();
      v.init(false, new ECPublicKeyParameters(q, new ECDomainParameters(curve.x9())));
      return v.verifySignature(sha256(data), r, s);
    }
    RSADigestSigner v = new RSADigestSigner(new SHA256Digest());
    v.init(false, new RSAKeyParameters(false, modulus, exponent));
    v.update(data, 0, data.length);
    return v.verifySignature(signature);
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "CvcPublicKey[" + chr + ", " + algorithm + "]";
  }

}
