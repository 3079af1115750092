package io.hsmkit.cli.ca;

import io.hsmkit.cli.key.KeysCommand;
import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.cli.support.UserPinOption;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.ca.Certificates;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeyOperations;
import io.hsmkit.token.Token;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The CA workflow: {@code ca init | sign}, {@code csr}, {@code cert import | list | export}. */
public final class CaCommands {
  private CaCommands() {}

  /** The key with id {@code keyId}; an AES key has no public key to certify and is refused. */
  static KeyInfo keyPair(KeyManager km, String keyId) throws java.io.IOException, HsmException {
    KeyInfo k = KeysCommand.find(km, keyId, null);
    if (k.isAes()) {
      throw new io.hsmkit.client.KeyTypeException("key id " + keyId + " is an " + k.algorithm()
          + " key: certificates and requests need an EC or RSA key");
    }
    return k;
  }

  static X500Name subject(String dn) {
    try {
      return new X500Name(dn);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--subject is not a distinguished name like \"CN=My CA,O=Example\"");
    }
  }

  static String pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    }
    return w.toString();
  }

  static void write(TokenCommand cmd, Path out, String text) throws IOException {
    if (out == null) {
      cmd.ctxOut().print(text);
      cmd.ctxOut().flush();
    } else {
      Files.writeString(out, text);
    }
  }

  static X509Certificate parseCertificate(byte[] bytes) throws CertificateException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(bytes));
  }

  static void storeCertificate(SmartCardHsmSession s, KeyInfo key, X509Certificate cert)
      throws IOException, HsmException, CertificateException {
    if (!Arrays.equals(cert.getPublicKey().getEncoded(), key.publicKey().getEncoded())) {
      throw new CliException(CliException.REFUSED,
          "the certificate's public key is not the public key of key id " + key.idHex());
    }
    int fid = 0xCE00 | key.keyRef();
    s.deleteFile(fid);
    s.writeFile(fid, cert.getEncoded());
  }

  @Command(name = "ca", description = "A certificate authority whose key is on the card.",
      subcommands = {Init.class, Sign.class})
  public static final class Ca {}

  @Command(name = "init", description = "Make a self-signed CA certificate for a card key and store it on the card.")
  public static final class Init extends TokenCommand {
    @Option(names = "--key-id", required = true, description = "PKCS#11 id of the CA key in hex.")
    String keyId;

    @Option(names = "--subject", required = true, description = "Subject DN, e.g. \"CN=Example Root CA,O=Example\".")
    String subject;

    @Option(names = "--days", defaultValue = "3650", description = "Validity in days (default 3650).")
    int days;

    @Option(names = "--out", description = "Also write the certificate as PEM to this file.")
    Path out;

    @Mixin UserPinOption pin;

    @Override
    protected void validate() {
      subject(subject);
      if (days < 1 || days > 36500) {
        throw CliException.usage("--days must be between 1 and 36500");
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      KeyInfo key = keyPair(new KeyManager(s), keyId);
      pin.login(ctx(), s);
      try {
        X509Certificate cert = new Certificates(new KeyOperations(s), new SecureRandom())
            .selfSignedCa(key, subject(subject), days);
        storeCertificate(s, key, cert);
        if (out != null) {
          Files.writeString(out, pem(cert));
        }
        ctxOut().printf("CA certificate for key id %s stored on the card: %s, serial %s, valid until %s.%n",
            key.idHex(), cert.getSubjectX500Principal().getName(), cert.getSerialNumber().toString(16),
            cert.getNotAfter().toInstant());
        return 0;
      } catch (CertificateException e) {
        throw new CliException(CliException.REFUSED, e.getMessage());
      }
    }
  }

  @Command(name = "sign", description = "Issue a certificate for a CSR, signed by the card CA.")
  public static final class Sign extends TokenCommand {
    @Parameters(index = "0", paramLabel = "CSR", description = "PKCS#10 request (PEM or DER).")
    Path csrFile;

    @Option(names = "--key-id", required = true, description = "PKCS#11 id of the CA key in hex.")
    String keyId;

    @Option(names = "--days", defaultValue = "365", description = "Validity in days (default 365, never beyond the CA's).")
    int days;

    @Option(names = "--profile", defaultValue = "server", description = "server (default), client or ca.")
    String profile;

    @Option(names = "--out", description = "Output file for the PEM certificate (default: standard output).")
    Path out;

    @Option(names = "--san", split = ",", paramLabel = "TYPE:VALUE",
        description = "subjectAltName entries, e.g. DNS:host.example,IP:192.0.2.1 (default: the CSR's;"
            + " for --profile server a DNS name from a host-name CN).")
    List<String> san = new ArrayList<>();

    @Mixin UserPinOption pin;

    org.bouncycastle.asn1.x509.GeneralNames sanNames;

    Certificates.Profile prof;
    PKCS10CertificationRequest csr;

    @Override
    protected void validate() {
      try {
        prof = Certificates.Profile.parse(profile);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--profile must be server, client or ca");
      }
      if (days < 1 || days > 36500) {
        throw CliException.usage("--days must be between 1 and 36500");
      }
      if (!san.isEmpty()) {
        if (prof == Certificates.Profile.CA) {
          throw CliException.usage("--san goes with --profile server or client");
        }
        List<org.bouncycastle.asn1.x509.GeneralName> names = new ArrayList<>();
        for (String e : san) {
          names.add(generalName(e.trim()));
        }
        sanNames = new org.bouncycastle.asn1.x509.GeneralNames(
            names.toArray(org.bouncycastle.asn1.x509.GeneralName[]::new));
      }
      try {
        byte[] bytes = Files.readAllBytes(csrFile);
        if (bytes.length == 0) {
          throw CliException.usage(csrFile + " is empty; give a PKCS#10 request (hsmkit csr makes one)");
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN")) {
          try (PEMParser p = new PEMParser(new StringReader(text))) {
            Object o = p.readObject();
            if (!(o instanceof PKCS10CertificationRequest r)) {
              throw CliException.usage(csrFile + " is not a certificate request");
            }
            csr = r;
          }
        } else {
          csr = new PKCS10CertificationRequest(bytes);
        }
      } catch (IOException | RuntimeException e) {
        if (e instanceof CliException c) {
          throw c;
        }
        throw CliException.usage("cannot read the CSR " + csrFile + ": " + e.getMessage());
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      KeyInfo ca = keyPair(new KeyManager(s), keyId);
      if (ca.certificate() == null) {
        throw new CliException(CliException.REFUSED,
            "key id " + keyId + " has no CA certificate; run hsmkit ca init first");
      }
      pin.login(ctx(), s);
      try {
        X509Certificate issued = new Certificates(new KeyOperations(s), new SecureRandom())
            .issue(ca, parseCertificate(ca.certificate()), csr, days, prof, sanNames);
        write(this, out, pem(issued));
        return 0;
      } catch (CertificateException e) {
        throw new CliException(CliException.REFUSED, e.getMessage());
      }
    }
  }

  /** One {@code --san} entry: DNS:name, IP:address (v4 or v6), EMAIL:address or URI:uri. */
  static org.bouncycastle.asn1.x509.GeneralName generalName(String e) {
    int colon = e.indexOf(':');
    String type = colon < 0 ? "" : e.substring(0, colon).toUpperCase(java.util.Locale.ROOT);
    String value = colon < 0 ? "" : e.substring(colon + 1);
    if (value.isEmpty()) {
      throw CliException.usage("--san entry \"" + e + "\" must be TYPE:VALUE, e.g. DNS:host.example or IP:192.0.2.1");
    }
    return switch (type) {
      case "DNS" -> {
        if (!value.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
          throw CliException.usage("--san DNS:" + value + " is not a host name");
        }
        yield new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName, value);
      }
      case "IP" -> {
        if (!value.matches("[0-9.]+|[0-9A-Fa-f:]+")
            || !org.bouncycastle.util.IPAddress.isValid(value)) {
          throw CliException.usage("--san IP:" + value + " is not an IPv4 or IPv6 address");
        }
        yield new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.iPAddress, value);
      }
      case "EMAIL" -> new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.rfc822Name, value);
      case "URI" -> new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier, value);
      default -> throw CliException.usage("--san entry \"" + e + "\": the type must be DNS, IP, EMAIL or URI");
    };
  }

  @Command(name = "csr", description = "Make a PKCS#10 certificate request signed by a card key.")
  public static final class Csr extends TokenCommand {
    @Option(names = "--key-id", required = true, description = "PKCS#11 id of the key in hex.")
    String keyId;

    @Option(names = "--subject", required = true, description = "Subject DN, e.g. \"CN=server.example\".")
    String subject;

    @Option(names = "--out", description = "Output file (default: standard output).")
    Path out;

    @Mixin UserPinOption pin;

    @Override
    protected void validate() {
      subject(subject);
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      KeyInfo key = keyPair(new KeyManager(s), keyId);
      pin.login(ctx(), s);
      PKCS10CertificationRequest csr =
          new Certificates(new KeyOperations(s), new SecureRandom()).csr(key, subject(subject));
      write(this, out, pem(csr));
      return 0;
    }
  }

  @Command(name = "cert", description = "Certificates stored with card keys.",
      subcommands = {Import.class, ListCerts.class, Export.class})
  public static final class Cert {}

  @Command(name = "import", description = "Store a certificate with the card key it belongs to.")
  public static final class Import extends TokenCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "Certificate (PEM or DER).")
    Path file;

    @Option(names = "--key-id", required = true, description = "PKCS#11 id of the key in hex.")
    String keyId;

    @Mixin UserPinOption pin;

    @Override
    protected int run(Token token) throws IOException, HsmException {
      X509Certificate cert;
      try {
        cert = parseCertificate(Files.readAllBytes(file));
      } catch (CertificateException e) {
        throw CliException.usage(file + " is not an X.509 certificate");
      }
      SmartCardHsmSession s = token.session();
      s.select();
      KeyInfo key = keyPair(new KeyManager(s), keyId);
      pin.login(ctx(), s);
      try {
        storeCertificate(s, key, cert);
      } catch (CertificateException e) {
        throw new CliException(CliException.REFUSED, e.getMessage());
      }
      ctxOut().printf("Certificate stored with key id %s.%n", key.idHex());
      return 0;
    }
  }

  @Command(name = "list", description = "List the certificates stored with card keys.")
  public static final class ListCerts extends TokenCommand {
    @Option(names = "--json", description = "Print JSON for scripts: an array of {keyRef, id,"
        + " label, subject, issuer, serial, notBefore, notAfter, sha256}, or {keyRef, id, label,"
        + " error} for a certificate that does not decode.")
    boolean json;

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      List<KeyInfo> keys = new KeyManager(s).list();
      if (json) {
        List<Object> out = new ArrayList<>();
        for (KeyInfo k : keys) {
          if (k.certificate() == null) {
            continue;
          }
          java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
          m.put("keyRef", k.keyRef());
          m.put("id", k.idHex());
          m.put("label", k.label());
          try {
            X509Certificate c = parseCertificate(k.certificate());
            m.put("subject", c.getSubjectX500Principal().getName());
            m.put("issuer", c.getIssuerX500Principal().getName());
            m.put("serial", c.getSerialNumber().toString(16));
            m.put("notBefore", c.getNotBefore().toInstant().toString());
            m.put("notAfter", c.getNotAfter().toInstant().toString());
            m.put("sha256", java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(k.certificate())));
          } catch (CertificateException e) {
            m.put("error", "unreadable certificate");
          } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
          }
          out.add(m);
        }
        ctxOut().println(io.hsmkit.client.json.Json.write(out));
        return 0;
      }
      int n = 0;
      for (KeyInfo k : keys) {
        if (k.certificate() == null) {
          continue;
        }
        try {
          X509Certificate c = parseCertificate(k.certificate());
          ctxOut().printf("key id %s (key ref %d): %s%n  issuer %s, serial %s, valid until %s%n",
              k.idHex(), k.keyRef(), c.getSubjectX500Principal().getName(),
              c.getIssuerX500Principal().getName(), c.getSerialNumber().toString(16),
              c.getNotAfter().toInstant());
          n++;
        } catch (CertificateException e) {
          ctxOut().printf("key id %s: unreadable certificate%n", k.idHex());
        }
      }
      if (n == 0) {
        ctxOut().println("No certificates.");
      }
      return 0;
    }
  }

  @Command(name = "export", description = "Write the certificate stored with a card key.")
  public static final class Export extends TokenCommand {
    @Option(names = "--key-id", required = true, description = "PKCS#11 id of the key in hex.")
    String keyId;

    @Option(names = "--format", defaultValue = "pem", description = "pem or der (default pem).")
    String format;

    @Option(names = "--out", description = "Output file (default: standard output).")
    Path out;

    @Override
    protected int run(Token token) throws IOException, HsmException {
      if (!format.equals("pem") && !format.equals("der")) {
        throw CliException.usage("--format must be pem or der");
      }
      SmartCardHsmSession s = token.session();
      s.select();
      KeyInfo k = keyPair(new KeyManager(s), keyId);
      if (k.certificate() == null) {
        throw new CliException(CliException.REFUSED, "key id " + keyId + " has no certificate");
      }
      if (format.equals("der")) {
        if (out == null) {
          System.out.write(k.certificate());
          System.out.flush();
        } else {
          Files.write(out, k.certificate());
        }
        return 0;
      }
      try {
        write(this, out, pem(parseCertificate(k.certificate())));
      } catch (CertificateException e) {
        throw new CliException(CliException.REFUSED, "the stored certificate does not decode");
      }
      return 0;
    }
  }
}
