package io.hsmkit.card.command;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
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
 * SIGN (80 68 keyId algorithm), docs/protocol.md#sign; the id table with its sources is in
 * docs/protocol-notes-ecdsa.md. Access checks as in {@link KeyUse}; data that do not fit the
 * algorithm or key end in {@code 6A80}.
 *
 * <ul>
 *   <li>20: raw RSA on the block the host padded (what OpenSC uses for every PKCS#1 signature).
 *   <li>30: PKCS#1 v1.5 over a DigestInfo, which must parse as one. 31 / 33 / 34 / 35: the card
 *       hashes the whole message with SHA-1 / 256 / 384 / 512 and signs its DigestInfo.
 *   <li>40: PSS on a hash, or on a DigestInfo (OpenSC 0.23's {@code CKM_SHAx_RSA_PKCS_PSS} path
 *       sends one); otherwise the hash is told by its length. 41 / 43 / 44 / 45: PSS with SHA-1 /
 *       256 / 384 / 512 over the whole message. MGF1 uses the same hash, the salt is as long.
 *   <li>70: ECDSA on a hash. 71 / 72 / 73 / 74 / 75: ECDSA with SHA-1 / 224 / 256 / 384 / 512
 *       over the whole message (OpenSC 0.26+ sends 74 / 75 for CKM_ECDSA_SHA384 / 512). The
 *       output is minimal DER ({@link KeyOperations#ecdsa}).
 * </ul>
 */
final class SignCommand implements CommandHandler {

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
    HashAlgorithm messageHash = algorithm.messageHash().map(HashAlgorithm::of).orElse(null);
    byte[] input = messageHash != null ? messageHash.digest(data) : data;
    return switch (algorithm.scheme()) {
      case RSA_RAW -> ops.rsaRaw(pk, input);
      case RSA_PKCS1 -> {
        if (messageHash != null) {
          yield ops.rsaPkcs1(pk, messageHash.digestInfo(input));
        }
        if (HashAlgorithm.parseDigestInfo(input).isEmpty()) {
          throw new InvalidInputException("input is not a DigestInfo");
        }
        yield ops.rsaPkcs1(pk, input);
      }
      case RSA_PSS -> {
        HashAlgorithm.Hashed h =
            messageHash != null ? new HashAlgorithm.Hashed(messageHash, input) : pssHash(input);
        yield ops.rsaPss(pk, h.algorithm(), h.hash());
      }
      case ECDSA -> ops.ecdsa(pk, input);
      case RSA_DECRYPT, ECDH, KEY_WRAP, AES_CBC_ENCRYPT, AES_CBC_DECRYPT, AES_CMAC -> throw new IllegalStateException("not a SIGN algorithm");
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
