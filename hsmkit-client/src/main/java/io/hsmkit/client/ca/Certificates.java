package io.hsmkit.client.ca;

import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyOperations;
import java.io.IOException;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The CA workflow of the XCA runbook without a GUI: a self-signed CA certificate for a card key,
 * certificate requests signed by a card key, and certificates issued from a CSR by the card CA.
 * Serial numbers are 159 random bits (CA/Browser Forum asks for at least 64), so they never
 * repeat in practice without any state to keep.
 */
public final class Certificates {
  /** Certificate profiles for {@link #issue}. */
  public enum Profile {
    SERVER,
    CLIENT,
    CA;

    public static Profile parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("profile must be server, client or ca");
      }
    }
  }

  private static final JcaX509CertificateConverter CONVERTER =
      new JcaX509CertificateConverter().setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());

  private final KeyOperations ops;
  private final SecureRandom random;

  public Certificates(KeyOperations ops, SecureRandom random) {
    this.ops = ops;
    this.random = random;
  }

  /** A self-signed CA certificate for {@code key} (basicConstraints CA, keyCertSign, cRLSign). */
  public X509Certificate selfSignedCa(KeyInfo key, X500Name subject, int days)
      throws IOException, CertificateException {
    Instant now = Instant.now();
    JcaX509ExtensionUtils ext = extensionUtils();
    PublicKey pub = key.publicKey();
    X509v3CertificateBuilder b =
        new X509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(days))), subject,
            SubjectPublicKeyInfo.getInstance(pub.getEncoded()));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pub));
    b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(pub));
    return CONVERTER.getCertificate(b.build(new CardContentSigner(ops, key)));
  }

  /** A PKCS#10 request for {@code key}, signed by it on the card. */
  public PKCS10CertificationRequest csr(KeyInfo key, X500Name subject) {
    return new JcaPKCS10CertificationRequestBuilder(subject, key.publicKey())
        .build(new CardContentSigner(ops, key));
  }

  /**
   * Issues a certificate for a CSR whose signature checks out, signed by the CA key on the card.
   */
  public X509Certificate issue(KeyInfo caKey, X509Certificate caCert,
      PKCS10CertificationRequest csr, int days, Profile profile)
      throws IOException, CertificateException {
    return issue(caKey, caCert, csr, days, profile, null);
  }

  /**
   * As {@link #issue(KeyInfo, X509Certificate, PKCS10CertificationRequest, int, Profile)}, with
   * the subjectAltName {@code san} when not null; else the CSR's, else for a server a DNS name
   * from the CN when it looks like a host name (TLS clients ignore the CN, RFC 6125 §6.4.4).
   */
  public X509Certificate issue(KeyInfo caKey, X509Certificate caCert,
      PKCS10CertificationRequest csr, int days, Profile profile,
      org.bouncycastle.asn1.x509.GeneralNames san)
      throws IOException, CertificateException {
    try {
      ContentVerifierProvider v = new JcaContentVerifierProviderBuilder()
          .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
          .build(csr.getSubjectPublicKeyInfo());
      if (!csr.isSignatureValid(v)) {
        throw new CertificateException("the CSR's signature does not verify");
      }
    } catch (OperatorCreationException | PKCSException e) {
      throw new CertificateException("the CSR cannot be checked: " + e.getMessage(), e);
    }
    if (!caCert.getPublicKey().equals(caKey.publicKey())
        && !java.util.Arrays.equals(caCert.getPublicKey().getEncoded(), caKey.publicKey().getEncoded())) {
      throw new CertificateException("the CA certificate does not belong to the CA key");
    }
    Instant now = Instant.now();
    Instant notAfter = now.plus(Duration.ofDays(days));
    if (notAfter.isAfter(caCert.getNotAfter().toInstant())) {
      notAfter = caCert.getNotAfter().toInstant();
    }
    X509CertificateHolder ca = new X509CertificateHolder(caCert.getEncoded());
    JcaX509ExtensionUtils ext = extensionUtils();
    SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
    X509v3CertificateBuilder b =
        new X509v3CertificateBuilder(ca.getSubject(), serial(),
            Date.from(now.minus(Duration.ofMinutes(5))), Date.from(notAfter), csr.getSubject(), spki);
    boolean rsa = spki.getAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption);
    switch (profile) {
      case CA -> {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      }
      case SERVER, CLIENT -> {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
            | (rsa ? KeyUsage.keyEncipherment : KeyUsage.keyAgreement)));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
            profile == Profile.SERVER ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
        Extensions requested = csr.getRequestedExtensions();
        if (san != null) {
          b.addExtension(Extension.subjectAlternativeName, false, san);
        } else if (requested != null
            && requested.getExtension(Extension.subjectAlternativeName) != null) {
          b.addExtension(requested.getExtension(Extension.subjectAlternativeName));
        } else if (profile == Profile.SERVER) {
          String host = hostNameCn(csr.getSubject());
          if (host != null) {
            b.addExtension(Extension.subjectAlternativeName, false, new org.bouncycastle.asn1.x509.GeneralNames(
                new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName, host)));
          }
        }
      }
    }
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(spki));
    b.addExtension(Extension.authorityKeyIdentifier, false,
        ext.createAuthorityKeyIdentifier(caCert.getPublicKey()));
    return CONVERTER.getCertificate(b.build(new CardContentSigner(ops, caKey)));
  }

  /** The subject's CN when it is a DNS host name (letters, digits, hyphens, dots; a wildcard first). */
  static String hostNameCn(org.bouncycastle.asn1.x500.X500Name subject) {
    var cns = subject.getRDNs(org.bouncycastle.asn1.x500.style.BCStyle.CN);
    if (cns.length != 1 || cns[0].getFirst() == null) {
      return null;
    }
    String cn = org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(cns[0].getFirst().getValue());
    String label = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    return cn.length() <= 253 && cn.matches("(\\*\\.)?" + label + "(\\." + label + ")*")
        && !cn.matches("[0-9.]+") ? cn : null;
  }

  private BigInteger serial() {
    return new BigInteger(159, random).setBit(158);
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
