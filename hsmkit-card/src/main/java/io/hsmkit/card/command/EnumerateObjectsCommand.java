package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import java.io.ByteArrayOutputStream;

/**
 * ENUMERATE OBJECTS (80 58), docs/protocol.md#enumerate: the 2-byte identifiers of every key
 * ({@code CCxx}, including the device key {@code CC00}, so OpenSC's free-id search starts at 1) and
 * every EF.
 */
final class EnumerateObjectsCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1p2() != 0) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int id : ctx.state().keys().keySet()) {
      out.write(FileIds.KEY_PREFIX);
      out.write(id);
    }
    for (int fid : ctx.state().fileIds()) {
      out.write(fid >>> 8);
      out.write(fid);
    }
    return Response.ok(out.toByteArray());
  }
}
