package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;

/**
 * DELETE FILE (E4 02 00 + FID), docs/protocol.md#delete-file: deletes an EF or a key ({@code CCxx}).
 * The device key {@code CC00} and EF.C_DevAut cannot be deleted.
 */
final class DeleteFileCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1() != 0x02 || apdu.p2() != 0x00) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    if (apdu.dataLength() != 2) {
      throw new SwException(StatusWord.WRONG_LENGTH);
    }
    ctx.requireUserPin();
    byte[] d = apdu.data();
    int fid = ((d[0] & 0xFF) << 8) | (d[1] & 0xFF);
    if (fid == FileIds.KEY_PREFIX << 8 || fid == FileIds.DEV_AUT) { // the device key CC00
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    if (FileIds.isKey(fid)) {
      if (ctx.state().key(fid & 0xFF) == null) {
        throw new SwException(StatusWord.FILE_NOT_FOUND);
      }
      ctx.edit().deleteKey(fid & 0xFF);
      return Response.ok();
    }
    if (!ctx.state().hasFile(fid)) {
      throw new SwException(StatusWord.FILE_NOT_FOUND);
    }
    ctx.edit().deleteFile(fid);
    if (ctx.security().currentEf() == fid) {
      ctx.security().setCurrentEf(-1);
    }
    return Response.ok();
  }
}
