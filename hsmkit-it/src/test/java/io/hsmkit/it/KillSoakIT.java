package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.client.DkekStatus;
import io.hsmkit.client.PcscTransport;
import io.hsmkit.client.PinReference;
import io.hsmkit.client.PinStatus;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeyOperations;
import io.hsmkit.client.keys.Mechanism;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL soak (SECURITY.md, Crash safety; the process level): {@code hsmkit serve} is killed at random
 * moments while OpenSC generates keys, imports DKEK shares, logs in with wrong and right PINs and
 * signs; then it is started again on the same state directory and the card is checked:
 *
 * <ul>
 *   <li>it opens (OpenSC sees it, the applet selects);
 *   <li>every key OpenSC reported as created is there with the public key OpenSC printed, and signs
 *       (verified here against that public key);
 *   <li>the user PIN's tries left is exactly what the answered commands imply; the command that
 *       was in flight when the process died may or may not have taken effect. So a wrong PIN that
 *       was answered always counts, and tries left never grows except by a successful VERIFY;
 *   <li>DKEK shares outstanding and the KCV are those of exactly the answered imports (plus the
 *       one in flight, or not).
 * </ul>
 *
 * <p>Every step is drawn from a seeded {@link Random}: the seed is printed, and {@code
 * -Dhsmkit.soak.seed=N} replays a run. {@code -Dhsmkit.soak.kills=N} (default 20) and {@code
 * -Dhsmkit.soak.maxSeconds=S} (default 120) bound it; the long profile raises both. IMPORT DKEK
 * SHARE is sent as the raw APDU through {@code opensc-tool}: {@code sc-hsm-tool
 * --import-dkek-share} sends the same APDU after a 10-million-round derivation (~17 s), which would
 * leave no time for kills.
 */
class KillSoakIT extends InteropTestBase {
  private static final String WRONG_PIN = "000000";
  private static final int MAX_TRIES = 3;
  private static final int DKEK_SHARES = 100; // sc-hsm-tool 0.23 keeps the count in a signed byte
  private static final int MAX_KEYS = 30;
  /** OpenSC 0.23's PKCS#11 layer fails C_GenerateKeyPair from the 64th key of a token on. */
  private static final int OPENSC_KEY_LIMIT = 63;
  private static final Duration OP_TIMEOUT = Duration.ofSeconds(30);
  private static final HexFormat HEX = HexFormat.of();

  /** What OpenSC did in one step, as seen from outside. */
  private enum Op { KEYGEN, WRONG_LOGIN, RIGHT_LOGIN, SIGN, IMPORT_SHARE }

  /** The card as the answered commands left it; {@code maybe*} when the last one got no answer. */
  private static final class Model {
    int tries = MAX_TRIES;
    final Set<Integer> possibleTries = new TreeSet<>(Set.of(MAX_TRIES));
    final List<byte[]> shares = new ArrayList<>(); // answered imports, in order
    byte[] maybeShare; // the import in flight at the kill
    final Map<String, byte[]> keys = new LinkedHashMap<>(); // id hex -> EC point from OpenSC
    int nextId = 1;
  }

  private final Map<String, Integer> counts = new LinkedHashMap<>();

  /** When this cycle's SIGKILL was sent (System.nanoTime), MAX_VALUE before. */
  private volatile long killNanos = Long.MAX_VALUE;

  @Test
  void serveSurvivesSigkillAtRandomMoments() throws Exception {
    long seed = Long.getLong("hsmkit.soak.seed", new Random().nextLong());
    int kills = Integer.getInteger("hsmkit.soak.kills", 20);
    long maxSeconds = Long.getLong("hsmkit.soak.maxSeconds", 120);
    System.err.println("[KillSoakIT] seed " + seed + " (replay: -Dhsmkit.soak.seed=" + seed
        + "), up to " + kills + " kills in " + maxSeconds + " s");
    Random rnd = new Random(seed);

    Tool.Result init = OpenSc.scHsmInitialize(SO_PIN, USER_PIN, "--dkek-shares",
        String.valueOf(DKEK_SHARES));
    assertThat(init.output()).as(init.describe()).doesNotContain("failed");
    Model model = new Model();
    checkCard(model, "after initialization");

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    int done = 0;
    while (done < kills && System.nanoTime() < deadline) {
      String where = "kill " + (done + 1) + " (seed " + seed + ")";
      killDuringOperations(model, rnd, where);
      done++;
      serial = harness.serve(stateDir);
      checkCard(model, "after " + where);
    }
    System.err.println("[KillSoakIT] " + done + " kills survived, seed " + seed + ", " + counts
        + ", keys " + model.keys.size() + ", shares " + model.shares.size());
    Summary.record("kill-soak", Map.of(
        "kills survived", done,
        "keys created and checked", counts.getOrDefault("answered: KEYGEN", 0),
        "dkek shares imported", model.shares.size(),
        "seed", seed));
    Summary.recordAll("kill-soak ops", counts);
    assertThat(done).as("kills within the time budget").isGreaterThanOrEqualTo(Math.min(kills, 8));
  }

  /**
   * Runs random OpenSC steps in the background and SIGKILLs the emulator after a random delay;
   * updates the model from the answers. Returns once the emulator is dead and the steps stopped.
   */
  private void killDuringOperations(Model m, Random rnd, String where) throws Exception {
    long pid = harness.servePid();
    String comm = Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
    assertThat(comm).as("the serve pid must be the JVM itself, not a wrapper").isEqualTo("java");
    long killAfterMillis = rnd.nextInt(2500);
    long opsSeed = rnd.nextLong();
    CompletableFuture<List<String>> steps =
        CompletableFuture.supplyAsync(() -> runSteps(m, new Random(opsSeed), where));
    Thread.sleep(killAfterMillis);
    ProcessHandle serve = ProcessHandle.of(pid).orElseThrow();
    killNanos = System.nanoTime();
    assertThat(serve.destroyForcibly()).as("SIGKILL sent to " + pid).isTrue();
    serve.onExit().get(10, TimeUnit.SECONDS);
    List<String> log = steps.get(2, TimeUnit.MINUTES);
    killNanos = Long.MAX_VALUE;
    counts.merge("steps", log.size(), Integer::sum);
  }

  /** Runs steps until one gets no answer (the card went away); asserts the answered ones. */
  private List<String> runSteps(Model m, Random rnd, String where) {
    List<String> log = new ArrayList<>();
    for (int i = 0; ; i++) { // until the kill cuts a step off
      Op op = pick(m, rnd);
      log.add(op.name());
      boolean answered = step(m, rnd, op, where + ", step " + i + " " + op);
      if (!answered) {
        counts.merge("in flight at kill: " + op, 1, Integer::sum);
        return log;
      }
      counts.merge("answered: " + op, 1, Integer::sum);
    }
  }

  private Op pick(Model m, Random rnd) {
    List<Op> ops = new ArrayList<>(List.of(Op.RIGHT_LOGIN, Op.IMPORT_SHARE));
    if (m.tries >= 2) {
      ops.add(Op.WRONG_LOGIN);
      ops.add(Op.WRONG_LOGIN);
    }
    ops.add(Op.KEYGEN); // checkCard keeps the card below MAX_KEYS
    if (!m.keys.isEmpty()) {
      ops.add(Op.SIGN);
    }
    if (m.shares.size() >= DKEK_SHARES) {
      ops.remove(Op.IMPORT_SHARE);
    }
    return ops.get(rnd.nextInt(ops.size()));
  }

  /**
   * One OpenSC step. Returns false when the card gave no answer (gone: the kill); then the model
   * records that the step may or may not have taken effect. An answered step must have succeeded
   * as it does on a healthy card.
   */
  private boolean step(Model m, Random rnd, Op op, String where) {
    switch (op) {
      case WRONG_LOGIN -> {
        Tool.Result r = pkcs11("--login", "--pin", WRONG_PIN, "--list-objects");
        if (r.output().contains("CKR_PIN_INCORRECT")) {
          m.tries--;
          m.possibleTries.clear();
          m.possibleTries.add(m.tries);
          return true;
        }
        assertGone(r, where);
        m.possibleTries.add(m.tries - 1); // the VERIFY may have reached the card
        return false;
      }
      case RIGHT_LOGIN, SIGN, KEYGEN -> {
        Tool.Result r;
        String id = null;
        if (op == Op.RIGHT_LOGIN) {
          r = pkcs11("--login", "--pin", USER_PIN, "--list-objects");
        } else if (op == Op.SIGN) {
          List<String> ids = new ArrayList<>(m.keys.keySet());
          String key = ids.get(rnd.nextInt(ids.size()));
          Path in = temp.resolve("hash.bin");
          Path out = temp.resolve("sig.bin");
          write(in, sha256(key));
          r = pkcs11("--login", "--pin", USER_PIN, "--sign", "-m", "ECDSA", "--id", key,
              "-i", in.toString(), "-o", out.toString());
        } else {
          id = String.format("%02x%02x", 0x50 + (m.nextId >> 8), m.nextId & 0xFF);
          m.nextId++;
          r = pkcs11("--login", "--pin", USER_PIN, "--keypairgen", "--key-type",
              rnd.nextInt(4) == 0 ? "EC:secp384r1" : "EC:prime256v1", "--id", id,
              "--label", "soak-" + id);
        }
        if (r.exit() == 0) {
          m.tries = MAX_TRIES;
          m.possibleTries.clear();
          m.possibleTries.add(MAX_TRIES);
          if (id != null) {
            assertThat(r.stdout()).as(where + "\n" + r.describe()).contains("Key pair generated");
            m.keys.put(id, ecPoint(r.stdout(), where));
          }
          return true;
        }
        assertGone(r, where);
        // The card counts a try durably before it compares (so a kill can never give one back),
        // and resets the counter after a match: a kill in between leaves one try fewer.
        m.possibleTries.add(m.tries - 1);
        m.possibleTries.add(MAX_TRIES);
        return false;
      }
      case IMPORT_SHARE -> {
        byte[] share = new byte[32];
        rnd.nextBytes(share);
        Tool.Result r = OpenSc.run("opensc-tool", "--reader", "0",
            "-s", "00:A4:04:0C:0B:E8:2B:06:01:04:01:81:C3:1F:02:01",
            "-s", "80:52:00:00:20:" + HEX.withDelimiter(":").formatHex(share));
        String out = r.output();
        int last = out.lastIndexOf("Received (SW1=");
        if (r.exit() == 0 && last >= 0 && out.indexOf("Sending: 80 52") >= 0
            && out.indexOf("Sending: 80 52") < last) {
          assertThat(out.substring(last)).as(where + "\n" + r.describe())
              .startsWith("Received (SW1=0x90, SW2=0x00)");
          m.shares.add(share);
          return true;
        }
        assertGone(r, where);
        m.maybeShare = share;
        return false;
      }
      default -> throw new AssertionError(op);
    }
  }

  /**
   * A step without an answer must have failed because the card went away, nothing else: it ended
   * after the kill was sent. (OpenSC reports a card pulled during C_Login as CKR_GENERAL_ERROR, so
   * the error text alone cannot tell.)
   */
  private void assertGone(Tool.Result r, String where) {
    assertThat(System.nanoTime()).as(where + ": failed before the kill\n" + r.describe())
        .isGreaterThan(killNanos);
    assertThat(r.exit()).as(where + ": no answer, but no failure either\n" + r.describe())
        .isNotZero();
    assertThat(r.output()).as(where + ": failed for another reason than the kill\n" + r.describe())
        .doesNotContain("CKR_PIN_INCORRECT", "CKR_PIN_LOCKED", "SW1=0x6");
  }

  /**
   * After a restart: the card opens, tries left and the DKEK are what the answers imply, and
   * every reported key is there with its public key and signs.
   */
  private void checkCard(Model m, String where) throws Exception {
    try (PcscTransport t = PcscTransport.open(Harness.READER);
        SmartCardHsmSession s = new SmartCardHsmSession(t)) {
      s.select();
      PinStatus pin = s.pinStatus(PinReference.USER);
      assertThat(pin.state()).as(where + ": " + pin)
          .isIn(PinStatus.State.NOT_VERIFIED, PinStatus.State.BLOCKED);
      assertThat(m.possibleTries).as(where + ": user PIN tries left (possible values)")
          .contains(pin.triesLeft());
      if (pin.state() == PinStatus.State.BLOCKED) {
        // A kill during a right VERIFY with one try left: the SO unblocks, as an operator would.
        s.resetRetryCounter(HEX.parseHex(SO_PIN), null);
        counts.merge("PIN blocked by a kill, unblocked by the SO", 1, Integer::sum);
      }

      DkekStatus dkek = s.dkekStatus().orElseThrow();
      int imported = DKEK_SHARES - dkek.outstanding();
      List<byte[]> expected = new ArrayList<>(m.shares);
      if (m.maybeShare != null && imported == m.shares.size() + 1) {
        expected.add(m.maybeShare);
      }
      assertThat(imported).as(where + ": DKEK shares imported").isEqualTo(expected.size());

      s.verifyPin(USER_PIN.getBytes(StandardCharsets.US_ASCII));
      // Shares imported without a PIN are sealed and folded at the next VERIFY (keys at rest):
      // after a restart the KCV is known only from then on.
      DkekStatus folded = s.dkekStatus().orElseThrow();
      assertThat(folded.outstanding()).as(where).isEqualTo(dkek.outstanding());
      assertThat(HEX.formatHex(folded.kcv())).as(where + ": KCV of exactly the imported shares")
          .isEqualTo(HEX.formatHex(kcv(expected)));
      m.shares.clear();
      m.shares.addAll(expected);
      m.maybeShare = null;

      m.tries = MAX_TRIES;
      m.possibleTries.clear();
      m.possibleTries.add(MAX_TRIES);

      KeyManager km = new KeyManager(s);
      KeyOperations ops = new KeyOperations(s);
      Map<String, KeyInfo> byId = new LinkedHashMap<>();
      for (KeyInfo k : km.list()) {
        if (k.id().length > 0) {
          KeyInfo before = byId.put(HEX.formatHex(k.id()), k);
          assertThat(before).as(where + ": two keys with id " + HEX.formatHex(k.id())).isNull();
        }
      }
      for (Map.Entry<String, byte[]> e : m.keys.entrySet()) {
        KeyInfo k = byId.get(e.getKey());
        assertThat(k).as(where + ": key " + e.getKey() + " that OpenSC reported created").isNotNull();
        assertThat(k.publicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(HEX.formatHex(KeyManager.ecPoint((ECPublicKey) k.publicKey())))
            .as(where + ": public key of " + e.getKey()).isEqualTo(HEX.formatHex(e.getValue()));
        byte[] msg = (where + e.getKey()).getBytes(StandardCharsets.UTF_8);
        byte[] sig = ops.sign(k, Mechanism.ECDSA_SHA256, msg);
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(k.publicKey());
        v.update(msg);
        assertThat(v.verify(sig)).as(where + ": signature of key " + e.getKey()).isTrue();
      }
      tidy(s, km, byId, m, where);
    }
  }

  /**
   * Keeps the card within what OpenSC 0.23 can handle ({@value #OPENSC_KEY_LIMIT} keys): removes
   * what torn key generations left (keys OpenSC never reported, descriptions and requests without
   * a key) and, from {@value #MAX_KEYS} reported keys on, the oldest one. Checked before removal.
   */
  private void tidy(SmartCardHsmSession s, KeyManager km, Map<String, KeyInfo> byId, Model m,
      String where) throws Exception {
    for (KeyInfo k : km.list()) {
      if (!m.keys.containsKey(HEX.formatHex(k.id()))) {
        km.delete(k.keyRef());
        counts.merge("unreported keys removed", 1, Integer::sum);
      }
    }
    Set<Integer> refs = km.keyRefs();
    for (int fid : s.enumerate()) {
      int prefix = fid >>> 8;
      if ((prefix == 0xC4 || prefix == 0xCE) && !refs.contains(fid & 0xFF)) {
        s.deleteFile(fid);
        counts.merge("orphan files removed", 1, Integer::sum);
      }
    }
    while (m.keys.size() >= MAX_KEYS) {
      String oldest = m.keys.keySet().iterator().next();
      km.delete(byId.get(oldest).keyRef());
      m.keys.remove(oldest);
      counts.merge("old keys deleted", 1, Integer::sum);
    }
    assertThat(km.keyRefs().size()).as(where).isLessThan(OPENSC_KEY_LIMIT);
  }

  /** The uncompressed point from pkcs11-tool's "EC_POINT:" line (a DER OCTET STRING). */
  private static byte[] ecPoint(String stdout, String where) {
    for (String line : stdout.split("\n")) {
      String t = line.strip();
      if (t.startsWith("EC_POINT:")) {
        byte[] der = HEX.parseHex(t.substring("EC_POINT:".length()).strip());
        int off = (der[1] & 0x80) == 0 ? 2 : 2 + (der[1] & 0x7F);
        return java.util.Arrays.copyOfRange(der, off, der.length);
      }
    }
    throw new AssertionError(where + ": no EC_POINT in\n" + stdout);
  }

  private static byte[] kcv(List<byte[]> shares) throws Exception {
    byte[] dkek = new byte[32];
    for (byte[] s : shares) {
      for (int i = 0; i < 32; i++) {
        dkek[i] ^= s[i];
      }
    }
    return java.util.Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(dkek), 8);
  }

  private static Tool.Result pkcs11(String... args) {
    List<String> argv = new ArrayList<>(List.of("pkcs11-tool", "--module", OpenSc.MODULE));
    argv.addAll(List.of(args));
    return Tool.run(argv, Map.of(), OP_TIMEOUT);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static void write(Path p, byte[] b) {
    try {
      Files.write(p, b);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
