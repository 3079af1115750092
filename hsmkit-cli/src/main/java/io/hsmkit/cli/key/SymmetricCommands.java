package io.hsmkit.cli.key;

import io.hsmkit.cli.support.CliException;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.KeyTypeException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyOperations;
import io.hsmkit.token.Token;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit encrypt | mac}, and the {@code aes-cbc} mechanism of {@code hsmkit decrypt}: AES
 * keys on the card (docs/protocol.md#cipher). CBC adds no padding: the input must be whole blocks.
 */
public final class SymmetricCommands {
  private SymmetricCommands() {}

  static final String AES_CBC = "aes-cbc";
  static final String AES_CMAC = "aes-cmac";

  /** Parses {@code --iv}: exactly 16 bytes in hex. */
  static byte[] iv(String hex) {
    if (hex == null) {
      throw CliException.usage("aes-cbc needs --iv HEX (16 bytes; 32 zeros for the card's zero IV)");
    }
    byte[] iv;
    try {
      iv = HexFormat.of().parseHex(hex.replace(":", "").replace(" ", ""));
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--iv is not hexadecimal");
    }
    if (iv.length != 16) {
      throw CliException.usage("--iv must be 16 bytes (32 hex digits), not " + iv.length);
    }
    return iv;
  }

  /** AES-CBC input: a non-zero multiple of 16 bytes, checked before the card is asked. */
  static void requireBlocks(byte[] data) {
    if (data.length == 0 || data.length % 16 != 0) {
      throw CliException.usage("aes-cbc input must be a non-zero multiple of 16 bytes; it has "
          + data.length + " (hsmkit adds and removes no padding)");
    }
  }

  static void requireAes(KeyInfo k, String mechanism) throws KeyTypeException {
    if (!k.isAes()) {
      throw new KeyTypeException(mechanism + " needs an AES key; key ref " + k.keyRef() + " is "
          + k.algorithm());
    }
  }

  /** AES-CBC decryption for {@code hsmkit decrypt --mechanism aes-cbc}. */
  static byte[] decryptCbc(SmartCardHsmSession s, KeyInfo k, byte[] iv, byte[] data)
      throws IOException, HsmException {
    requireAes(k, AES_CBC);
    return new KeyOperations(s).decryptAesCbc(k, iv, data);
  }

  @Command(name = "encrypt",
      description = "Encrypt with an AES key on the card (AES-CBC, no padding: whole 16-byte blocks).")
  public static final class Encrypt extends CryptoCommands.KeyOperationCommand {
    @Option(names = "--mechanism", defaultValue = AES_CBC, description = "aes-cbc (the default).")
    String mechanism;

    @Option(names = "--iv", description = "The CBC IV, 16 bytes in hex (required).")
    String ivHex;

    byte[] iv;

    @Override
    protected void validate() {
      if (!AES_CBC.equals(mechanism.toLowerCase(Locale.ROOT))) {
        throw CliException.usage("--mechanism must be one of: " + AES_CBC);
      }
      iv = iv(ivHex);
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      byte[] data = input();
      requireBlocks(data);
      SmartCardHsmSession s = token.session();
      KeyInfo k = key(s);
      requireAes(k, AES_CBC);
      output(new KeyOperations(s).encryptAesCbc(k, iv, data));
      return 0;
    }
  }

  @Command(name = "mac",
      description = "AES-CMAC (NIST SP 800-38B) of the input with an AES key on the card; prints"
          + " the 16-byte tag in hex unless --out is given (then the raw tag).")
  public static final class Mac extends CryptoCommands.KeyOperationCommand {
    @Option(names = "--mechanism", defaultValue = AES_CMAC, description = "aes-cmac (the default).")
    String mechanism;

    @Override
    protected void validate() {
      if (!AES_CMAC.equals(mechanism.toLowerCase(Locale.ROOT))) {
        throw CliException.usage("--mechanism must be one of: " + AES_CMAC);
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      byte[] data = input();
      if (data.length > KeyOperations.CMAC_MAX) {
        throw CliException.usage("the card MACs at most " + KeyOperations.CMAC_MAX
            + " bytes in one command; the input has " + data.length);
      }
      SmartCardHsmSession s = token.session();
      KeyInfo k = key(s);
      requireAes(k, AES_CMAC);
      byte[] tag = new KeyOperations(s).cmacAes(k, data);
      if (out != null) {
        output(tag);
      } else {
        ctx().out().println(HexFormat.of().formatHex(tag));
      }
      return 0;
    }
  }
}
