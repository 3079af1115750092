package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;

/**
 * GET CHALLENGE (84), docs/protocol.md#get-challenge: exactly Ne random bytes, at most 1024. The
 * card keeps the last one for EXTERNAL AUTHENTICATE (docs/protocol.md#pka).
 */
final class GetChallengeCommand implements CommandHandler {
  static final int MAX = 1024;

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1p2() != 0) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    if (apdu.ne() < 1 || apdu.ne() > MAX || apdu.hasData()) {
      throw new SwException(StatusWord.WRONG_LENGTH);
    }
    byte[] challenge = ctx.crypto().randomBytes(apdu.ne());
    ctx.security().pka().setChallenge(challenge); // for EXTERNAL AUTHENTICATE (docs/protocol.md#pka)
    return Response.ok(challenge);
  }
}
