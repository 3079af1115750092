package io.hsmkit.cli.dkek;

import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.Confirm;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.cli.support.UserPinOption;
import io.hsmkit.client.DkekStatus;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.dkek.DkekShareFile;
import io.hsmkit.token.Token;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit domain create | import | status | delete}: key domains (docs/protocol.md#key-domains),
 * each with its own DKEK made of shares. Domain 0 is the device's DKEK ({@code hsmkit dkek}); the
 * slots are made by {@code hsmkit init --key-domains N}.
 */
@Command(name = "domain", description = "Manage key domains: DKEKs of their own in slots made by init --key-domains.",
    subcommands = {DomainCommand.Create.class, DomainCommand.Import.class,
        DomainCommand.Status.class, DomainCommand.Delete.class})
public final class DomainCommand {
  private DomainCommand() {}

  static void checkDomain(int d) {
    if (d < 0 || d > 254) {
      throw CliException.usage("--domain must be between 0 and 254");
    }
  }

  static void print(PrintWriter out, int d, DkekStatus st) {
    out.printf("Key domain %d%n", d);
    out.printf("DKEK shares          : %d%n", st.totalShares());
    if (st.complete()) {
      out.printf("DKEK key check value : %s%n", st.kcvText());
    } else {
      out.printf("DKEK import pending, %d share(s) still missing%n", st.outstanding());
    }
  }

  @Command(name = "create", description = "Create a DKEK key domain of K shares in slot N.")
  public static final class Create extends TokenCommand {
    @Option(names = "--domain", required = true, description = "Key-domain slot (0 only on a device without DKEK).")
    int domain;

    @Option(names = "--shares", required = true, description = "Number of DKEK shares (1-255).")
    int shares;

    @Mixin UserPinOption pin;

    @Override
    protected void validate() {
      checkDomain(domain);
      if (shares < 1 || shares > 255) {
        throw CliException.usage("--shares must be between 1 and 255");
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      pin.login(ctx(), s);
      DkekStatus st = s.createDomain(domain, shares);
      ctx().out().printf("Key domain %d created; import %d share%s now (hsmkit domain import --domain %d).%n",
          domain, st.totalShares(), st.totalShares() == 1 ? "" : "s", domain);
      return 0;
    }
  }

  @Command(name = "import", description = "Import a DKEK share file into key domain N (password from "
      + DkekCommand.PASSWORD_ENV + " or a prompt).")
  public static final class Import extends TokenCommand {
    @Option(names = "--domain", required = true, description = "Key domain.")
    int domain;

    @Option(names = "--share-file", required = true, description = "Share file (.pbe, from hsmkit dkek create or sc-hsm-tool).")
    Path file;

    @Mixin UserPinOption pin;

    byte[] pbe;

    @Override
    protected void validate() {
      checkDomain(domain);
      try {
        pbe = Files.readAllBytes(file);
        DkekShareFile.checkFormat(pbe);
      } catch (IOException e) {
        throw CliException.usage("cannot read " + file + ": " + e.getMessage());
      } catch (DkekShareFile.BadShareFileException e) {
        throw CliException.usage(file + ": " + e.getMessage());
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      DkekStatus before = s.domainStatus(domain).orElseThrow(() -> new CliException(
          CliException.REFUSED, "there is no key domain " + domain + " (hsmkit domain create)"));
      if (before.outstanding() == 0) {
        throw new CliException(CliException.REFUSED, "key domain " + domain + " is complete (KCV "
            + before.kcvHex() + "); no more shares can be imported");
      }
      byte[] pwd = ctx().secrets().optional(null, DkekCommand.PASSWORD_ENV);
      if (pwd == null) {
        if (ctx().secrets().terminal().isEmpty()) {
          throw CliException.usage("DKEK share password needed: set " + DkekCommand.PASSWORD_ENV
              + " or run on a terminal (it is never taken from the command line)");
        }
        pwd = ctx().secrets().get(null, DkekCommand.PASSWORD_ENV, "DKEK share password", "a terminal");
      }
      byte[] share;
      try {
        share = DkekShareFile.decrypt(pbe, pwd, DkekCommand.progress(ctx().err()));
      } catch (DkekShareFile.BadShareFileException e) {
        throw new CliException(CliException.REFUSED, e.getMessage());
      } finally {
        Arrays.fill(pwd, (byte) 0);
      }
      DkekStatus after;
      try {
        DkekCommand.Import.refuseDegenerate(before, share);
        if (domain != 0) {
          pin.login(ctx(), s); // hsmkit's card seals a share into a domain above 0 at once
        }
        after = s.importDomainShare(domain, share);
      } finally {
        Arrays.fill(share, (byte) 0);
      }
      ctx().out().println("DKEK share imported");
      print(ctx().out(), domain, after);
      return 0;
    }
  }

  @Command(name = "status", description = "Show the key domains (or one) with shares and KCV.")
  public static final class Status extends TokenCommand {
    @Option(names = "--domain", description = "Only this key domain.")
    Integer domain;

    @Override
    protected void validate() {
      if (domain != null) {
        checkDomain(domain);
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      PrintWriter out = ctx().out();
      if (domain != null) {
        Optional<DkekStatus> st = s.domainStatus(domain);
        if (st.isEmpty()) {
          out.printf("Key domain %d: empty%n", domain);
        } else {
          print(out, domain, st.get());
        }
        return 0;
      }
      for (int d = 0; d < 255; d++) {
        Optional<DkekStatus> st;
        try {
          st = s.domainStatus(d);
        } catch (HsmException e) {
          if (e.sw() != null && e.sw().value() == 0x6A86) {
            break; // past the last slot
          }
          throw e;
        }
        if (st.isEmpty()) {
          out.printf("Key domain %d: empty%n", d);
        } else {
          print(out, d, st.get());
        }
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete key domain N (refused while keys belong to it).")
  public static final class Delete extends TokenCommand {
    @Option(names = "--domain", required = true, description = "Key domain.")
    int domain;

    @Option(names = "--force", description = "Delete without asking (needed without a terminal).")
    boolean force;

    @Mixin UserPinOption pin;

    @Override
    protected void validate() {
      checkDomain(domain);
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      DkekStatus st = s.domainStatus(domain).orElseThrow(() -> new CliException(
          CliException.REFUSED, "there is no key domain " + domain));
      Confirm.require(ctx(), force, "this deletes key domain " + domain + " and its KEK"
          + (st.complete() ? " (KCV " + st.kcvHex() + ")" : "")
          + "; backups wrapped under it restore only where the same shares are imported", "yes");
      pin.login(ctx(), s);
      s.deleteDomain(domain);
      ctx().out().printf("Deleted key domain %d.%n", domain);
      return 0;
    }
  }
}
