package io.hsmkit.card.command;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.KeyRecord;

/**
 * The access checks shared by SIGN and DECIPHER (docs/protocol.md#sign, docs/protocol.md#decipher, docs/protocol.md#state-model), in this
 * order:
 *
 * <ol>
 *   <li>user PIN verified, else {@code 6982} (OpenSC then re-verifies and retries once);
 *   <li>P2 names an algorithm of this command, else {@code 6A86};
 *   <li>the key exists, else {@code 6A88};
 *   <li>it is not the device key {@code CC00}, which only authenticates the device (it signs key
 *       requests, docs/protocol.md#generate) and must not sign arbitrary data, else {@code 6985};
 *   <li>the algorithm is for the key's type (RSA / EC), else {@code 6985};
 *   <li>a non-empty allow-list of the key contains the algorithm, else {@code 6985}.
 * </ol>
 *
 * <p>{@code 6985} ("conditions of use not satisfied", OpenSC: NOT_ALLOWED) is pico-hsm's answer
 * for a key used against its purpose; it says "this key may not do that" rather than "your data is
 * malformed" ({@code 6A80}).
 */
final class KeyUse {
  private KeyUse() {}

  static AlgorithmId algorithm(int p2, AlgorithmId.Operation operation) throws SwException {
    return AlgorithmId.of(p2, operation)
        .orElseThrow(() -> new SwException(StatusWord.INCORRECT_P1P2));
  }

  /** True for a key SIGN, DECIPHER, WRAP or a key request's outer signature can use. */
  static boolean asymmetric(KeyRecord key) {
    return key.type() != KeyRecord.KeyType.AES;
  }

  static KeyRecord authorize(CommandContext ctx, int keyId, AlgorithmId algorithm)
      throws SwException {
    KeyRecord key = ctx.state().key(keyId);
    if (key == null) {
      throw new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND);
    }
    if (keyId == 0 || !fits(key.type(), algorithm.keyKind()) || !allows(key, algorithm)) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    return key;
  }

  private static boolean fits(KeyRecord.KeyType type, AlgorithmId.KeyKind kind) {
    return switch (kind) {
      case RSA -> type == KeyRecord.KeyType.RSA;
      case EC -> type == KeyRecord.KeyType.EC;
      case AES -> type == KeyRecord.KeyType.AES;
      case ANY -> true;
    };
  }

  private static boolean allows(KeyRecord key, AlgorithmId algorithm) {
    return key.allows(algorithm.id());
  }
}
