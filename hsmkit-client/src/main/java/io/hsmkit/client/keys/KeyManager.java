package io.hsmkit.client.keys;

import io.hsmkit.apdu.FileIds;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.util.BigIntegers;

/**
 * Keys on a SmartCard-HSM laid out exactly as OpenSC lays them out (docs/protocol.md#files): the
 * key in {@code CCxx}, its CV request or certificate in {@code CExx}, its description (label, id)
 * in {@code C4xx}. So keys made here show up in {@code pkcs11-tool -O} and {@code pkcs15-tool
 * --dump} with their labels, and keys made by OpenSC show up here.
 */
public final class KeyManager {
  static final int KEY = FileIds.KEY_PREFIX << 8;
  static final int PRKD = FileIds.PRKD_PREFIX << 8;
  static final int EE_CERT = FileIds.EE_CERT_PREFIX << 8;
  static final int DEV_AUT = FileIds.DEV_AUT;

  private final SmartCardHsmSession session;

  public KeyManager(SmartCardHsmSession session) {
    this.session = session;
  }

  /** Every key but the device key, by key reference. */
  public List<KeyInfo> list() throws IOException, HsmException {
    List<KeyInfo> keys = new ArrayList<>();
    for (int ref : keyRefs()) {
      keys.add(describe(ref));
    }
    return keys;
  }

  /** Key references in use (1..255). */
  public TreeSet<Integer> keyRefs() throws IOException, HsmException {
    TreeSet<Integer> refs = new TreeSet<>();
    for (int fid : session.enumerate()) {
      if (FileIds.hasPrefix(fid, FileIds.KEY_PREFIX) && (fid & 0xFF) != 0) {
        refs.add(fid & 0xFF);
      }
    }
    return refs;
  }

  public Optional<KeyInfo> findById(byte[] id) throws IOException, HsmException {
    for (KeyInfo k : list()) {
      if (Arrays.equals(k.id(), id)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * Every key with PKCS#11 id {@code id}: more than one means a lookup by id is ambiguous (OpenSC
   * would act on whichever it meets first).
   */
  public List<KeyInfo> findAllById(byte[] id) throws IOException, HsmException {
    List<KeyInfo> found = new ArrayList<>();
    for (KeyInfo k : list()) {
      if (Arrays.equals(k.id(), id)) {
        found.add(k);
      }
    }
    return found;
  }

  public Optional<KeyInfo> findByRef(int ref) throws IOException, HsmException {
    return keyRefs().contains(ref) ? Optional.of(describe(ref)) : Optional.empty();
  }

  /** Reads what the card holds about key {@code ref}. */
  public KeyInfo describe(int ref) throws IOException, HsmException {
    Optional<byte[]> prkd = session.readFile(PRKD | ref);
    if (prkd.isPresent() && SecretKeyDescription.isSecretKeyDescription(prkd.get())) {
      return describeSecret(ref, prkd.get());
    }
    Optional<byte[]> ce = session.readFile(EE_CERT | ref);
    PublicKey pub = null;
    byte[] cert = null;
    if (ce.isPresent() && ce.get().length > 0) {
      byte[] c = ce.get();
      try {
        if ((c[0] & 0xFF) == 0x30) {
          X509Certificate x =
              (X509Certificate)
                  CertificateFactory.getInstance("X.509")
                      .generateCertificate(new java.io.ByteArrayInputStream(c));
          pub = x.getPublicKey();
          cert = c;
        } else {
          pub = CvRequests.publicKey(c);
        }
      } catch (CertificateException | TlvException e) {
        pub = null;
      }
    }
    String label = "";
    byte[] id = new byte[0];
    String[] usage = new String[0];
    int size = 0;
    boolean ec = pub instanceof ECPublicKey;
    if (prkd.isPresent()) {
      try {
        PrivateKeyDescription d = PrivateKeyDescription.decode(prkd.get());
        label = d.label();
        id = d.id();
        usage = d.usage();
        size = d.sizeBits();
        ec = d.ec();
      } catch (IOException e) {
        // an unreadable description leaves the key nameless, as OpenSC does
      }
    }
    String algorithm;
    if (pub instanceof ECPublicKey e) {
      algorithm = "EC " + curveName(e);
      size = e.getParams().getCurve().getField().getFieldSize();
    } else if (pub instanceof RSAPublicKey r) {
      algorithm = "RSA";
      size = r.getModulus().bitLength();
    } else {
      algorithm = ec ? "EC" : "RSA";
    }
    return new KeyInfo(ref, id, label, algorithm, size, usage, pub, cert);
  }

  private static KeyInfo describeSecret(int ref, byte[] skd) {
    try {
      SecretKeyDescription d = SecretKeyDescription.decode(skd);
      return new KeyInfo(ref, d.id(), d.label(), "AES-" + d.keyLengthBits(), d.keyLengthBits(),
          d.usageNames(), null, null);
    } catch (IOException e) {
      // an unreadable description leaves the key nameless, as for private keys
      return new KeyInfo(ref, new byte[0], "", "AES", 0, new String[0], null, null);
    }
  }

  /**
   * Generates a key as {@code pkcs11-tool --keypairgen} does: lowest free key reference, GAKP, CV
   * request into {@code CExx}, PrKD with label and id into {@code C4xx}. Needs the user PIN.
   *
   * @param id the PKCS#11 id, or null for OpenSC's default (SHA-1 of the modulus or of the EC
   *     point's X coordinate)
   */
  public KeyInfo generate(KeySpec spec, byte[] id, String label)
      throws IOException, HsmException {
    return generate(spec, id, label, null);
  }

  /**
   * As {@link #generate(KeySpec, byte[], String)}, in key domain {@code domain} ({@code 92 01 kd}
   * after the request, as CardContact's module sends it, docs/protocol.md#key-domains); null sends
   * no tag (domain 0).
   */
  public KeyInfo generate(KeySpec spec, byte[] id, String label, Integer domain)
      throws IOException, HsmException {
    if (id != null && findById(id).isPresent()) {
      throw new HsmException(
          "a key with id " + java.util.HexFormat.of().formatHex(id) + " exists already", null);
    }
    if (spec instanceof KeySpec.Aes aes) {
      return generateAes(aes, id, label);
    }
    int ref = freeKeyRef();
    byte[] body = CvRequests.gakpBody(spec, serial() + "00001");
    if (domain != null) {
      body = java.util.Arrays.copyOf(body, body.length + 3);
      body[body.length - 3] = (byte) io.hsmkit.apdu.Tags.Generate.KEY_DOMAIN;
      body[body.length - 2] = 1;
      body[body.length - 1] = (byte) domain.intValue();
    }
    byte[] request = session.generateKeyPair(ref, body);
    PublicKey pub;
    try {
      pub = CvRequests.publicKey(request);
    } catch (TlvException e) {
      throw new HsmException("the card answered key generation with an unreadable request", null);
    }
    byte[] keyId = id != null ? id : intrinsicId(pub);
    try {
      session.writeFile(EE_CERT | ref, request);
      PrivateKeyDescription d =
          new PrivateKeyDescription(spec instanceof KeySpec.Ec, label, keyId, ref, spec.bits());
      session.writeFile(PRKD | ref, d.encode());
    } catch (IOException | HsmException e) {
      throw removeHalfMade(ref, e);
    }
    return describe(ref);
  }

  /**
   * A key made by {@link #deriveEc}.
   *
   * @param publicKey {@code Q + offset·G}, computed here from the source's public key; null when the
   *     source has none readable (a derived key itself: the card keeps no public key for it)
   */
  public record DerivedKey(KeyInfo key, ECPublicKey publicKey) {}

  /**
   * DERIVE EC KEY as CardContact's PKCS#11 module does it ({@code sc_hsm_C_DeriveKey()},
   * docs/protocol.md#derive-ec): the card stores {@code d + offset mod n} at {@code newRef}, then the
   * host writes the PrKD {@code C4<newRef>} (EC, the source's field length, {@code label}) so that
   * OpenSC and {@link #list()} show the key, and, when the source's public key is known, a CV
   * request with the derived public key {@code Q + offset·G} into {@code CE<newRef>}, signed by
   * the derived key itself (see {@link #selfSignedRequest}).
   *
   * @param newRef the new key reference, or 0 for the lowest free one
   * @param id the new PKCS#11 id, or null for OpenSC's default over the derived public key (the key
   *     reference as one byte, as the module does, when that is unknown)
   * @throws IllegalArgumentException an offset that is 0, not below the curve order, or longer than
   *     the field: refused before anything is sent
   */
  public DerivedKey deriveEc(KeyInfo source, int newRef, byte[] offset, byte[] id, String label)
      throws IOException, HsmException {
    if (!source.isEc()) {
      throw new io.hsmkit.client.KeyTypeException("key ref " + source.keyRef() + " is an "
          + source.algorithm() + " key; EC derivation needs an EC key");
    }
    BigInteger o = new BigInteger(1, offset);
    ECPublicKey derived = null;
    if (source.publicKey() instanceof ECPublicKey q) {
      BigInteger n = q.getParams().getOrder();
      int fieldBytes = (q.getParams().getCurve().getField().getFieldSize() + 7) / 8;
      if (o.signum() == 0 || o.compareTo(n) >= 0 || offset.length > fieldBytes) {
        throw new IllegalArgumentException("the offset must be between 1 and the curve order - 1 ("
            + curveName(q) + ": at most " + fieldBytes + " bytes, below " + n.toString(16) + ")");
      }
      derived = offsetPublicKey(q, o);
    } else if (o.signum() == 0) {
      throw new IllegalArgumentException("the offset must not be 0");
    }
    if (newRef == 0) {
      newRef = freeKeyRef();
    } else if (newRef < 1 || newRef > 255) {
      throw new IllegalArgumentException("the new key reference must be 1 to 255");
    } else if (keyRefs().contains(newRef)) {
      throw new HsmException("key reference " + newRef + " is in use; a derivation never"
          + " overwrites a key", StatusWord.FILE_ALREADY_EXISTS);
    }
    byte[] keyId = id != null ? id : derived != null ? intrinsicId(derived) : new byte[] {(byte) newRef};
    if (findById(keyId).isPresent()) {
      throw new HsmException(
          "a key with id " + java.util.HexFormat.of().formatHex(keyId) + " exists already", null);
    }
    session.deriveEcKey(source.keyRef(), newRef, offset);
    try {
      session.writeFile(PRKD | newRef,
          new PrivateKeyDescription(true, label, keyId, newRef, source.sizeBits()).encode());
    } catch (IOException | HsmException e) {
      throw removeHalfMade(newRef, e);
    }
    if (derived != null) {
      try {
        byte[] request = selfSignedRequest(newRef, derived, serial() + "00001");
        if (request != null) {
          session.writeFile(EE_CERT | newRef, request);
        }
      } catch (IOException | HsmException e) {
        throw removeHalfMade(newRef, e);
      }
    }
    KeyInfo k = describe(newRef);
    if (derived != null && k.publicKey() == null) {
      k = new KeyInfo(k.keyRef(), k.id(), k.label(), "EC " + curveName(derived),
          derived.getParams().getCurve().getField().getFieldSize(), k.usage(), null, null);
    }
    return new DerivedKey(k, derived);
  }

  /**
   * The CV request ({@code 67 …}, the layout GENERATE answers, docs/protocol.md#generate) that
   * carries a derived key's public key in {@code CE<ref>}: OpenSC 0.27 sizes an EC key's
   * signatures from that public key and cannot sign without one. DERIVE answers no request, so
   * the host makes it and the derived key signs it itself, inner and outer (outer CAR = its own
   * CHR: it vouches only for holding the key, not for the device). Null when the key's algorithm
   * list allows neither ECDSA-SHA-256 (73) nor raw ECDSA (70): no signature, no request.
   */
  private byte[] selfSignedRequest(int ref, ECPublicKey pub, String chr)
      throws IOException, HsmException {
    var params = EC5Util.convertSpec(pub.getParams());
    int len = (params.getCurve().getFieldSize() + 7) / 8;
    byte[] body = new io.hsmkit.apdu.TlvWriter().nest(io.hsmkit.apdu.Tags.Cvc.BODY, b -> b
        .addByte(io.hsmkit.apdu.Tags.Cvc.CPI, 0)
        .add(io.hsmkit.apdu.Tags.Cvc.CAR, chr)
        .nest(io.hsmkit.apdu.Tags.Cvc.PUBLIC_KEY, t -> t
            .add(io.hsmkit.apdu.Tags.EcPublicKey.OID, io.hsmkit.apdu.TaAlgorithm.ECDSA_SHA_256.der())
            .add(io.hsmkit.apdu.Tags.EcPublicKey.PRIME, BigIntegers.asUnsignedByteArray(len,
                params.getCurve().getField().getCharacteristic()))
            .add(io.hsmkit.apdu.Tags.EcPublicKey.A,
                BigIntegers.asUnsignedByteArray(len, params.getCurve().getA().toBigInteger()))
            .add(io.hsmkit.apdu.Tags.EcPublicKey.B,
                BigIntegers.asUnsignedByteArray(len, params.getCurve().getB().toBigInteger()))
            .add(io.hsmkit.apdu.Tags.EcPublicKey.G, params.getG().getEncoded(false))
            .add(io.hsmkit.apdu.Tags.EcPublicKey.ORDER, BigIntegers.asUnsignedByteArray(params.getN()))
            .add(io.hsmkit.apdu.Tags.EcPublicKey.POINT, ecPoint(pub))
            .add(io.hsmkit.apdu.Tags.EcPublicKey.COFACTOR, BigIntegers.asUnsignedByteArray(params.getH())))
        .add(io.hsmkit.apdu.Tags.Cvc.CHR, chr)).toByteArray();
    byte[] inner = signPlain(ref, body, len);
    if (inner == null) {
      return null;
    }
    byte[] cvc = new io.hsmkit.apdu.TlvWriter().nest(io.hsmkit.apdu.Tags.Cvc.CVC, c -> c
        .raw(body).add(io.hsmkit.apdu.Tags.Cvc.SIGNATURE, inner)).toByteArray();
    byte[] car = new io.hsmkit.apdu.TlvWriter().add(io.hsmkit.apdu.Tags.Cvc.CAR, chr).toByteArray();
    byte[] signed = Arrays.copyOf(cvc, cvc.length + car.length);
    System.arraycopy(car, 0, signed, cvc.length, car.length);
    byte[] outer = signPlain(ref, signed, len);
    if (outer == null) {
      return null;
    }
    return new io.hsmkit.apdu.TlvWriter().nest(io.hsmkit.apdu.Tags.Cvc.AUTHENTICATED_REQUEST, r -> r
        .raw(signed).add(io.hsmkit.apdu.Tags.Cvc.SIGNATURE, outer)).toByteArray();
  }

  /** ECDSA-SHA-256 of {@code data} by key {@code ref} as plain r‖s, or null if the key may not sign. */
  private byte[] signPlain(int ref, byte[] data, int len) throws IOException, HsmException {
    byte[] der;
    try {
      der = session.sign(ref, io.hsmkit.apdu.AlgorithmId.EC_SHA256, data);
    } catch (HsmException e) {
      if (e.sw() == null) {
        throw e;
      }
      try {
        der = session.sign(ref, io.hsmkit.apdu.AlgorithmId.EC_RAW,
            MessageDigest.getInstance("SHA-256").digest(data));
      } catch (HsmException e2) {
        if (e2.sw() == null) {
          throw e2;
        }
        return null;
      } catch (NoSuchAlgorithmException ex) {
        throw new IllegalStateException(ex);
      }
    }
    try {
      return EcdsaSignatures.toPlain(der, len);
    } catch (TlvException e) {
      throw new HsmException("the card answered SIGN with a malformed ECDSA signature", null);
    }
  }

  /** {@code Q + offset·G} on Q's curve. */
  static ECPublicKey offsetPublicKey(ECPublicKey q, BigInteger offset) {
    var params = EC5Util.convertSpec(q.getParams());
    var sum = EC5Util.convertPoint(q.getParams(), q.getW())
        .add(params.getG().multiply(offset)).normalize();
    if (sum.isInfinity()) {
      throw new IllegalArgumentException("this offset would make the derived key 0");
    }
    try {
      return (ECPublicKey) java.security.KeyFactory.getInstance("EC",
              new org.bouncycastle.jce.provider.BouncyCastleProvider())
          .generatePublic(new java.security.spec.ECPublicKeySpec(
              new java.security.spec.ECPoint(sum.getAffineXCoord().toBigInteger(),
                  sum.getAffineYCoord().toBigInteger()), q.getParams()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The CIPHER ids hsmkit puts into a generated AES key's algorithm list: CBC encrypt and decrypt,
   * CMAC. CardContact's module also adds {@code 99} (derive), which hsmkit's card does not offer.
   */
  static final byte[] AES_ALGORITHMS = {0x10, 0x11, 0x18};

  /**
   * Generates an AES key as CardContact's PKCS#11 module does ({@code sc_hsm_C_GenerateKey()}):
   * GENERATE SYMMETRIC KEY into the lowest free key reference, then the secret key description
   * into {@code C4xx} (docs/protocol.md#secret-key-description). Without an id the key gets the
   * one-byte id of its key reference, the module's default.
   */
  private KeyInfo generateAes(KeySpec.Aes spec, byte[] id, String label)
      throws IOException, HsmException {
    int ref = freeKeyRef();
    byte[] keyId = id != null ? id : new byte[] {(byte) ref};
    if (id == null && findById(keyId).isPresent()) {
      throw new HsmException("the default id " + java.util.HexFormat.of().formatHex(keyId)
          + " (the key reference) is taken by another key; give an id", null);
    }
    session.generateSymmetricKey(ref, spec.bits(), AES_ALGORITHMS);
    try {
      session.writeFile(PRKD | ref,
          new SecretKeyDescription(label, keyId, SecretKeyDescription.DEFAULT_USAGE, spec.bits())
              .encode());
    } catch (IOException | HsmException e) {
      throw removeHalfMade(ref, e);
    }
    return describe(ref);
  }

  /**
   * After a failed write following GENERATE, deletes the key without id or label it would leave;
   * the error says whether that worked.
   */
  private HsmException removeHalfMade(int ref, Exception cause) {
    String why = cause.getMessage();
    StatusWord sw = cause instanceof HsmException h ? h.sw() : null;
    try {
      session.deleteFile(PRKD | ref);
      session.deleteFile(EE_CERT | ref);
      session.deleteFile(KEY | ref);
      return new HsmException(why + " (the new key was removed again)", sw);
    } catch (IOException | HsmException e) {
      return new HsmException(why + " (and the new key at key reference " + ref
          + " could not be removed: delete it with hsmkit keys delete --key-ref " + ref + ")", sw);
    }
  }

  /** Deletes a key with its description and certificate, as OpenSC does. */
  public void delete(int ref) throws IOException, HsmException {
    if (!session.deleteFile(KEY | ref)) {
      throw new HsmException("no key with key reference " + ref, null);
    }
    session.deleteFile(PRKD | ref);
    session.deleteFile(EE_CERT | ref);
  }

  public int freeKeyRef() throws IOException, HsmException {
    TreeSet<Integer> used = keyRefs();
    for (int i = 1; i <= 255; i++) {
      if (!used.contains(i)) {
        return i;
      }
    }
    throw new HsmException("the card has no free key reference", null);
  }

  /** The token serial number OpenSC shows: the device CHR without its last 5 characters. */
  public String serial() throws IOException, HsmException {
    byte[] devAut =
        session.readFile(DEV_AUT)
            .orElseThrow(() -> new HsmException("the card has no device certificate (2F02)", null));
    try {
      String chr = CvRequests.chr(devAut);
      return chr.length() > 5 ? chr.substring(0, chr.length() - 5) : chr;
    } catch (TlvException e) {
      throw new HsmException("the device certificate (2F02) does not decode", null);
    }
  }

  /**
   * OpenSC's default CKA_ID ({@code pkcs15-id-style = mozilla}): SHA-1 of the RSA modulus or of the
   * EC point's X coordinate.
   */
  public static byte[] intrinsicId(PublicKey pub) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      if (pub instanceof RSAPublicKey r) {
        return sha1.digest(BigIntegers.asUnsignedByteArray(r.getModulus()));
      }
      ECPublicKey e = (ECPublicKey) pub;
      int len = (e.getParams().getCurve().getField().getFieldSize() + 7) / 8;
      return sha1.digest(BigIntegers.asUnsignedByteArray(len, e.getW().getAffineX()));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  static String curveName(ECPublicKey e) {
    BigInteger p = ((java.security.spec.ECFieldFp) e.getParams().getCurve().getField()).getP();
    return KeySpec.curveByPrime(p).orElse("unknown curve");
  }

  /** The encoded point of an EC public key (04 || X || Y). */
  public static byte[] ecPoint(ECPublicKey e) {
    return EC5Util.convertPoint(e.getParams(), e.getW()).getEncoded(false);
  }
}
