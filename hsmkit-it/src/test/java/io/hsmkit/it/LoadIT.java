package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.client.PcscTransport;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeyOperations;
import io.hsmkit.client.keys.KeySpec;
import io.hsmkit.client.keys.Mechanism;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Load (SECURITY.md, Load): two cards served at once ({@code hsmkit serve} on 35963 and 35964,
 * readers "Virtual PCD 00 00" and "Virtual PCD 00 01"), a client on each in this JVM ({@code
 * javax.smartcardio}), and a third client on the first reader as separate {@code pkcs11-tool}
 * processes (the JDK hands one JVM a single shared {@code Card} per reader, so a second in-JVM
 * client would test the JDK, not pcscd). The JVM clients repeat, for a bounded time: open the
 * reader in a PC/SC transaction (SCardBeginTransaction, which keeps the third client's login and
 * key-reference choice from interleaving with the first's; OpenSC takes one around each
 * operation), log in, then one of sign EC, sign RSA, read every object, generate a key; close. The
 * third client logs in, signs, lists and generates keys with pkcs11-tool.
 *
 * <p>Each client knows the public key of every key it generated (from the card's answer at
 * generation time); every signature is verified against the key the client meant, and every
 * listing must show each of the client's keys with that public key. Zero errors, zero lost or
 * mixed-up keys. {@code -Dhsmkit.load.seconds=N} (default 60); {@code scripts/soak.sh} runs it
 * for an hour.
 */
class LoadIT extends InteropTestBase {
  private static final HexFormat HEX = HexFormat.of();
  private static final int MAX_KEYS_PER_CLIENT = 20; // reader 0 holds two clients' keys; OpenSC 0.23 stops at 63

  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

  @Test
  void threeClientsOnTwoReaders_mixedOperations_noErrorNoMixUp() throws Exception {
    long seconds = Long.getLong("hsmkit.load.seconds", 60);
    long seed = Long.getLong("hsmkit.load.seed", new Random().nextLong());
    System.err.println("[LoadIT] seed " + seed + ", " + seconds + " s");
    harness.serve(temp.resolve("card2"), Harness.PORT2);
    for (String reader : List.of("0", "1")) {
      Tool.Result init = OpenSc.run("sc-hsm-tool", "--reader", reader, "--initialize",
          "--so-pin", SO_PIN, "--pin", USER_PIN);
      assertThat(init.exit()).as(init.describe()).isZero();
    }

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<Client>> clients = new ArrayList<>();
    clients.add(pool.submit(() -> new Client("A", Harness.READER, seed).run(deadline)));
    clients.add(pool.submit(() -> new Client("B", Harness.READER2, seed + 1).run(deadline)));
    Future<?> third = pool.submit(() -> new ToolClient(seed + 2).run(deadline));
    List<Client> done = new ArrayList<>();
    for (Future<Client> f : clients) {
      done.add(f.get(seconds + 300, TimeUnit.SECONDS));
    }
    third.get(seconds + 300, TimeUnit.SECONDS);
    pool.shutdown();

    // Afterwards, once more: every client's keys are on its card, with its public keys.
    for (Client c : done) {
      c.checkAllKeys("final check");
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("seconds", seconds);
    figures.put("seed", seed);
    long ops = 0;
    for (Map.Entry<String, AtomicLong> e : new java.util.TreeMap<>(counts).entrySet()) {
      figures.put(e.getKey(), e.getValue().get());
      if (e.getKey().startsWith("ops ")) {
        ops += e.getValue().get();
      }
    }
    figures.put("operations", ops);
    figures.put("errors", errors.size());
    Summary.record("load", figures);
    System.err.println("[LoadIT] " + figures);
    assertThat(errors).as("errors under load (seed " + seed + ")").isEmpty();
    assertThat(ops).as("operations done").isGreaterThan(30);
  }

  /** One PC/SC client with its own keys (ids prefixed by its name). */
  private final class Client {
    final String name;
    final String reader;
    final Random rnd;
    final Map<String, PublicKey> keys = new LinkedHashMap<>(); // id hex -> public key
    final Map<String, Boolean> rsa = new LinkedHashMap<>();
    int next;

    Client(String name, String reader, long seed) {
      this.name = name;
      this.reader = reader;
      this.rnd = new Random(seed);
    }

    Client run(long deadline) {
      try {
        session(s -> generate(s, true));
        session(s -> generate(s, false));
      } catch (Exception e) {
        errors.add(name + ": initial keys: " + e);
        return this;
      }
      while (System.nanoTime() < deadline) {
        int op = rnd.nextInt(10);
        String what = op < 4 ? "sign EC" : op < 6 ? "sign RSA" : op < 9 ? "read objects" : "keygen";
        try {
          session(s -> {
            switch (what) {
              case "sign EC" -> sign(s, false);
              case "sign RSA" -> sign(s, true);
              case "read objects" -> checkAllKeys(s, what);
              default -> {
                if (keys.size() < MAX_KEYS_PER_CLIENT) {
                  generate(s, false);
                } else {
                  sign(s, false);
                }
              }
            }
          });
          counts.computeIfAbsent("ops " + what, k -> new AtomicLong()).incrementAndGet();
        } catch (Exception | AssertionError e) {
          errors.add(name + " on " + reader + ": " + what + ": " + e);
        }
        // A pause between transactions, as an application has: pcscd hands a released reader to
        // whoever asks first, and a client that re-locks at once would starve pkcs11-tool.
        sleep(5 + rnd.nextInt(40));
      }
      return this;
    }

    void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    interface Work {
      void on(SmartCardHsmSession s) throws Exception;
    }

    /** Opens the reader (a PC/SC transaction until close), logs in, works, closes. */
    void session(Work w) throws Exception {
      try (PcscTransport t = PcscTransport.open(reader);
          SmartCardHsmSession s = new SmartCardHsmSession(t)) {
        s.select();
        s.verifyPin(USER_PIN.getBytes(StandardCharsets.US_ASCII));
        counts.computeIfAbsent("logins", k -> new AtomicLong()).incrementAndGet();
        w.on(s);
      }
    }

    void generate(SmartCardHsmSession s, boolean rsaKey) throws Exception {
      String id = String.format("%s%02x", HEX.formatHex(name.getBytes(StandardCharsets.US_ASCII)),
          next++);
      KeyInfo k = new KeyManager(s).generate(
          rsaKey ? new KeySpec.Rsa(2048) : new KeySpec.Ec("secp256r1"), HEX.parseHex(id),
          name + "-" + id);
      keys.put(id, k.publicKey());
      rsa.put(id, rsaKey);
      counts.computeIfAbsent("keys generated", x -> new AtomicLong()).incrementAndGet();
    }

    void sign(SmartCardHsmSession s, boolean rsaKey) throws Exception {
      List<String> ids = keys.keySet().stream().filter(i -> rsa.get(i) == rsaKey).toList();
      String id = ids.get(rnd.nextInt(ids.size()));
      KeyInfo k = new KeyManager(s).findById(HEX.parseHex(id)).orElseThrow(
          () -> new AssertionError(name + ": key " + id + " lost"));
      byte[] msg = (name + id + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
      byte[] sig = new KeyOperations(s).sign(k,
          rsaKey ? Mechanism.RSA_PKCS1_SHA256 : Mechanism.ECDSA_SHA256, msg);
      Signature v = Signature.getInstance(rsaKey ? "SHA256withRSA" : "SHA256withECDSA");
      v.initVerify(keys.get(id)); // the key this client generated, not what the card says now
      v.update(msg);
      if (!v.verify(sig)) {
        throw new AssertionError(name + ": signature of key " + id + " does not verify");
      }
    }

    void checkAllKeys(String where) throws Exception {
      session(s -> checkAllKeys(s, where));
    }

    void checkAllKeys(SmartCardHsmSession s, String where) throws Exception {
      Map<String, KeyInfo> byId = new LinkedHashMap<>();
      for (KeyInfo k : new KeyManager(s).list()) {
        KeyInfo before = byId.put(HEX.formatHex(k.id()), k);
        if (before != null) {
          throw new AssertionError(where + ": two keys with id " + HEX.formatHex(k.id()));
        }
      }
      for (Map.Entry<String, PublicKey> e : keys.entrySet()) {
        KeyInfo k = byId.get(e.getKey());
        if (k == null) {
          throw new AssertionError(name + " " + where + ": key " + e.getKey() + " lost");
        }
        if (!java.util.Arrays.equals(k.publicKey().getEncoded(), e.getValue().getEncoded())) {
          throw new AssertionError(name + " " + where + ": key " + e.getKey() + " mixed up");
        }
      }
    }
  }

  /** The third client: pkcs11-tool processes on reader 0 (slot index 0), keys "43xx". */
  private final class ToolClient {
    final Random rnd;
    final Map<String, PublicKey> keys = new LinkedHashMap<>();
    int next;

    ToolClient(long seed) {
      this.rnd = new Random(seed);
    }

    void run(long deadline) {
      try {
        generate();
      } catch (Exception | AssertionError e) {
        errors.add("C (pkcs11-tool): initial key: " + e);
        return;
      }
      while (System.nanoTime() < deadline) {
        int op = rnd.nextInt(10);
        String what = op < 6 ? "sign EC" : op < 9 ? "read objects" : "keygen";
        try {
          switch (what) {
            case "sign EC" -> sign();
            case "read objects" -> list();
            default -> {
              if (keys.size() < MAX_KEYS_PER_CLIENT) {
                generate();
              } else {
                sign();
              }
            }
          }
          counts.computeIfAbsent("ops " + what, k -> new AtomicLong()).incrementAndGet();
          counts.computeIfAbsent("pkcs11-tool ops", k -> new AtomicLong()).incrementAndGet();
        } catch (Exception | AssertionError e) {
          errors.add("C (pkcs11-tool) on " + Harness.READER + ": " + what + ": " + e);
        }
      }
    }

    Tool.Result tool(String... args) {
      List<String> argv = new ArrayList<>(List.of("pkcs11-tool", "--module", OpenSc.MODULE,
          "--slot-index", "0", "--login", "--pin", USER_PIN));
      argv.addAll(List.of(args));
      Tool.Result r = Tool.run(argv, Map.of(), java.time.Duration.ofSeconds(60));
      if (r.exit() != 0) {
        throw new AssertionError(r.describe());
      }
      return r;
    }

    void generate() throws Exception {
      String id = String.format("43%02x", next++);
      Tool.Result r = tool("--keypairgen", "--key-type", "EC:prime256v1", "--id", id,
          "--label", "C-" + id);
      String point = null;
      for (String l : r.stdout().split("\n")) {
        if (l.strip().startsWith("EC_POINT:")) {
          point = l.strip().substring("EC_POINT:".length()).strip();
        }
      }
      if (point == null) {
        throw new AssertionError("no EC_POINT:\n" + r.describe());
      }
      byte[] der = HEX.parseHex(point);
      byte[] raw = java.util.Arrays.copyOfRange(der, 2, der.length); // 04 41 | 04 X Y
      java.security.AlgorithmParameters ap = java.security.AlgorithmParameters.getInstance("EC");
      ap.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
      java.security.spec.ECParameterSpec params =
          ap.getParameterSpec(java.security.spec.ECParameterSpec.class);
      java.security.spec.ECPoint w = new java.security.spec.ECPoint(
          new java.math.BigInteger(1, java.util.Arrays.copyOfRange(raw, 1, 33)),
          new java.math.BigInteger(1, java.util.Arrays.copyOfRange(raw, 33, 65)));
      keys.put(id, java.security.KeyFactory.getInstance("EC")
          .generatePublic(new java.security.spec.ECPublicKeySpec(w, params)));
      counts.computeIfAbsent("keys generated", x -> new AtomicLong()).incrementAndGet();
    }

    void sign() throws Exception {
      List<String> ids = new ArrayList<>(keys.keySet());
      String id = ids.get(rnd.nextInt(ids.size()));
      byte[] msg = ("C" + id + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
      java.nio.file.Path in = temp.resolve("c-msg.bin");
      java.nio.file.Path out = temp.resolve("c-sig.der");
      java.nio.file.Files.write(in, msg);
      tool("--sign", "-m", "ECDSA-SHA256", "--id", id, "--signature-format", "openssl",
          "-i", in.toString(), "-o", out.toString());
      Signature v = Signature.getInstance("SHA256withECDSA");
      v.initVerify(keys.get(id));
      v.update(msg);
      if (!v.verify(java.nio.file.Files.readAllBytes(out))) {
        throw new AssertionError("C: signature of key " + id + " does not verify");
      }
    }

    void list() {
      Tool.Result r = tool("--list-objects", "--type", "privkey");
      for (String id : keys.keySet()) {
        if (!r.stdout().contains("ID:         " + id)) {
          throw new AssertionError("C: key " + id + " not listed:\n" + r.describe());
        }
      }
    }
  }
}
