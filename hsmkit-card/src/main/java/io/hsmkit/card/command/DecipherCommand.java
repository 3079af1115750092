package io.hsmkit.card.command;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.crypto.InvalidInputException;
import io.hsmkit.card.crypto.KeyOperations;
import io.hsmkit.card.crypto.PreparedKey;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.KeyRecord;

/**
 * DECIPHER (80 62 keyId algorithm), docs/protocol.md#decipher. Access checks as in {@link KeyUse}.
 *
 * <ul>
 *   <li>21: raw RSA decryption; the output is the full modulus-length block with its leading zero
 *       bytes, because OpenSC removes PKCS#1 / OAEP padding from exactly that block.
 *   <li>80: ECDH with the peer's uncompressed point; the output is the shared point {@code 04 || X
 *       || Y} like the real card (OpenSC keeps X). Points off the curve, the point at infinity and
 *       wrong lengths are {@code 6A80}.
 * </ul>
 */
final class DecipherCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    ctx.requireUserPin();
    AlgorithmId algorithm = KeyUse.algorithm(apdu.p2(), AlgorithmId.Operation.DECIPHER);
    KeyRecord key = KeyUse.authorize(ctx, apdu.p1(), algorithm);
    PreparedKey pk = ctx.prepared(key);
    KeyOperations ops = ctx.crypto().operations();
    try {
      byte[] out =
          algorithm == AlgorithmId.EC_DH
              ? ops.ecdh(pk, apdu.data())
              : ops.rsaRaw(pk, apdu.data());
      return Response.ok(out);
    } catch (InvalidInputException e) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
  }
}
