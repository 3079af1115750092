package io.hsmkit.jca;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.ApduTransport;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Four threads sign in parallel with two keys of one provider while a fifth re-reads the key list
 * (several SELECT + READ BINARY APDUs each): every signature verifies, every listing is complete,
 * and no two APDUs are ever in flight at once.
 */
class ConcurrencyTest {
  static final int SIGNATURES_PER_THREAD = 25;

  /** Counts overlapping transmits: the provider's lock must keep it at one. */
  static final class OverlapDetector implements ApduTransport {
    final ApduTransport card;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger apdus = new AtomicInteger();

    OverlapDetector(ApduTransport card) {
      this.card = card;
    }

    @Override
    public byte[] transmit(byte[] command) throws java.io.IOException {
      int n = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(n, Math::max);
      try {
        Thread.onSpinWait();
        apdus.incrementAndGet();
        return card.transmit(command);
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  @Test
  void parallelSigning_withTwoKeys_neverInterleaves() throws Exception {
    TestCard card = new TestCard();
    card.generate("ec:secp256r1", 1, "ec");
    card.generate("rsa:1024", 2, "rsa");
    OverlapDetector[] detector = new OverlapDetector[1];
    SmartCardHsmProvider provider = card.provider(t -> detector[0] = new OverlapDetector(t));
    KeyStore ks = TestCard.loadedKeyStore(provider);
    HsmPrivateKey ec = (HsmPrivateKey) ks.getKey("ec", null);
    HsmPrivateKey rsa = (HsmPrivateKey) ks.getKey("rsa", null);

    ExecutorService pool = Executors.newFixedThreadPool(5);
    List<Callable<Integer>> jobs = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      HsmPrivateKey key = t % 2 == 0 ? ec : rsa;
      String alg = t % 2 == 0 ? "SHA256withECDSA" : "SHA256withRSA";
      int thread = t;
      jobs.add(() -> {
        int ok = 0;
        Signature s = Signature.getInstance(alg, provider);
        Signature v = Signature.getInstance(alg);
        for (int i = 0; i < SIGNATURES_PER_THREAD; i++) {
          byte[] m = ("thread " + thread + " message " + i).getBytes(StandardCharsets.US_ASCII);
          s.initSign(key);
          s.update(m);
          byte[] sig = s.sign();
          v.initVerify(key.publicKey());
          v.update(m);
          if (v.verify(sig)) {
            ok++;
          }
        }
        return ok;
      });
    }
    jobs.add(() -> {
      int ok = 0;
      for (int i = 0; i < SIGNATURES_PER_THREAD; i++) {
        KeyStore fresh = KeyStore.getInstance("SmartCardHSM", provider);
        fresh.load(null, null);
        if (Collections.list(fresh.aliases()).equals(List.of("ec", "rsa"))) {
          ok++;
        }
      }
      return ok;
    });
    List<Future<Integer>> results = pool.invokeAll(jobs);
    pool.shutdown();
    assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
    for (Future<Integer> f : results) {
      assertThat(f.get()).isEqualTo(SIGNATURES_PER_THREAD);
    }
    assertThat(detector[0].maxInFlight.get()).isEqualTo(1);
    assertThat(detector[0].apdus.get()).isGreaterThan(4 * SIGNATURES_PER_THREAD);
  }
}
