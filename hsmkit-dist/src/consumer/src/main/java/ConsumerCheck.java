import io.hsmkit.jca.HsmKeyGenParameterSpec;
import io.hsmkit.jca.SmartCardHsmProvider;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Collections;

/**
 * On the initialized token {@code args[0]} (PIN in HSMKIT_PIN): generates an EC key on the card
 * through the SmartCardHSM provider, signs with it, and verifies with the JDK. Exit 0 when the
 * signature verifies and the key store lists the new key.
 */
public final class ConsumerCheck {
  public static void main(String[] args) throws Exception {
    Provider p = new SmartCardHsmProvider().configure(args[0]);
    KeyStore ks = KeyStore.getInstance("SmartCardHSM", p);
    ks.load(null, System.getenv("HSMKIT_PIN").toCharArray());
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
    g.initialize(new HsmKeyGenParameterSpec("consumer", new byte[] {0x42},
        new ECGenParameterSpec("secp256r1")));
    KeyPair kp = g.generateKeyPair();
    byte[] message = "signed by a project that depends on hsmkit-jca"
        .getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("SHA256withECDSA", p);
    s.initSign(kp.getPrivate());
    s.update(message);
    byte[] signature = s.sign();
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(kp.getPublic());
    v.update(message);
    if (!v.verify(signature)) {
      throw new IllegalStateException("the card's signature does not verify");
    }
    ks.load(null, System.getenv("HSMKIT_PIN").toCharArray());
    if (!Collections.list(ks.aliases()).contains("consumer")) {
      throw new IllegalStateException("the key store does not list the new key");
    }
    System.out.println("consumer: key generated on the card, signature verified by the JDK");
  }
}
