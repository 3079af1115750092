package io.hsmkit.cli.key;

import io.hsmkit.cli.support.CliException;
import io.hsmkit.client.json.Json;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.cli.support.UserPinOption;
import io.hsmkit.token.Token;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hsmkit keys generate | list | delete | export-public}. */
@Command(
    name = "keys",
    description = "Generate, list, delete keys and export public keys.",
    subcommands = {
      KeysCommand.Generate.class, KeysCommand.ListKeys.class, KeysCommand.Delete.class,
      KeysCommand.ExportPublic.class
    })
public final class KeysCommand {

  public static byte[] parseId(String hex) {
    try {
      byte[] id = HexFormat.of().parseHex(hex);
      if (id.length == 0 || id.length > 64) {
        throw CliException.usage("--id must be 1 to 64 bytes of hex, e.g. 01");
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--id must be hex digits, e.g. 01 (got \"" + hex + "\")");
    }
  }

  public static KeyInfo find(KeyManager km, String idHex, Integer keyRef)
      throws IOException, HsmException {
    if ((idHex == null) == (keyRef == null)) {
      throw CliException.usage("give exactly one of --id and --key-ref");
    }
    if (keyRef != null) {
      return km.findByRef(keyRef)
          .orElseThrow(() -> new CliException(CliException.REFUSED, "no key with key reference " + keyRef));
    }
    List<KeyInfo> found = km.findAllById(parseId(idHex));
    if (found.isEmpty()) {
      throw new CliException(CliException.REFUSED, "no key with id " + idHex);
    }
    if (found.size() > 1) {
      throw CliException.usage("id " + idHex + " is on " + found.size() + " keys, at key refs "
          + refs(found) + "; name one with --key-ref N (hsmkit keys list shows them), or delete"
          + " the extra one with hsmkit keys delete --key-ref N");
    }
    return found.get(0);
  }

  static String refs(List<KeyInfo> keys) {
    return String.join(", ", keys.stream().map(k -> String.valueOf(k.keyRef())).toList());
  }

  /**
   * Refuses to put a key with PKCS#11 id {@code id} at {@code keyRef} when a key at another
   * reference, other than those in {@code replaced}, already has that id: every later lookup by
   * id would act on one of the two silently.
   */
  public static void refuseDuplicateId(KeyManager km, byte[] id, int keyRef,
      java.util.Set<Integer> replaced, String what) throws IOException, HsmException {
    if (id == null || id.length == 0) {
      return;
    }
    List<KeyInfo> same = new ArrayList<>();
    for (KeyInfo k : km.findAllById(id)) {
      if (k.keyRef() != keyRef && !replaced.contains(k.keyRef())) {
        same.add(k);
      }
    }
    if (!same.isEmpty()) {
      throw new CliException(CliException.REFUSED, what + " has id " + HexFormat.of().formatHex(id)
          + ", which the key at key ref " + refs(same) + " already has; lookups by id would be"
          + " ambiguous. Delete that key first (hsmkit keys delete --key-ref "
          + same.get(0).keyRef() + ") or restore onto another device; nothing was changed");
    }
  }

  @Command(name = "generate", description = "Generate a key pair, or an AES key, on the card.")
  public static final class Generate extends TokenCommand {
    @Option(names = "--type", required = true, description = "ec:CURVE (e.g. ec:secp256r1, ec:brainpoolP256r1, ec:secp256k1), rsa:BITS (1024, 1536, 2048, 3072, 4096) or aes:BITS (128, 192, 256; default id: the key reference).")
    String type;

    @Option(names = "--id", description = "PKCS#11 id in hex, e.g. 01 (default: derived from the public key, as OpenSC does).")
    String id;

    @Option(names = "--label", description = "Key label.")
    String label;

    @Mixin UserPinOption pin;

    KeySpec spec;

    @Override
    protected void validate() {
      try {
        spec = KeySpec.parse(type);
      } catch (IllegalArgumentException e) {
        throw CliException.usage(e.getMessage());
      }
      if (id != null) {
        parseId(id);
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      pin.login(ctx(), s);
      if (spec instanceof KeySpec.Rsa r && r.bits() >= 2048) {
        ctx().err().println("hsmkit: generating " + spec + " on the card, this can take a while...");
      }
      KeyInfo k = new KeyManager(s).generate(spec, id == null ? null : parseId(id), label == null ? "" : label);
      ctx().out().printf("Generated %s key: key ref %d, id %s%s%n", k.algorithm(), k.keyRef(), k.idHex(),
          k.label().isEmpty() ? "" : ", label \"" + io.hsmkit.cli.support.Text.safe(k.label()) + "\"");
      return 0;
    }
  }

  @Command(name = "list", description = "List the keys: key reference, id, label, algorithm, size, usage.")
  public static final class ListKeys extends TokenCommand {
    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      List<KeyInfo> keys = new KeyManager(s).list();
      if (json) {
        List<Object> out = new ArrayList<>();
        for (KeyInfo k : keys) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("keyRef", k.keyRef());
          m.put("id", k.idHex());
          m.put("label", k.label());
          m.put("algorithm", k.algorithm());
          m.put("size", k.sizeBits());
          m.put("usage", List.of(k.usage()));
          m.put("certificate", k.certificate() != null);
          out.add(m);
        }
        ctx().out().println(Json.write(out));
        return 0;
      }
      if (keys.isEmpty()) {
        ctx().out().println("No keys.");
        return 0;
      }
      ctx().out().printf("%-7s %-42s %-20s %-22s %-5s %s%n", "KEYREF", "ID", "LABEL", "ALGORITHM", "SIZE", "USAGE");
      for (KeyInfo k : keys) {
        ctx().out().printf("%-7d %-42s %-20s %-22s %-5d %s%n", k.keyRef(), k.idHex(), io.hsmkit.cli.support.Text.safe(k.label()),
            k.algorithm(), k.sizeBits(), String.join(",", k.usage()));
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a key with its description and certificate.")
  public static final class Delete extends TokenCommand {
    @Option(names = "--id", description = "PKCS#11 id in hex.")
    String id;

    @Option(names = "--key-ref", description = "Key reference (1-255).")
    Integer keyRef;

    @Option(names = "--force", description = "Delete without asking (needed without a terminal).")
    boolean force;

    @Mixin UserPinOption pin;

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      KeyManager km = new KeyManager(s);
      KeyInfo k = find(km, id, keyRef);
      io.hsmkit.cli.support.Confirm.require(ctx(), force, "this deletes key ref " + k.keyRef()
              + " (id " + k.idHex() + (k.label().isEmpty() ? "" : ", label \"" + k.label() + "\"")
              + ")", io.hsmkit.cli.support.Confirm.wordFor(k.label()));
      pin.login(ctx(), s);
      km.delete(k.keyRef());
      ctx().out().printf("Deleted key ref %d (id %s).%n", k.keyRef(), k.idHex());
      return 0;
    }
  }

  @Command(name = "export-public", description = "Write a public key as PEM or DER (SubjectPublicKeyInfo).")
  public static final class ExportPublic extends TokenCommand {
    @Option(names = "--id", description = "PKCS#11 id in hex.")
    String id;

    @Option(names = "--key-ref", description = "Key reference (1-255).")
    Integer keyRef;

    @Option(names = "--format", defaultValue = "pem", description = "pem or der (default pem).")
    String format;

    @Option(names = "--out", description = "Output file (default: standard output).")
    Path out;

    @Override
    protected void validate() {
      if (!format.equals("pem") && !format.equals("der")) {
        throw CliException.usage("--format must be pem or der");
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      KeyInfo k = find(new KeyManager(s), id, keyRef);
      if (k.isAes()) {
        throw new io.hsmkit.client.KeyTypeException("key ref " + k.keyRef() + " is an "
            + k.algorithm() + " key: a secret key has no public key");
      }
      if (k.publicKey() == null) {
        throw new CliException(CliException.REFUSED, "key ref " + k.keyRef() + " has no readable public key");
      }
      byte[] der = k.publicKey().getEncoded();
      byte[] bytes = format.equals("der") ? der : pem(der).getBytes(StandardCharsets.US_ASCII);
      if (out != null) {
        Files.write(out, bytes);
      } else if (format.equals("der")) {
        System.out.write(bytes);
        System.out.flush();
      } else {
        ctx().out().print(new String(bytes, StandardCharsets.US_ASCII));
        ctx().out().flush();
      }
      return 0;
    }
  }

  public static String pem(byte[] spki) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(spki);
    return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
  }
}
