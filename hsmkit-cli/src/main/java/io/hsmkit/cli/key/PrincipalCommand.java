package io.hsmkit.cli.key;

import io.hsmkit.cli.support.CliException;
import io.hsmkit.client.json.Json;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.token.Token;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.IcPrincipal;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit principal --key-id 01}: the Internet Computer principal that {@code dfx identity
 * get-principal} prints for an HSM identity on that key, without dfx. Only the principal goes to
 * standard output, so {@code P=$(hsmkit principal --key-id 01)} works.
 */
@Command(name = "principal", description = "Print the Internet Computer principal of a key (as dfx does).")
public final class PrincipalCommand extends TokenCommand {
  /**
   * The key types an IC identity may have (DER public keys: Ed25519, ECDSA P-256 and secp256k1;
   * the Internet Computer interface specification); the card makes the two EC ones.
   */
  static final java.util.Set<String> IC_KEY_TYPES = java.util.Set.of("EC secp256k1", "EC secp256r1");

  @Option(names = "--key-id", description = "PKCS#11 id of the key in hex, e.g. 01.")
  String keyId;

  @Option(names = "--key-ref", description = "Key reference (1-255), when an id is on two keys.")
  Integer keyRef;

  @Option(names = "--json", description = "Print JSON (principal, key id, public key).")
  boolean json;

  @Override
  protected int run(Token token) throws IOException, HsmException {
    SmartCardHsmSession s = token.session();
    s.select();
    KeyInfo k = KeysCommand.find(new KeyManager(s), keyId, keyRef);
    if (k.isAes()) {
      throw new io.hsmkit.client.KeyTypeException("key ref " + k.keyRef() + " is an "
          + k.algorithm() + " key: a secret key has no public key");
    }
    if (k.publicKey() == null) {
      throw new CliException(CliException.REFUSED, "key ref " + k.keyRef() + " has no readable public key");
    }
    if (!IC_KEY_TYPES.contains(k.algorithm())) {
      throw CliException.usage("key ref " + k.keyRef() + " is " + k.algorithm() + "; the Internet"
          + " Computer accepts only ECDSA on secp256k1 or P-256 (secp256r1) and Ed25519 keys, so"
          + " it would have no principal. Generate one with hsmkit keys generate --type ec:secp256k1");
    }
    byte[] spki = k.publicKey().getEncoded();
    String principal = IcPrincipal.ofPublicKey(spki);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("principal", principal);
      m.put("keyId", k.idHex());
      m.put("keyRef", k.keyRef());
      m.put("publicKey", java.util.Base64.getEncoder().encodeToString(spki));
      ctx().out().println(Json.write(m));
    } else {
      ctx().out().println(principal);
    }
    return 0;
  }
}
