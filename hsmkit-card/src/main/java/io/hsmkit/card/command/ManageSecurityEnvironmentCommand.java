package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.PkaState;

/**
 * MANAGE SECURITY ENVIRONMENT SET (00 22 81 xx, data {@code 83 CHR}), docs/protocol.md#pka:
 *
 * <ul>
 *   <li>P2 {@code B6} (DST): select a known public key for PSO VERIFY CERTIFICATE or MANAGE PKA;
 *       {@code 6A88} if the card does not know it (sc-hsm-tool asks this way whether a key is
 *       known, card-sc-hsm.c {@code verify_certificate}).
 *   <li>P2 {@code A4} (AT): select a registered key for EXTERNAL AUTHENTICATE; {@code 6A88} if
 *       none is registered under the CHR.
 * </ul>
 */
final class ManageSecurityEnvironmentCommand implements CommandHandler {
  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1() != 0x81 || (apdu.p2() != 0xB6 && apdu.p2() != 0xA4)) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    String chr = Pka.chrOf(apdu.data());
    if (apdu.p2() == 0xB6) {
      Pka.Known k = Pka.known(ctx, chr)
          .orElseThrow(() -> new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND));
      ctx.security().pka().selectForVerify(k.key(), k.depth());
      return Response.ok();
    }
    PkaState p = ctx.state().pka();
    if (p == null || p.find(chr).isEmpty()) {
      throw new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND);
    }
    ctx.security().pka().selectForAuth(chr);
    return Response.ok();
  }
}
