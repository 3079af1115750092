package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Java's own PKCS#11 provider, SunPKCS11, on opensc-pkcs11.so inside this test JVM, configured
 * with an inline {@code --} configuration string: KeyStore "PKCS11" lists the card's keys (it
 * shows keys that have a certificate, which {@code hsmkit ca init} stores), signs with
 * SHA256withECDSA and SHA256withRSA on the card, and the signatures verify with the certificates'
 * public keys in software.
 */
class SunPkcs11IT extends InteropTestBase {
  private static final String PIN = "648219";
  private static final byte[] DATA = "signed through SunPKCS11".getBytes(StandardCharsets.US_ASCII);

  @Test
  void sunPkcs11_listsSignsAndVerifies() throws Exception {
    OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, PIN, "--label", "Nitrokey"));
    OpenSc.ok(OpenSc.keygen(PIN, "EC:prime256v1", "01", "java-ec"));
    OpenSc.ok(OpenSc.keygen(PIN, "rsa:2048", "02", "java-rsa"));
    for (String id : new String[] {"01", "02"}) {
      Tool.Result ca = harness.hsmkit(Map.of("HSMKIT_PIN", PIN), "--token", "pcsc", "ca", "init",
          "--key-id", id, "--subject", "CN=SunPKCS11 " + id);
      assertThat(ca.exit()).as(ca.describe()).isZero();
    }

    Provider p = Security.getProvider("SunPKCS11").configure(
        "--name=hsmkit-it\nlibrary=" + OpenSc.MODULE + "\nslotListIndex=0\n");
    assertThat(p.getName()).isEqualTo("SunPKCS11-hsmkit-it");
    KeyStore ks = KeyStore.getInstance("PKCS11", p);
    ks.load(null, PIN.toCharArray());
    assertThat(Collections.list(ks.aliases())).containsExactlyInAnyOrder("java-ec", "java-rsa");

    for (String[] c : new String[][] {{"java-ec", "SHA256withECDSA", "EC"},
        {"java-rsa", "SHA256withRSA", "RSA"}}) {
      assertThat(ks.isKeyEntry(c[0])).as(c[0]).isTrue();
      PrivateKey key = (PrivateKey) ks.getKey(c[0], null);
      assertThat(key.getAlgorithm()).isEqualTo(c[2]);
      X509Certificate cert = (X509Certificate) ks.getCertificate(c[0]);
      assertThat(cert.getSubjectX500Principal().getName()).startsWith("CN=SunPKCS11 ");

      Signature s = Signature.getInstance(c[1], p);
      s.initSign(key);
      s.update(DATA);
      byte[] sig = s.sign();

      Signature v = Signature.getInstance(c[1]);
      v.initVerify(cert.getPublicKey());
      assertThat(v.getProvider().getName()).isNotEqualTo(p.getName());
      v.update(DATA);
      assertThat(v.verify(sig)).as(c[0] + " " + c[1]).isTrue();
      v.initVerify(cert.getPublicKey());
      v.update("other data".getBytes(StandardCharsets.US_ASCII));
      assertThat(v.verify(sig)).isFalse();
    }
  }
}
