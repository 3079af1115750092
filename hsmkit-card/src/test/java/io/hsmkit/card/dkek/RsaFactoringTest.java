package io.hsmkit.card.dkek;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.crypto.CardCrypto;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import org.junit.jupiter.api.RepeatedTest;

/** The (d, n, e) blob form needs p and q back from n, e and d; it must work for every key. */
class RsaFactoringTest {
  static final CardCrypto CRYPTO = new CardCrypto(new SecureRandom());

  @RepeatedTest(40)
  void factor_recoversThePrimes() throws Exception {
    RSAPrivateCrtKey k = (RSAPrivateCrtKey) CRYPTO.generateRsa(1024).getPrivate();
    var pq = KeyBlob.factor(k.getModulus(), k.getPublicExponent(), k.getPrivateExponent());
    assertThat(pq[0].multiply(pq[1])).isEqualTo(k.getModulus());
    assertThat(pq).containsExactlyInAnyOrder(k.getPrimeP(), k.getPrimeQ());
  }
}
