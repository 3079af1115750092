package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.dkek.Dkek;
import io.hsmkit.card.state.CardState;
import java.util.Arrays;

/**
 * IMPORT DKEK SHARE (80 52 00 00), sc-hsm-protocol.md §2.11: with 32 bytes of data, XOR a share
 * into the DKEK; without data, only report. The answer is {@code total outstanding KCV(8)}. No PIN
 * is needed (sc-hsm-tool imports without logging in). A device initialized without a DKEK answers
 * {@code 6D00}, as sc-hsm-tool expects; a share beyond the configured count {@code 6986}.
 */
public final class ImportDkekShareCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1p2() != 0) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    CardState s = ctx.state();
    if (!s.initialized() || s.dkekShares() < 0) {
      throw new SwException(StatusWord.INS_NOT_SUPPORTED);
    }
    if (apdu.hasData()) {
      if (apdu.dataLength() != Dkek.LENGTH) {
        throw new SwException(StatusWord.WRONG_LENGTH);
      }
      if (s.dkekImported() >= s.dkekShares()) {
        throw new SwException(StatusWord.COMMAND_NOT_ALLOWED_NO_EF);
      }
      byte[] share = apdu.data();
      byte[] acc = s.dkek();
      byte[] next = Dkek.combine(acc, share);
      Arrays.fill(share, (byte) 0);
      Arrays.fill(acc, (byte) 0);
      ctx.edit().setDkek(s.dkekShares(), s.dkekImported() + 1, next);
      Arrays.fill(next, (byte) 0);
      s = ctx.state();
    }
    byte[] dkek = s.dkek();
    byte[] out = new byte[10];
    out[0] = (byte) s.dkekShares();
    out[1] = (byte) Math.max(0, s.dkekShares() - s.dkekImported());
    System.arraycopy(Dkek.kcv(dkek), 0, out, 2, 8);
    Arrays.fill(dkek, (byte) 0);
    return Response.ok(out);
  }
}
