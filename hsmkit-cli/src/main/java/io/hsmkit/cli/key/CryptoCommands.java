package io.hsmkit.cli.key;

import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.cli.support.UserPinOption;
import io.hsmkit.token.Token;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeyOperations;
import io.hsmkit.client.keys.Mechanism;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hsmkit sign | decrypt | derive}: private-key operations on a card key. */
public final class CryptoCommands {
  private CryptoCommands() {}

  abstract static class KeyOperationCommand extends TokenCommand {
    @Option(names = "--id", description = "PKCS#11 id of the key in hex.")
    String id;

    @Option(names = "--key-ref", description = "Key reference (1-255).")
    Integer keyRef;

    @Option(names = "--in", description = "Input file (default: standard input).")
    Path in;

    @Option(names = "--out", description = "Output file (default: standard output).")
    Path out;

    @Mixin UserPinOption pin;

    byte[] input() throws IOException {
      return in != null ? Files.readAllBytes(in) : System.in.readAllBytes();
    }

    void output(byte[] result) throws IOException {
      if (out != null) {
        Files.write(out, result);
      } else {
        System.out.write(result);
        System.out.flush();
      }
    }

    KeyInfo key(SmartCardHsmSession s) throws IOException, HsmException {
      s.select();
      KeyInfo k = KeysCommand.find(new KeyManager(s), id, keyRef);
      pin.login(ctx(), s);
      return k;
    }
  }

  static Mechanism mechanism(String name, Mechanism.Kind... kinds) {
    Mechanism m = Mechanism.byCliName(name).orElse(null);
    for (Mechanism.Kind k : kinds) {
      if (m != null && m.kind() == k) {
        return m;
      }
    }
    StringBuilder valid = new StringBuilder();
    for (Mechanism.Kind k : kinds) {
      valid.append(valid.length() == 0 ? "" : ", ").append(Mechanism.names(k));
    }
    throw CliException.usage("--mechanism must be one of: " + valid);
  }

  @Command(name = "sign", description = "Sign data with a card key (ECDSA signatures are DER).")
  public static final class Sign extends KeyOperationCommand {
    @Option(names = "--mechanism",
        description = "ecdsa-sha256, ecdsa-sha1/224/384/512, ecdsa (input is a hash), rsa-pkcs1-sha256 (and sha1/224/384/512), rsa-pss-sha256 (and sha1/224/384/512), rsa-raw. Default: ecdsa-sha256 for an EC key, rsa-pkcs1-sha256 for an RSA key.")
    String mechanism;

    Mechanism m;

    @Override
    protected void validate() {
      if (mechanism != null) {
        m = mechanism(mechanism, Mechanism.Kind.EC_SIGN, Mechanism.Kind.RSA_SIGN);
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      byte[] data = input();
      SmartCardHsmSession s = token.session();
      KeyInfo k = key(s);
      Mechanism use = m != null ? m : k.isEc() ? Mechanism.ECDSA_SHA256 : Mechanism.RSA_PKCS1_SHA256;
      output(new KeyOperations(s).sign(k, use, data));
      return 0;
    }
  }

  @Command(name = "decrypt",
      description = "Decrypt an RSA cryptogram, or AES-CBC data (--mechanism aes-cbc --iv HEX), with a card key.")
  public static final class Decrypt extends KeyOperationCommand {
    @Option(names = "--mechanism", defaultValue = "rsa-pkcs1",
        description = "rsa-pkcs1 (default), rsa-oaep-sha1, rsa-oaep-sha256, rsa-raw-decrypt; aes-cbc for an AES key (no padding removed).")
    String mechanism;

    @Option(names = "--iv", description = "The CBC IV for aes-cbc, 16 bytes in hex.")
    String ivHex;

    Mechanism m;
    byte[] iv;

    @Override
    protected void validate() {
      if (SymmetricCommands.AES_CBC.equalsIgnoreCase(mechanism)) {
        iv = SymmetricCommands.iv(ivHex);
        return;
      }
      if (ivHex != null) {
        throw CliException.usage("--iv goes with --mechanism aes-cbc only");
      }
      try {
        m = mechanism(mechanism, Mechanism.Kind.RSA_DECRYPT);
      } catch (CliException e) {
        throw CliException.usage(e.getMessage() + ", " + SymmetricCommands.AES_CBC);
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      byte[] data = input();
      if (iv != null) {
        SymmetricCommands.requireBlocks(data);
      }
      SmartCardHsmSession s = token.session();
      KeyInfo k = key(s);
      output(iv != null ? SymmetricCommands.decryptCbc(s, k, iv, data)
          : new KeyOperations(s).decrypt(k, m, data));
      return 0;
    }
  }

  @Command(name = "derive",
      description = "ECDH (default): the shared secret (X coordinate) with a peer public key."
          + " ec-derive: a new card key d + offset mod n from an EC key (CardContact's EC derive);"
          + " prints its key ref, id and public key Q + offset*G.")
  public static final class Derive extends KeyOperationCommand {
    @Option(names = "--mechanism", defaultValue = "ecdh",
        description = "ecdh (default) or ec-derive.")
    String mechanism;

    @Option(names = "--peer",
        description = "ecdh: peer public key: PEM or DER SubjectPublicKeyInfo, or a raw point 04||X||Y.")
    Path peer;

    @Option(names = "--offset",
        description = "ec-derive: the offset added to the private key, big-endian hex, 1 to n-1.")
    String offset;

    @Option(names = "--to",
        description = "ec-derive: key reference of the new key (1-255, must be free; default: the lowest free one).")
    Integer to;

    @Option(names = "--new-id",
        description = "ec-derive: PKCS#11 id of the new key in hex (default: from its public key, as OpenSC does).")
    String newId;

    @Option(names = "--label", description = "ec-derive: label of the new key.")
    String label;

    byte[] offsetBytes;

    @Override
    protected void validate() {
      switch (mechanism) {
        case "ecdh" -> {
          if (peer == null) {
            throw CliException.usage("derive needs --peer (or --mechanism ec-derive --offset HEX)");
          }
          if (offset != null || to != null || newId != null || label != null) {
            throw CliException.usage("--offset, --to, --new-id and --label go with --mechanism ec-derive");
          }
        }
        case "ec-derive" -> {
          if (offset == null) {
            throw CliException.usage("--mechanism ec-derive needs --offset HEX");
          }
          if (peer != null || in != null || out != null) {
            throw CliException.usage("--peer, --in and --out go with --mechanism ecdh");
          }
          offsetBytes = parseOffset(offset);
          if (to != null && (to < 1 || to > 255)) {
            throw CliException.usage("--to must be a key reference from 1 to 255");
          }
          if (newId != null) {
            KeysCommand.parseId(newId);
          }
        }
        default -> throw CliException.usage("--mechanism must be one of: ecdh, ec-derive");
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      if (mechanism.equals("ec-derive")) {
        return deriveKey(token);
      }
      byte[] point = peerPoint(Files.readAllBytes(peer));
      SmartCardHsmSession s = token.session();
      KeyInfo k = key(s);
      output(new KeyOperations(s).deriveEcdh(k, point));
      return 0;
    }

    private int deriveKey(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      KeyInfo source = key(s);
      KeyManager km = new KeyManager(s);
      KeyManager.DerivedKey d;
      try {
        d = km.deriveEc(source, to == null ? 0 : to, offsetBytes,
            newId == null ? null : KeysCommand.parseId(newId), label == null ? "" : label);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--offset: " + e.getMessage());
      }
      KeyInfo k = d.key();
      ctx().out().printf("Derived %s key: key ref %d, id %s%s (from key ref %d)%n", k.algorithm(),
          k.keyRef(), k.idHex(), k.label().isEmpty() ? ""
              : ", label \"" + io.hsmkit.cli.support.Text.safe(k.label()) + "\"", source.keyRef());
      if (d.publicKey() != null) {
        ctx().out().print(KeysCommand.pem(d.publicKey().getEncoded()));
      } else {
        ctx().out().println("(key ref " + source.keyRef() + " has no readable public key, so neither"
            + " has the derived key)");
      }
      ctx().out().flush();
      return 0;
    }
  }

  /** The offset of ec-derive: hex digits (an optional 0x, spaces or colons allowed), not zero. */
  static byte[] parseOffset(String hex) {
    String digits = hex.strip().replaceFirst("^0[xX]", "").replaceAll("[\\s:]", "");
    if (digits.length() % 2 == 1) {
      digits = "0" + digits;
    }
    byte[] b;
    try {
      b = java.util.HexFormat.of().parseHex(digits);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--offset must be hex digits (got \"" + io.hsmkit.cli.support.Text.safe(hex) + "\")");
    }
    int first = 0;
    while (first < b.length && b[first] == 0) {
      first++;
    }
    if (first == b.length) {
      throw CliException.usage("--offset must not be 0 (it would derive the same key)");
    }
    return java.util.Arrays.copyOfRange(b, first, b.length);
  }

  /** Reads a peer key as PEM/DER SubjectPublicKeyInfo or a raw uncompressed point. */
  static byte[] peerPoint(byte[] file) {
    String text = new String(file, StandardCharsets.US_ASCII);
    byte[] der = file;
    if (text.contains("-----BEGIN PUBLIC KEY-----")) {
      String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      der = Base64.getDecoder().decode(b64);
    }
    if (der.length > 0 && der[0] == 0x04) {
      return der;
    }
    try {
      ECPublicKey pub =
          (ECPublicKey)
              KeyFactory.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider())
                  .generatePublic(new X509EncodedKeySpec(der));
      return KeyManager.ecPoint(pub);
    } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
      throw CliException.usage("--peer is not an EC public key (PEM, DER or 04||X||Y)");
    }
  }
}
