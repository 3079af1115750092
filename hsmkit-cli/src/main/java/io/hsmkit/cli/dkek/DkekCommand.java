package io.hsmkit.cli.dkek;

import io.hsmkit.cli.support.CliContext;
import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.client.DkekStatus;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.dkek.DkekShareFile;
import io.hsmkit.client.dkek.PasswordShares;
import io.hsmkit.token.Token;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hsmkit dkek create | import | kcv}: DKEK share files ({@code .pbe}) and m-of-n password
 * shares, interchangeable with {@code sc-hsm-tool --create-dkek-share / --import-dkek-share}.
 */
@Command(name = "dkek", description = "Create and import DKEK shares (sc-hsm-tool compatible).",
    subcommands = {DkekCommand.Create.class, DkekCommand.Import.class, DkekCommand.Kcv.class})
public final class DkekCommand {
  static final String PASSWORD_ENV = "HSMKIT_DKEK_PASSWORD";

  /** Shows the 10-million-round derivation's progress on stderr. */
  public static IntConsumer progressFor(PrintWriter err) {
    return progress(err);
  }

  static IntConsumer progress(PrintWriter err) {
    if (System.console() == null) {
      // not a terminal: one line, no carriage-return animation in logs
      boolean[] said = {false};
      return p -> {
        if (!said[0]) {
          err.println("hsmkit: deriving the share key (10,000,000 MD5 rounds)...");
          err.flush();
          said[0] = true;
        }
      };
    }
    int[] last = {-1};
    return p -> {
      if (p / 10 != last[0] / 10 || p == 100) {
        if (p != last[0]) {
          err.print("\rhsmkit: deriving the share key (10,000,000 MD5 rounds)... " + p + "%");
          if (p == 100) {
            err.println();
          }
          err.flush();
          last[0] = p;
        }
      }
    };
  }

  static String kcvHex(byte[] share) {
    return HexFormat.of().withUpperCase().formatHex(DkekShareFile.kcv(share));
  }

  @Command(name = "create", description = "Create a DKEK share file, protected by a password or by m-of-n password shares.")
  public static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "New share file (e.g. dkek-share-1.pbe).")
    Path file;

    @Option(names = "--password", description = "Share password, at least 6 characters (else " + PASSWORD_ENV + " or prompt).")
    String password;

    @Option(names = "--threshold", description = "m-of-n: shares needed to recreate the password (>= 2).")
    Integer threshold;

    @Option(names = "--shares", description = "m-of-n: total number of password shares (>= 3).")
    Integer shares;

    @Option(names = "--share-dir", description = "m-of-n: write each share to DIR/share-<id>.txt (mode 0600, DIR 0700) instead of showing it.")
    Path shareDir;

    @Override
    public Integer call() throws IOException {
      CliContext ctx = (CliContext) spec.root().userObject();
      if ((threshold == null) != (shares == null)) {
        throw CliException.usage("give both --threshold and --shares for m-of-n password shares");
      }
      if (threshold != null && (threshold < 2 || shares < 3 || threshold > shares || shares > 255)) {
        throw CliException.usage("need 2 <= --threshold <= --shares and --shares >= 3");
      }
      if (Files.exists(file)) {
        throw CliException.usage(file + " exists; a share file is never overwritten");
      }
      if (shareDir != null && threshold == null) {
        throw CliException.usage("--share-dir goes with --threshold and --shares");
      }
      if (shareDir != null && Files.isDirectory(shareDir)) {
        try (var entries = Files.list(shareDir)) {
          if (entries.findAny().isPresent()) {
            throw CliException.usage(shareDir + " is not empty; give a new directory for the shares");
          }
        }
      }
      SecureRandom random = new SecureRandom();
      byte[] pwd;
      PasswordShares.Split split = null;
      if (threshold != null) {
        split = PasswordShares.split(threshold, shares, random);
        pwd = split.password();
      } else {
        pwd = ctx.secrets().getNew(password, PASSWORD_ENV, "DKEK share password", "--password");
        if (pwd.length < 6) {
          Arrays.fill(pwd, (byte) 0);
          throw CliException.usage("the share password must have at least 6 characters");
        }
      }
      byte[] share = new byte[DkekShareFile.SHARE_LENGTH];
      byte[] salt = new byte[8];
      random.nextBytes(share);
      random.nextBytes(salt);
      try {
        byte[] pbe = DkekShareFile.encrypt(share, pwd, salt, progress(ctx.err()));
        io.hsmkit.client.PrivateFiles.writeNew(file, pbe);
        ctx.out().printf("DKEK share written to %s; KCV if it is the only share: %s%n", file, kcvHex(share));
        if (split != null) {
          handOut(ctx, split);
        }
        return 0;
      } finally {
        Arrays.fill(share, (byte) 0);
        Arrays.fill(pwd, (byte) 0);
      }
    }

    static final String CLEAR = "\033[H\033[2J\033[3J";

    /**
     * Hands out the password shares: with {@code --share-dir} each into its own 0600 file in a
     * 0700 directory, printing none; on a terminal one custodian at a time, each shown after Enter
     * and cleared after the next, as sc-hsm-tool does; otherwise (a script) all on standard output.
     */
    private void handOut(CliContext ctx, PasswordShares.Split split) throws IOException {
      PrintWriter out = ctx.out();
      List<String> texts = new ArrayList<>();
      for (PasswordShares.Share s : split.shares()) {
        texts.add(String.format("Share %d of %d (any %d recreate the password)%nPrime       : %s%n"
                + "Share ID    : %d%nShare value : %s%n",
            s.id(), shares, threshold, PasswordShares.format(split.prime()), s.id(),
            PasswordShares.format(s.value())));
      }
      String intro = String.format("The password is split into %d shares; any %d recreate it.", shares, threshold);
      if (shareDir != null) {
        io.hsmkit.client.PrivateFiles.createDirectories(shareDir);
        java.nio.file.Files.setPosixFilePermissions(shareDir, io.hsmkit.client.PrivateFiles.DIR);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
          String name = "share-" + split.shares().get(i).id() + ".txt";
          io.hsmkit.client.PrivateFiles.writeNew(shareDir.resolve(name),
              texts.get(i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          names.add(name);
        }
        out.printf("%s Each is in its own file (mode 0600) in %s: %s. Give each custodian one"
            + " file and delete it here.%n", intro, shareDir, String.join(", ", names));
        return;
      }
      var terminal = ctx.secrets().terminal();
      if (terminal.isEmpty()) {
        ctx.err().println("hsmkit: warning: no terminal, so every share goes to standard output;"
            + " use --share-dir DIR to keep them apart");
        out.println(intro + " Give each custodian one.");
        texts.forEach(out::print);
        return;
      }
      var t = terminal.get();
      PrintWriter w = t.writer();
      for (int i = 0; i < texts.size(); i++) {
        w.print(CLEAR);
        w.printf("%s%nCustodian %d of %d: only custodian %d should see the screen now.%n",
            intro, i + 1, texts.size(), i + 1);
        w.flush();
        if (t.readLine("Press Enter to show share " + (i + 1) + "... ") == null) {
          throw abandoned();
        }
        w.print(texts.get(i));
        w.flush();
        if (t.readLine("Write it down, then press Enter to clear the screen... ") == null) {
          w.print(CLEAR);
          w.flush();
          throw abandoned();
        }
        w.print(CLEAR);
        w.flush();
      }
      out.println(intro + " Each custodian was shown one.");
    }

    private CliException abandoned() throws IOException {
      Files.deleteIfExists(file); // without every share the password, and so the file, is lost
      return CliException.usage("share hand-out abandoned; " + file + " was deleted, run dkek create again");
    }
  }

  /** A password share as a custodian noted it, and the file it came from. */
  record Noted(Path file, BigInteger prime, PasswordShares.Share share, Integer threshold) {}

  private static final Pattern THRESHOLD = Pattern.compile("any (\\d+) recreate the password");

  /**
   * Parses a share as printed by create (or noted from sc-hsm-tool); hsmkit's shares also say how
   * many recreate the password.
   */
  static Noted readShare(Path f) throws IOException {
    String t = Files.readString(f);
    Matcher p = Pattern.compile("Prime\\s*:\\s*([0-9a-fA-F: ]+)").matcher(t);
    Matcher id = Pattern.compile("Share ID\\s*:\\s*(\\d+)").matcher(t);
    Matcher v = Pattern.compile("Share value\\s*:\\s*([0-9a-fA-F: ]+)").matcher(t);
    if (!p.find() || !id.find() || !v.find()) {
      throw CliException.usage(f + " is not a password share (Prime, Share ID, Share value)");
    }
    Matcher th = THRESHOLD.matcher(t);
    try {
      return new Noted(f, PasswordShares.parse(p.group(1).trim()),
          new PasswordShares.Share(Integer.parseInt(id.group(1)),
              PasswordShares.parse(v.group(1).trim())),
          th.find() ? Integer.valueOf(th.group(1)) : null);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(f + ": " + e.getMessage());
    }
  }

  /**
   * Checks the shares belong together before they are combined, naming the odd file: the prime
   * most of them have is the right one; the same share twice; fewer shares than they say are
   * needed.
   */
  static void checkTogether(List<Noted> noted) {
    java.util.Map<BigInteger, List<Path>> byPrime = new java.util.LinkedHashMap<>();
    for (Noted n : noted) {
      byPrime.computeIfAbsent(n.prime(), k -> new ArrayList<>()).add(n.file());
    }
    if (byPrime.size() > 1) {
      List<List<Path>> groups = new ArrayList<>(byPrime.values());
      groups.sort((a, b) -> b.size() - a.size());
      if (groups.get(0).size() > groups.get(1).size()) {
        List<Path> odd = new ArrayList<>();
        groups.subList(1, groups.size()).forEach(odd::addAll);
        throw CliException.usage(names(odd) + (odd.size() == 1 ? " has" : " have")
            + " another prime than " + names(groups.get(0)) + ": a share of another split (another"
            + " share file); give the shares of this file's custodians");
      }
      throw CliException.usage("the password shares have different primes ("
          + String.join(" vs ", groups.stream().map(DkekCommand::names).toList())
          + "): they come from different splits; give the shares of this file's custodians");
    }
    java.util.Map<Integer, List<Path>> byId = new java.util.LinkedHashMap<>();
    for (Noted n : noted) {
      byId.computeIfAbsent(n.share().id(), k -> new ArrayList<>()).add(n.file());
    }
    for (var e : byId.entrySet()) {
      if (e.getValue().size() > 1) {
        throw CliException.usage(names(e.getValue()) + " are the same share (Share ID "
            + e.getKey() + "); give shares of different custodians");
      }
    }
    int need = noted.stream().map(Noted::threshold).filter(java.util.Objects::nonNull)
        .mapToInt(Integer::intValue).max().orElse(0);
    if (noted.size() < need) {
      throw CliException.usage("the password shares say any " + need + " recreate the password, but "
          + noted.size() + " " + (noted.size() == 1 ? "was" : "were") + " given (" + names(files(noted))
          + "); give " + (need - noted.size()) + " more with --share-file");
    }
  }

  static List<Path> files(List<Noted> noted) {
    return noted.stream().map(Noted::file).toList();
  }

  static String names(List<Path> files) {
    return String.join(", ", files.stream().map(Path::toString).toList());
  }

  @Command(name = "import", description = "Import a DKEK share file into the device (no PIN needed).")
  public static final class Import extends TokenCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "Share file (.pbe).")
    Path file;

    @Option(names = "--password", description = "Share password (else " + PASSWORD_ENV + " or prompt).")
    String password;

    @Option(names = "--shares", description = "m-of-n: number of password shares to enter (the threshold).")
    Integer shares;

    @Option(names = "--share-file", description = "m-of-n: a password share file (repeat for each share).")
    List<Path> shareFiles = new ArrayList<>();

    byte[] pbe;

    @Override
    protected void validate() {
      try {
        pbe = Files.readAllBytes(file);
        DkekShareFile.checkFormat(pbe);
      } catch (IOException e) {
        throw CliException.usage("cannot read " + file + ": " + e.getMessage());
      } catch (DkekShareFile.BadShareFileException e) {
        throw CliException.usage(file + ": " + e.getMessage());
      }
      if (shares != null && shares < 2) {
        throw CliException.usage("--shares must be at least 2");
      }
      if (!shareFiles.isEmpty() && shares != null && shareFiles.size() != shares) {
        throw CliException.usage("--shares " + shares + " but " + shareFiles.size() + " --share-file given");
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      DkekStatus before = s.dkekStatus().orElseThrow(() -> new CliException(CliException.REFUSED,
          "the device was initialized without DKEK shares (hsmkit init --dkek-shares N)"));
      if (before.outstanding() == 0) {
        throw new CliException(CliException.REFUSED, "the device's DKEK is complete (KCV "
            + before.kcvHex() + "); no more shares can be imported");
      }
      byte[] pwd = password();
      byte[] share;
      try {
        share = decrypt(pwd);
      } finally {
        Arrays.fill(pwd, (byte) 0);
      }
      DkekStatus after;
      ImportedShares record = new ImportedShares(io.hsmkit.client.token.TokenSpec.home(ctx().env()));
      try {
        refuseDegenerate(before, share);
        String serial = new io.hsmkit.client.keys.KeyManager(s).serial();
        boolean firstOfSet = before.outstanding() == before.totalShares();
        if (!firstOfSet && record.seen(serial, share)) {
          throw new CliException(CliException.REFUSED, "this share was imported into device "
              + serial + " already (host record " + record.file() + "); a second import would"
              + " cancel it out of the DKEK. Import each custodian's own share");
        }
        after = s.importDkekShare(share);
        try {
          record.record(serial, share, firstOfSet);
        } catch (IOException e) {
          ctx().err().println("hsmkit: warning: cannot update the host record " + record.file()
              + " of imported shares (" + e.getMessage() + "); a repeated share will not be"
              + " recognised on this device");
        }
      } finally {
        Arrays.fill(share, (byte) 0);
      }
      if (after.degenerate()) {
        throw new CliException(CliException.REFUSED, "the DKEK is now all zeros (KCV "
            + DkekStatus.ZERO_DKEK_KCV + "): a share was imported twice; anyone can read what it"
            + " wraps. Re-initialize the device (hsmkit init --force) and import each share once");
      }
      PrintWriter out = ctx().out();
      out.println("DKEK share imported");
      out.printf("DKEK shares          : %d%n", after.totalShares());
      if (after.complete()) {
        out.printf("DKEK key check value : %s%n", after.kcvText());
      } else {
        out.printf("DKEK import pending, %d share(s) still missing%n", after.outstanding());
      }
      return 0;
    }

    /**
     * What the host can tell before a real chip XORs a share in (it refuses nothing): an all-zero
     * share, and a share equal to the accumulator imported so far, whose KCV the chip reports
     * (with two shares: the same file twice), since the XOR would then be all zero.
     */
    static void refuseDegenerate(DkekStatus before, byte[] share) {
      int acc = 0;
      for (byte b : share) {
        acc |= b;
      }
      if (acc == 0) {
        throw new CliException(CliException.REFUSED,
            "the share is all zeros; it would add nothing to the DKEK. Create a new share file");
      }
      boolean someImported = before.totalShares() - before.outstanding() > 0;
      if (someImported && before.kcvKnown()
          && java.security.MessageDigest.isEqual(before.kcv(), DkekShareFile.kcv(share))) {
        throw new CliException(CliException.REFUSED, "this share equals the DKEK imported so far"
            + " (KCV " + before.kcvHex() + "): importing it would make the DKEK all zeros. Was it"
            + " imported already? Import each custodian's own share");
      }
      if (someImported && before.degenerate()) {
        throw new CliException(CliException.REFUSED, "the shares imported so far cancel to an"
            + " all-zero DKEK (KCV " + DkekStatus.ZERO_DKEK_KCV + "); re-initialize the device");
      }
    }

    /**
     * Decrypts the share. sc-hsm-tool encrypts an m-of-n share file with all 8 password bytes but
     * rebuilds the password without a leading zero byte (OpenSSL's BN_bn2bin), so about one file
     * in 128 never imports there; hsmkit tries the 8-byte form when the short one fails.
     */
    private byte[] decrypt(byte[] pwd) {
      try {
        return DkekShareFile.decrypt(pbe, pwd, progress(ctx().err()));
      } catch (DkekShareFile.BadShareFileException e) {
        boolean mofn = shares != null || !shareFiles.isEmpty();
        if (mofn && pwd.length < 8) {
          byte[] padded = new byte[8];
          System.arraycopy(pwd, 0, padded, 8 - pwd.length, pwd.length);
          try {
            return DkekShareFile.decrypt(pbe, padded, progress(ctx().err()));
          } catch (DkekShareFile.BadShareFileException again) {
            // fall through to the original error
          } finally {
            Arrays.fill(padded, (byte) 0);
          }
        }
        if (mofn) {
          throw new CliException(CliException.REFUSED, "the " + shareFiles.size()
              + " password shares given (" + names(shareFiles) + ") do not give the password of "
              + file + ": fewer shares than the threshold set when it was made, a mistyped share"
              + " value, or shares of another share file; nothing was imported");
        }
        throw new CliException(CliException.REFUSED, e.getMessage());
      }
    }

    private byte[] password() throws IOException {
      boolean mofn = shares != null || !shareFiles.isEmpty();
      if (!mofn) {
        return ctx().secrets().get(password, PASSWORD_ENV, "DKEK share password", "--password");
      }
      if (shareFiles.isEmpty()) {
        throw CliException.usage("give the password shares with --share-file (one per custodian)");
      }
      List<Noted> noted = new ArrayList<>();
      for (Path f : shareFiles) {
        noted.add(readShare(f));
      }
      checkTogether(noted);
      try {
        return PasswordShares.combine(noted.get(0).prime(),
            noted.stream().map(Noted::share).toList());
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw CliException.usage("the password shares do not combine: " + e.getMessage());
      }
    }
  }

  @Command(name = "kcv", description = "Show the KCV a share file gives (as the only share) before it touches a card.")
  public static final class Kcv implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Share file (.pbe).")
    Path file;

    @Option(names = "--password", description = "Share password (else " + PASSWORD_ENV + " or prompt).")
    String password;

    @Override
    public Integer call() throws IOException {
      CliContext ctx = (CliContext) spec.root().userObject();
      byte[] pbe = Files.readAllBytes(file);
      byte[] pwd = ctx.secrets().get(password, PASSWORD_ENV, "DKEK share password", "--password");
      try {
        byte[] share = DkekShareFile.decrypt(pbe, pwd, progress(ctx.err()));
        ctx.out().printf("DKEK key check value : %s%n", kcvHex(share));
        Arrays.fill(share, (byte) 0);
        return 0;
      } catch (DkekShareFile.BadShareFileException e) {
        throw new CliException(CliException.REFUSED, e.getMessage());
      } finally {
        Arrays.fill(pwd, (byte) 0);
      }
    }
  }
}
