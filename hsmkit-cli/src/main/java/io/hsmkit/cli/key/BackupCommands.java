package io.hsmkit.cli.key;

import io.hsmkit.apdu.TlvException;
import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.cli.support.UserPinOption;
import io.hsmkit.token.Token;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.backup.BackupManager;
import io.hsmkit.client.backup.WrapFile;
import io.hsmkit.client.keys.KeyManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit wrap | unwrap | backup | restore}: key backup under the DKEK. */
public final class BackupCommands {
  private BackupCommands() {}

  static void checkRef(int ref) {
    if (ref < 1 || ref > 255) {
      throw CliException.usage("--key-ref must be between 1 and 255");
    }
  }

  /** The PKCS#11 id in a wrap file's key description, or null when it has none. */
  static byte[] idOf(WrapFile w, Path file) {
    if (w.prkd() == null) {
      return null;
    }
    try {
      return io.hsmkit.client.keys.SecretKeyDescription.isSecretKeyDescription(w.prkd())
          ? io.hsmkit.client.keys.SecretKeyDescription.decode(w.prkd()).id()
          : io.hsmkit.client.keys.PrivateKeyDescription.decode(w.prkd()).id();
    } catch (IOException e) {
      throw CliException.usage(file + ": its key description is damaged (" + e.getMessage() + ")");
    }
  }

  @Command(name = "wrap",
      description = "Export one key encrypted under the DKEK (file compatible with sc-hsm-tool --wrap-key).")
  public static final class Wrap extends TokenCommand {
    @Option(names = "--key-ref", required = true, description = "Key reference (see hsmkit keys list).")
    int keyRef;

    @Parameters(index = "0", paramLabel = "FILE", description = "Output file.")
    Path file;

    @Mixin UserPinOption pin;

    @Override
    protected void validate() {
      checkRef(keyRef);
      if (Files.exists(file)) {
        throw CliException.usage(file + " exists; choose a new file name");
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      pin.login(ctx(), s);
      if (new KeyManager(s).findByRef(keyRef).isEmpty()) {
        throw new CliException(CliException.REFUSED, "no key with key reference " + keyRef);
      }
      byte[] wrapped = new BackupManager(s).wrap(keyRef).encode();
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      io.hsmkit.client.PrivateFiles.writeNew(tmp, wrapped);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      ctx().out().printf("Key ref %d wrapped into %s.%n", keyRef, file);
      return 0;
    }
  }

  @Command(name = "unwrap",
      description = "Import a wrapped key (file from hsmkit wrap or sc-hsm-tool --wrap-key).")
  public static final class Unwrap extends TokenCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "Wrapped key file.")
    Path file;

    @Option(names = "--key-ref", required = true, description = "Key reference to import into (1-255).")
    int keyRef;

    @Option(names = "--force", description = "Replace a key, description or certificate already at that reference.")
    boolean force;

    @Option(names = "--domain", description = "Key domain the file must belong to (its KCV is that domain's); the card files the key there.")
    Integer domain;

    @Mixin UserPinOption pin;

    WrapFile wrap;

    @Override
    protected void validate() {
      checkRef(keyRef);
      try {
        wrap = WrapFile.decode(Files.readAllBytes(file));
      } catch (IOException e) {
        throw CliException.usage("cannot read " + file + ": " + e.getMessage());
      } catch (TlvException e) {
        throw CliException.usage(file + ": " + e.getMessage());
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      pin.login(ctx(), s);
      boolean occupied = new KeyManager(s).keyRefs().contains(keyRef)
          || s.readFile(0xC400 | keyRef).isPresent() || s.readFile(0xCE00 | keyRef).isPresent();
      if (occupied && !force) {
        throw new CliException(CliException.REFUSED, "key reference " + keyRef
            + " is in use; choose a free one (hsmkit keys list) or add --force to replace it");
      }
      KeysCommand.refuseDuplicateId(new KeyManager(s), idOf(wrap, file), keyRef,
          java.util.Set.of(), file.toString());
      if (domain != null) {
        var dom = s.domainStatus(domain);
        if (dom.isEmpty() || !dom.get().complete()) {
          throw new CliException(CliException.REFUSED, "key domain " + domain + " of this device"
              + " has no complete KEK (hsmkit domain status)");
        }
        if (!dom.get().kcvHex().equalsIgnoreCase(wrap.blobKcvHex())) {
          throw new CliException(CliException.REFUSED, file + " was wrapped under the KEK with KCV "
              + wrap.blobKcvHex() + "; key domain " + domain + " has KCV " + dom.get().kcvHex());
        }
      }
      var dkek = domain == null ? s.dkekStatus() : s.domainStatus(domain);
      if (dkek.isPresent() && dkek.get().complete() && dkek.get().kcvKnown()
          && !dkek.get().kcvHex().equalsIgnoreCase(wrap.blobKcvHex())) {
        throw new CliException(CliException.REFUSED, file + " was wrapped under the DKEK with KCV "
            + wrap.blobKcvHex() + "; this device's DKEK has KCV " + dkek.get().kcvHex()
            + ". Import the shares of that DKEK (or unwrap on the device that has it)");
      }
      BackupManager bm = new BackupManager(s);
      // --force over a key: keep it wrapped in memory so a failed unwrap can put it back
      WrapFile previous = occupied && new KeyManager(s).keyRefs().contains(keyRef)
          && dkek.isPresent() && dkek.get().complete() ? bm.wrap(keyRef) : null;
      try {
        bm.unwrap(keyRef, wrap);
      } catch (HsmException e) {
        if (previous != null) {
          bm.unwrap(keyRef, previous);
        }
        if (e.sw() != null && e.sw().value() == 0x6A80 && dkek.isPresent() && dkek.get().kcvKnown()) {
          throw new CliException(CliException.REFUSED, file + ": MAC check failed: the key blob is"
              + " damaged (its DKEK KCV " + wrap.blobKcvHex() + " matches this device's); use an"
              + " undamaged copy");
        }
        throw e;
      }
      ctx().out().printf("Key imported at key ref %d.%n", keyRef);
      return 0;
    }
  }

  @Command(name = "backup",
      description = "Wrap every key into DIR with a manifest (KCV, references, labels, public keys, SHA-256).")
  public static final class Backup extends TokenCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "New, empty backup directory.")
    Path dir;

    @Mixin UserPinOption pin;

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      pin.login(ctx(), s);
      BackupManager.Manifest m = new BackupManager(s).backup(dir);
      ctx().out().printf("Backed up %d key%s into %s (DKEK KCV %s).%n", m.keys().size(),
          m.keys().size() == 1 ? "" : "s", dir, m.kcv());
      return 0;
    }
  }

  @Command(name = "restore",
      description = "Restore a backup; checks the DKEK KCV first and changes nothing on a mismatch.")
  public static final class Restore extends TokenCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "Backup directory.")
    Path dir;

    @Option(names = "--verify", description = "Prove each restored key signs for its recorded public key (an AES key: gives its recorded CMAC check value).")
    boolean verify;

    @Option(names = "--force", description = "Replace keys already at the backup's key references.")
    boolean force;

    @Option(names = "--domain", description = "Restore into this key domain: every key's KCV must be its KEK's. Without it each key goes to the target's domain whose KCV its file carries (keys of several domains restore at once).")
    Integer domain;

    @Mixin UserPinOption pin;

    /** Each key's id must be new on the target, apart from the keys the restore replaces. */
    private void refuseDuplicateIds(KeyManager km) throws IOException, HsmException {
      BackupManager.Manifest m = BackupManager.readManifest(dir);
      java.util.Set<Integer> refs = new java.util.HashSet<>();
      m.keys().forEach(e -> refs.add(e.keyRef()));
      java.util.Map<String, Integer> seen = new java.util.HashMap<>();
      for (BackupManager.Entry e : m.keys()) {
        if (e.id() == null || e.id().isEmpty()) {
          continue;
        }
        Integer other = seen.put(e.id().toLowerCase(java.util.Locale.ROOT), e.keyRef());
        if (other != null) {
          throw new CliException(CliException.REFUSED, dir.resolve(BackupManager.MANIFEST)
              + " gives id " + e.id() + " to key refs " + other + " and " + e.keyRef()
              + "; lookups by id would be ambiguous; nothing was changed");
        }
        KeysCommand.refuseDuplicateId(km, KeysCommand.parseId(e.id()), e.keyRef(), refs,
            "key ref " + e.keyRef() + " of the backup");
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      pin.login(ctx(), s);
      refuseDuplicateIds(new KeyManager(s));
      List<BackupManager.Entry> restored = new BackupManager(s).restore(dir, force, verify,
          domain == null ? BackupManager.ANY_DOMAIN : domain);
      ctx().out().printf("Restored %d key%s%s.%n", restored.size(), restored.size() == 1 ? "" : "s",
          verify ? ", each verified against its recorded public key or check value" : "");
      return 0;
    }
  }
}
