package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SecurityStatus;
import io.hsmkit.card.dispatch.SwException;

/**
 * UPDATE BINARY with odd INS (D7), docs/protocol.md#update-binary: creates the EF when it does not exist
 * ({@code 53 00} at offset 0 creates it empty), makes it current, and writes at the offset. A write
 * at offset 0 replaces the content; later chunks (OpenSC splits at 1215 bytes) extend it.
 */
final class UpdateBinaryCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    ctx.requireUserPin();
    OffsetData od = OffsetData.parse(apdu.data(), true);
    int fid = apdu.p1p2() == 0 ? ctx.security().currentEf() : apdu.p1p2();
    if (fid == SecurityStatus.NO_EF) {
      throw new SwException(StatusWord.COMMAND_NOT_ALLOWED_NO_EF);
    }
    if (FileIds.isReserved(fid)) {
      throw new SwException(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    }
    byte[] old = ctx.state().file(fid);
    if (old == null) {
      old = new byte[0];
    }
    int offset = od.offset();
    byte[] data = od.data();
    if (offset > old.length) {
      throw new SwException(StatusWord.WRONG_P1P2);
    }
    int end = offset + data.length;
    if (end > FileIds.MAX_EF_SIZE) {
      throw new SwException(StatusWord.NOT_ENOUGH_MEMORY);
    }
    byte[] next;
    if (offset == 0) {
      next = data;
    } else {
      next = new byte[Math.max(old.length, end)];
      System.arraycopy(old, 0, next, 0, old.length);
      System.arraycopy(data, 0, next, offset, data.length);
    }
    ctx.edit().putFile(fid, next);
    ctx.security().setCurrentEf(fid);
    return Response.ok();
  }
}
