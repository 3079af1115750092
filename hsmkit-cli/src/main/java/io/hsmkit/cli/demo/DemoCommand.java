package io.hsmkit.cli.demo;

import io.hsmkit.cli.dkek.DkekCommand;
import io.hsmkit.cli.support.CliContext;
import io.hsmkit.client.DkekStatus;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.IcPrincipal;
import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.backup.BackupManager;
import io.hsmkit.client.dkek.DkekShareFile;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeyOperations;
import io.hsmkit.client.keys.KeySpec;
import io.hsmkit.client.keys.Mechanism;
import io.hsmkit.client.token.TokenSpec;
import io.hsmkit.token.Token;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hsmkit demo}: the node-operator and backup runbooks end to end on two throw-away embedded
 * tokens — DKEK share, initialization, key 01, its Internet Computer principal, a signature checked
 * locally, a backup, and its restore onto a second device with the same DKEK, verified. Each step
 * prints the hsmkit command that does it on a real device.
 */
@Command(name = "demo", description = "Run the node-operator + backup story on throw-away emulated tokens.")
public final class DemoCommand implements Callable<Integer> {
  static final String SO_PIN = "3537363231383830";
  static final String PIN = "358138";

  @Spec CommandSpec spec;

  @Option(names = "--keep", description = "Keep the demo tokens and files in this new directory.")
  Path keep;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = (CliContext) spec.root().userObject();
    out = ctx.out();
    Path dir = keep != null ? keep : Files.createTempDirectory("hsmkit-demo");
    if (keep != null) {
      if (Files.exists(keep) && Files.list(keep).findAny().isPresent()) {
        throw io.hsmkit.cli.support.CliException.usage(keep + " is not empty");
      }
      io.hsmkit.client.PrivateFiles.createDirectories(keep);
    }
    try {
      run(dir, ctx);
      return 0;
    } finally {
      if (keep == null) {
        deleteTree(dir);
      }
    }
  }

  private void run(Path dir, CliContext ctx) throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] soPin = HexFormat.of().parseHex(SO_PIN);
    byte[] pin = PIN.getBytes(StandardCharsets.US_ASCII);

    step("1. Create a DKEK share (the backup key's first custodian)",
        "hsmkit dkek create dkek-share-1.pbe");
    byte[] share = new byte[32];
    random.nextBytes(share);
    byte[] password = "demo-password".getBytes(StandardCharsets.US_ASCII);
    byte[] salt = new byte[8];
    random.nextBytes(salt);
    Path pbe = dir.resolve("dkek-share-1.pbe");
    io.hsmkit.client.PrivateFiles.writeNew(pbe, DkekShareFile.encrypt(share, password, salt, DkekCommand.progressFor(ctx.err())));
    out.printf("   wrote %s%n", pbe.getFileName());

    Path backup = dir.resolve("backup");
    String principal;
    byte[] spki;
    TokenSpec first = new TokenSpec(TokenSpec.Kind.EMULATED, dir.resolve("hsm-a").toString());
    TokenSpec second = new TokenSpec(TokenSpec.Kind.EMULATED, dir.resolve("hsm-b").toString());
    try (Token a = Token.open(first)) {
      SmartCardHsmSession s = a.session();
      step("2. Initialize the HSM with one DKEK share (here the emulated token " + first.value()
              + "; a real one is --token pcsc)",
          "export HSMKIT_TOKEN=" + first + "; hsmkit init --so-pin " + SO_PIN + " --pin " + PIN
              + " --dkek-shares 1");
      s.initialize(new InitializeRequest(soPin, pin, 0x0001, 3, 1));
      step("3. Import the share (password-protected file)", "hsmkit dkek import dkek-share-1.pbe");
      byte[] decrypted = DkekShareFile.decrypt(Files.readAllBytes(pbe), password,
          DkekCommand.progressFor(ctx.err()));
      DkekStatus dkek = s.importDkekShare(decrypted);
      out.printf("   DKEK key check value : %s%n", dkek.kcvHex());
      step("4. Generate the node operator key", "hsmkit keys generate --type ec:prime256v1 --id 01 --label node-operator");
      s.verifyPin(pin);
      KeyInfo key = new KeyManager(s).generate(KeySpec.parse("ec:prime256v1"), new byte[] {1}, "node-operator");
      spki = key.publicKey().getEncoded();
      out.printf("   key ref %d, id %s, %s%n", key.keyRef(), key.idHex(), key.algorithm());
      step("5. Its Internet Computer principal (what dfx identity get-principal prints)",
          "hsmkit principal --key-id 01");
      principal = IcPrincipal.ofPublicKey(spki);
      out.printf("   %s%n", principal);
      step("6. Sign on the HSM, verify on the host", "hsmkit sign --id 01 --mechanism ecdsa-sha256 --in msg --out sig");
      byte[] msg = "hsmkit demo".getBytes(StandardCharsets.US_ASCII);
      byte[] sig = new KeyOperations(s).sign(key, Mechanism.ECDSA_SHA256, msg);
      out.printf("   signature verifies: %s%n", verify(key.publicKey(), msg, sig));
      step("7. Back up every key under the DKEK", "hsmkit backup backup/");
      BackupManager.Manifest m = new BackupManager(s).backup(backup);
      out.printf("   %d key(s), manifest with KCV %s%n", m.keys().size(), m.kcv());
      if (!java.util.Arrays.equals(decrypted, share)) {
        throw new HsmException("the share file did not give back the share", null);
      }
      java.util.Arrays.fill(decrypted, (byte) 0);
    }
    try (Token b = Token.open(second)) {
      SmartCardHsmSession s = b.session();
      step("8. A replacement HSM (the emulated token " + second.value()
              + "): initialize it and import the same share",
          "export HSMKIT_TOKEN=" + second + "; hsmkit init --so-pin " + SO_PIN + " --pin " + PIN
              + " --dkek-shares 1 && hsmkit dkek import dkek-share-1.pbe");
      s.initialize(new InitializeRequest(soPin, pin, 0x0001, 3, 1));
      out.printf("   DKEK key check value : %s (same DKEK)%n", s.importDkekShare(share).kcvHex());
      step("9. Restore and prove each key signs for its recorded public key", "hsmkit restore backup/ --verify");
      s.verifyPin(pin);
      new BackupManager(s).restore(backup, false, true);
      KeyInfo restored = new KeyManager(s).findById(new byte[] {1}).orElseThrow();
      String again = IcPrincipal.ofPublicKey(restored.publicKey().getEncoded());
      out.printf("   restored key 01, principal %s%n", again);
      if (!again.equals(principal)) {
        throw new HsmException("the restored key has a different principal", null);
      }
    }
    java.util.Arrays.fill(share, (byte) 0);
    out.println();
    out.println("Done: the key, its principal and its backup survived the move to a new device.");
    if (keep != null) {
      out.println("Tokens and files kept in " + dir + " (try: hsmkit --token emulated:" + dir.resolve("hsm-b") + " keys list)");
    }
    out.flush();
  }

  private void step(String what, String command) {
    out.println(what);
    out.println("   $ " + command);
    out.flush();
  }

  static boolean verify(java.security.PublicKey pub, byte[] msg, byte[] sig) throws Exception {
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(pub);
    v.update(msg);
    return v.verify(sig);
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
