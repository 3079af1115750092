package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.PinReferences;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import java.util.Arrays;

/**
 * RESET RETRY COUNTER (2C), docs/protocol.md#reset-retry-counter: with the SO-PIN, unblock the user PIN (P1
 * 01: data = SO-PIN) or unblock and set a new one (P1 00: data = SO-PIN || new PIN). Allowed only
 * when INITIALIZE enabled option 0x0001 ("User PIN reset with SO-PIN"); otherwise 6986. The SO-PIN
 * opens the master key and a new PIN re-wraps it, so keys survive a PIN reset by the SO.
 */
final class ResetRetryCounterCommand implements CommandHandler {
  static final int OPTION_RESET_RETRY_COUNTER = 0x0001;

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if ((apdu.p1() != 0x00 && apdu.p1() != 0x01) || apdu.p2() != PinReferences.USER_PIN) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    ctx.requireInitialized();
    if ((ctx.state().options() & OPTION_RESET_RETRY_COUNTER) == 0) {
      throw new SwException(StatusWord.COMMAND_NOT_ALLOWED_NO_EF);
    }
    byte[] data = apdu.data();
    byte[] so = null;
    byte[] pin = null;
    byte[] mk = null;
    try {
      if (apdu.p1() == 0x01) {
        if (data.length != PinCheck.SO_PIN_LENGTH) {
          throw new SwException(StatusWord.WRONG_LENGTH);
        }
        so = data.clone();
      } else {
        if (data.length <= PinCheck.SO_PIN_LENGTH) {
          throw new SwException(StatusWord.WRONG_LENGTH);
        }
        PinCheck.checkUserPinLength(data.length - PinCheck.SO_PIN_LENGTH);
        so = Arrays.copyOf(data, PinCheck.SO_PIN_LENGTH);
        pin = Arrays.copyOfRange(data, PinCheck.SO_PIN_LENGTH, data.length);
      }
      mk = PinCheck.verifySo(ctx, so);
      if (pin != null) {
        ctx.edit().setVault(ctx.keyring().withUserPin(ctx.state().vault(), mk, pin));
        ctx.edit().setTransportPin(false);
      }
      ctx.edit().setUserTriesLeft(ctx.state().userRetryMax());
      return Response.ok();
    } finally {
      Arrays.fill(data, (byte) 0);
      PinCheck.wipe(mk);
      if (so != null) {
        Arrays.fill(so, (byte) 0);
      }
      if (pin != null) {
        Arrays.fill(pin, (byte) 0);
      }
    }
  }
}
