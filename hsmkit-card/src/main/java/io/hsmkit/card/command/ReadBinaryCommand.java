package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SecurityStatus;
import io.hsmkit.card.dispatch.SwException;
import java.util.Arrays;

/**
 * READ BINARY with odd INS (B1), docs/protocol.md#read-binary. P1P2 {@code 0000} reads the current EF,
 * any other value reads that FID. Reading at the end of the file returns no bytes and 9000, which
 * is how OpenSC's read loop learns it is done. Keys are never readable; {@code CDxx} needs the PIN.
 */
final class ReadBinaryCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    OffsetData od = OffsetData.parse(apdu.data(), false);
    int fid = apdu.p1p2() == 0 ? ctx.security().currentEf() : apdu.p1p2();
    if (fid == SecurityStatus.NO_EF) {
      throw new SwException(StatusWord.COMMAND_NOT_ALLOWED_NO_EF);
    }
    if (FileIds.isKey(fid)) {
      throw new SwException(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    }
    byte[] content = ctx.state().file(fid);
    if (content == null) {
      throw new SwException(StatusWord.FILE_NOT_FOUND);
    }
    if (FileIds.isPrivateData(fid)) {
      ctx.requireUserPin();
    }
    if (od.offset() > content.length) {
      throw new SwException(StatusWord.WRONG_P1P2);
    }
    ctx.security().setCurrentEf(fid);
    int max = apdu.ne() < 0 ? 65536 : apdu.ne();
    int n = Math.min(max, content.length - od.offset());
    return Response.ok(Arrays.copyOfRange(content, od.offset(), od.offset() + n));
  }
}
