package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.crypto.AlgorithmId;
import io.hsmkit.card.crypto.HashAlgorithm;
import io.hsmkit.card.crypto.InvalidInputException;
import io.hsmkit.card.crypto.KeyOperations;
import io.hsmkit.card.crypto.PreparedKey;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.KeyRecord;

/**
 * SIGN (80 68 keyId algorithm), sc-hsm-protocol.md §2.13. Access checks as in {@link KeyUse}; data
 * that do not fit the algorithm or key end in {@code 6A80}.
 *
 * <ul>
 *   <li>20: raw RSA on the block OpenSC padded (what 0.23 uses for every PKCS#1 signature).
 *   <li>30: PKCS#1 v1.5 over a DigestInfo, which must parse as one. 31 / 33: the card hashes the
 *       message with SHA-1 / SHA-256 and signs its DigestInfo.
 *   <li>40: PSS on a hash, or on a DigestInfo (OpenSC's {@code CKM_SHAx_RSA_PKCS_PSS} path sends
 *       one); otherwise the hash is told by its length. 41 / 43: PSS with SHA-1 / SHA-256 over the
 *       message.
 *   <li>70: ECDSA on a hash. 71 / 72 / 73: ECDSA with SHA-1 / SHA-224 / SHA-256 over the whole
 *       message. Output is DER with fixed-width integers ({@link KeyOperations#ecdsaSignature}).
 * </ul>
 */
public final class SignCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    ctx.requireUserPin();
    AlgorithmId algorithm = KeyUse.algorithm(apdu.p2(), AlgorithmId.Operation.SIGN);
    KeyRecord key = KeyUse.authorize(ctx, apdu.p1(), algorithm);
    try {
      return Response.ok(sign(ctx, key, algorithm, apdu.data()));
    } catch (InvalidInputException e) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
  }

  private static byte[] sign(CommandContext ctx, KeyRecord key, AlgorithmId algorithm, byte[] data)
      throws InvalidInputException, SwException {
    PreparedKey pk = ctx.prepared(key);
    KeyOperations ops = ctx.crypto().operations();
    // For the hash-and-sign variants the card hashes the complete message first.
    HashAlgorithm messageHash = algorithm.messageHash().orElse(null);
    byte[] input = messageHash != null ? messageHash.digest(data) : data;
    return switch (algorithm) {
      case RSA_RAW -> ops.rsaRaw(pk, input);
      case RSA_PKCS1 -> {
        if (HashAlgorithm.parseDigestInfo(input).isEmpty()) {
          throw new InvalidInputException("input is not a DigestInfo");
        }
        yield ops.rsaPkcs1(pk, input);
      }
      case RSA_PKCS1_SHA1, RSA_PKCS1_SHA256 -> ops.rsaPkcs1(pk, messageHash.digestInfo(input));
      case RSA_PSS -> {
        HashAlgorithm.Hashed h = pssHash(input);
        yield ops.rsaPss(pk, h.algorithm(), h.hash());
      }
      case RSA_PSS_SHA1, RSA_PSS_SHA256 -> ops.rsaPss(pk, messageHash, input);
      case EC_RAW, EC_SHA1, EC_SHA224, EC_SHA256 -> ops.ecdsa(pk, input);
      case RSA_DECRYPT, EC_DH -> throw new IllegalStateException("not a SIGN algorithm");
    };
  }

  /** A DigestInfo names its hash; a bare hash (20/28/32/48/64 bytes) is told by its length. */
  private static HashAlgorithm.Hashed pssHash(byte[] input) throws InvalidInputException {
    var fromDigestInfo = HashAlgorithm.parseDigestInfo(input);
    if (fromDigestInfo.isPresent()) {
      return fromDigestInfo.get();
    }
    HashAlgorithm h =
        HashAlgorithm.byLength(input.length)
            .orElseThrow(() -> new InvalidInputException("input length matches no hash"));
    return new HashAlgorithm.Hashed(h, input);
  }
}
