package io.hsmkit.jca;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.ApduTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A TLS handshake with client authentication whose client key is on the card: the JDK's own
 * JSSE, a {@code SunX509} key manager over {@code KeyStore.getInstance("SmartCardHSM")}, and a
 * server on 127.0.0.1 (ephemeral port) that requires a client certificate from a test CA. JSSE
 * finds the card's {@code Signature} by delayed provider selection, so the provider is installed
 * for the duration of each test. The SIGN APDUs on the card's transport prove who signed the
 * CertificateVerify; TLS 1.3 with RSA needs RSASSA-PSS (algorithm 0x40 on the card).
 */
class TlsClientAuthTest {
  private static final int INS_SIGN = 0x68;
  private static final int ALG_RSA_PSS = 0x40;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "ec:secp256r1, TLSv1.3",
    "ec:secp256r1, TLSv1.2",
    "rsa:2048, TLSv1.3",
    "rsa:2048, TLSv1.2",
  })
  void handshake_withTheClientKeyOnTheCard_authenticatesTheClient(String keySpec, String protocol)
      throws Exception {
    TestCard card = new TestCard();
    card.generate(keySpec, 1, "tls-client");
    List<byte[]> signApdus = new CopyOnWriteArrayList<>();
    SmartCardHsmProvider provider = card.provider(t -> recordingSigns(t, signApdus));

    KeyPair caKeys = ecKeyPair();
    X509Certificate ca = issue("CN=hsmkit test CA", caKeys.getPublic(), "CN=hsmkit test CA",
        caKeys.getPrivate(), true, null);
    KeyPair serverKeys = ecKeyPair();
    X509Certificate serverCert = issue("CN=localhost", serverKeys.getPublic(), "CN=hsmkit test CA",
        caKeys.getPrivate(), false, KeyPurposeId.id_kp_serverAuth);

    KeyStore cardStore = TestCard.loadedKeyStore(provider);
    PrivateKey cardKey = TestCard.key(cardStore, "tls-client");
    PublicKey cardPublic = ((HsmPrivateKey) cardKey).publicKey();
    X509Certificate clientCert = issue("CN=card client", cardPublic, "CN=hsmkit test CA",
        caKeys.getPrivate(), false, KeyPurposeId.id_kp_clientAuth);
    cardStore.setKeyEntry("tls-client", cardKey, null, new Certificate[] {clientCert});
    signApdus.clear();

    SSLContext serverContext = context(softwareKeyStore(serverKeys.getPrivate(), serverCert),
        "SunX509", ca);
    Security.addProvider(provider);
    try {
      KeyManagerFactory cardKeyManager = KeyManagerFactory.getInstance("SunX509");
      cardKeyManager.init(cardStore, TestCard.pin());
      SSLContext clientContext = SSLContext.getInstance("TLS");
      clientContext.init(cardKeyManager.getKeyManagers(), trustManagers(ca), null);

      try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
          .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        server.setNeedClientAuth(true);
        server.setEnabledProtocols(new String[] {protocol});
        CompletableFuture<Certificate[]> seen = CompletableFuture.supplyAsync(() -> serveOne(server));

        try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory()
            .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
          client.setEnabledProtocols(new String[] {protocol});
          client.setSoTimeout(30_000);
          Writer w = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8);
          w.write("hello from the card\n");
          w.flush();
          String reply = new BufferedReader(new InputStreamReader(client.getInputStream(),
              StandardCharsets.UTF_8)).readLine();

          assertThat(reply).isEqualTo("server got: hello from the card");
          assertThat(client.getSession().getProtocol()).isEqualTo(protocol);
          assertThat(client.getSession().getLocalCertificates()).containsExactly(clientCert);
        }
        Certificate[] peer = seen.get(60, TimeUnit.SECONDS);
        assertThat(peer).isNotEmpty();
        assertThat(peer[0]).isEqualTo(clientCert);
      }
    } finally {
      Security.removeProvider(provider.getName());
      provider.close();
    }

    // the CertificateVerify was signed on the card, with PSS for RSA under TLS 1.3
    assertThat(signApdus).hasSize(1);
    if (keySpec.startsWith("rsa") && protocol.equals("TLSv1.3")) {
      assertThat(signApdus.get(0)[3] & 0xFF).isEqualTo(ALG_RSA_PSS);
    }
  }

  /** Accepts one connection, completes the handshake, answers one line; returns the client chain. */
  private static Certificate[] serveOne(SSLServerSocket server) {
    try (SSLSocket s = (SSLSocket) server.accept()) {
      s.setSoTimeout(30_000);
      String line = new BufferedReader(new InputStreamReader(s.getInputStream(),
          StandardCharsets.UTF_8)).readLine();
      Certificate[] peer = s.getSession().getPeerCertificates();
      Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
      w.write("server got: " + line + "\n");
      w.flush();
      return peer;
    } catch (Exception e) {
      throw new IllegalStateException("TLS server: " + e, e);
    }
  }

  private static ApduTransport recordingSigns(ApduTransport t, List<byte[]> signs) {
    return apdu -> {
      if (apdu.length > 3 && (apdu[1] & 0xFF) == INS_SIGN) {
        signs.add(apdu.clone());
      }
      return t.transmit(apdu);
    };
  }

  private static SSLContext context(KeyStore keys, String kmf, X509Certificate ca) throws Exception {
    KeyManagerFactory f = KeyManagerFactory.getInstance(kmf);
    f.init(keys, "server".toCharArray());
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(f.getKeyManagers(), trustManagers(ca), null);
    return c;
  }

  private static javax.net.ssl.TrustManager[] trustManagers(X509Certificate ca) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
    f.init(trust);
    return f.getTrustManagers();
  }

  private static KeyStore softwareKeyStore(PrivateKey key, X509Certificate cert) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", key, "server".toCharArray(), new Certificate[] {cert});
    return ks;
  }

  private static KeyPair ecKeyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A certificate from the software test CA (or the CA itself when {@code ca}). */
  static X509Certificate issue(String subject, PublicKey key, String issuer, PrivateKey caKey,
      boolean ca, KeyPurposeId purpose) throws Exception {
    Date now = new Date();
    var b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
        BigInteger.valueOf(now.getTime()).shiftLeft(8).add(BigInteger.valueOf(subject.length())),
        new Date(now.getTime() - 60_000), new Date(now.getTime() + 86_400_000L),
        new X500Name(subject), key);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
    } else {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (purpose == KeyPurposeId.id_kp_serverAuth) {
        b.addExtension(Extension.subjectAlternativeName, false,
            new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                org.bouncycastle.asn1.x509.GeneralName.iPAddress, "127.0.0.1")));
      }
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
  }
}
