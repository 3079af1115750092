package io.hsmkit.client.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.TlvWriter;
import io.hsmkit.client.SmartCardHsmSession;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link KeyManager#deriveEc} on keys whose algorithm list limits what the derived key may do. */
class DeriveEcKeyTest {
  static final byte[] PIN = LoggedInCard.PIN;

  SmartCardHsmSession session;
  KeyManager km;

  @BeforeEach
  void setUp() throws Exception {
    session = LoggedInCard.session();
    km = new KeyManager(session);
  }

  /** A P-256 key at {@code ref} with algorithm list {@code list}, its request in CE as generate does. */
  KeyInfo keyWithList(int ref, byte[] list) throws Exception {
    byte[] body = CvRequests.gakpBody(KeySpec.parse("ec:secp256r1"), km.serial() + "00001");
    byte[] request = session.generateKeyPair(ref,
        concat(body, new TlvWriter().add(0x91, list).toByteArray()));
    session.writeFile(KeyManager.EE_CERT | ref, request);
    session.writeFile(KeyManager.PRKD | ref,
        new PrivateKeyDescription(true, "base", new byte[] {(byte) ref}, ref, 256).encode());
    return km.describe(ref);
  }

  @Test
  void aKeyThatMayOnlyDerive_givesADerivedKeyWithoutARequest() throws Exception {
    KeyInfo base = keyWithList(1, new byte[] {(byte) 0x98});
    KeyManager.DerivedKey d = km.deriveEc(base, 0, new byte[] {0x07}, null, "no-sign");
    assertThat(d.publicKey()).isNotNull();
    // the derived key keeps the list {98}: it cannot sign its own request, so CE stays empty
    assertThat(session.readFile(KeyManager.EE_CERT | 2)).isEmpty();
    assertThat(km.describe(2).label()).isEqualTo("no-sign");
    assertThat(d.key().algorithm()).isEqualTo("EC secp256r1");
  }

  @Test
  void aKeyThatMaySignRaw_givesASelfSignedRequest() throws Exception {
    KeyInfo base = keyWithList(1, new byte[] {0x70, (byte) 0x98});
    KeyManager.DerivedKey d = km.deriveEc(base, 5, new byte[] {0x01, 0x00}, new byte[] {0x55}, "raw");
    byte[] ce = session.readFile(KeyManager.EE_CERT | 5).orElseThrow();
    assertThat(ce[0] & 0xFF).isEqualTo(0x67);
    ECPublicKey stored = (ECPublicKey) CvRequests.publicKey(ce);
    assertThat(stored.getW()).isEqualTo(d.publicKey().getW());
    assertThat(km.describe(5).publicKey()).isNotNull();
    assertThat(km.describe(5).idHex()).isEqualTo("55");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
