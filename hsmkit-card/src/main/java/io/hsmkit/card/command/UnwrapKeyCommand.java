package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.dkek.KeyBlob;
import io.hsmkit.card.seal.Keyring;
import java.util.Arrays;

/**
 * UNWRAP KEY (80 74 id 93), docs/protocol.md#wrap-unwrap: imports a key blob (docs/protocol.md#key-blob) under key reference
 * {@code id}, which must be free ({@code 6A89}). The blob comes in the command (OpenSC 0.23) or,
 * with no data, from EF 2F10 written just before (OpenSC 0.24+; the EF is deleted afterwards). Any
 * blob that fails a check — wrong DKEK, bad CMAC, malformed, inconsistent key — answers {@code
 * 6A80} ("Wrapped key does not match DKEK" in sc-hsm-tool) and stores nothing.
 */
final class UnwrapKeyCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p2() != 0x93) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    ctx.requireUserPin();
    WrapKeyCommand.requireCompleteDkek(ctx);
    int id = apdu.p1();
    if (id == 0) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    if (ctx.state().key(id) != null) {
      throw new SwException(StatusWord.FILE_ALREADY_EXISTS);
    }
    boolean fromTransfer = !apdu.hasData();
    byte[] blob = fromTransfer ? ctx.state().file(FileIds.UNWRAP_TRANSFER) : apdu.data();
    if (blob == null) {
      throw new SwException(StatusWord.FILE_NOT_FOUND);
    }
    byte[] dkek = Keyring.openDkek(ctx.masterKey(), ctx.state().dkekSealed());
    try {
      ctx.edit().putKey(ctx.seal(KeyBlob.unwrap(blob, dkek, id)));
    } catch (KeyBlob.InvalidBlobException e) {
      throw new SwException(StatusWord.WRONG_DATA);
    } finally {
      Arrays.fill(dkek, (byte) 0);
    }
    if (fromTransfer) {
      ctx.edit().deleteFile(FileIds.UNWRAP_TRANSFER);
    }
    return Response.ok();
  }
}
