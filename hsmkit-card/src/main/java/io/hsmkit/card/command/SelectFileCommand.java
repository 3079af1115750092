package io.hsmkit.card.command;

import io.hsmkit.apdu.Aid;
import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;

/**
 * SELECT (INS A4), docs/protocol.md#select: the applet by AID (clears the login), an EF by FID
 * (P1 00) or by a 2-byte path from the MF (P1 08). Unknown AIDs answer {@code 6A82} so that
 * OpenSC's CoolKey and Muscle drivers do not claim the card (docs/protocol.md#probes).
 */
final class SelectFileCommand implements CommandHandler {
  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p2() != 0x00 && apdu.p2() != 0x04 && apdu.p2() != 0x0C) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    boolean wantFcp = apdu.p2() != 0x0C;
    byte[] data = apdu.data();
    switch (apdu.p1()) {
      case 0x04 -> {
        if (!Aid.SMARTCARD_HSM.matches(data)) {
          throw new SwException(StatusWord.FILE_NOT_FOUND);
        }
        ctx.security().clear();
        return wantFcp ? Response.ok(Fcp.applet(ctx.state().options())) : Response.ok();
      }
      case 0x00, 0x08 -> {
        if (data.length == 0 && apdu.p1() == 0x00) {
          return selectMf(ctx, wantFcp); // select MF
        }
        if (data.length != 2) {
          throw new SwException(StatusWord.FILE_NOT_FOUND); // no DFs below the MF
        }
        int fid = ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
        if (fid == FileIds.MF) {
          return selectMf(ctx, wantFcp);
        }
        byte[] content = ctx.state().file(fid);
        if (content == null) {
          throw new SwException(StatusWord.FILE_NOT_FOUND);
        }
        ctx.security().setCurrentEf(fid);
        return wantFcp ? Response.ok(Fcp.ef(fid, content.length)) : Response.ok();
      }
      default -> throw new SwException(StatusWord.INCORRECT_P1P2);
    }
  }

  private static Response selectMf(CommandContext ctx, boolean wantFcp) {
    ctx.security().setCurrentEf(-1);
    return wantFcp ? Response.ok(Fcp.applet(ctx.state().options())) : Response.ok();
  }
}
