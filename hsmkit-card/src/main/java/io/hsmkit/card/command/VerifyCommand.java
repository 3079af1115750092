package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.PinReferences;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;

/**
 * VERIFY (20), docs/protocol.md#verify.
 *
 * <ul>
 *   <li>P2 81 with data: user login, which opens the master key for the session and folds DKEK
 *       shares imported without a PIN into the sealed DKEK; 63Cx on a wrong PIN, 6983 on the one
 *       that uses up the last try and once blocked, 6984 while the transport PIN is active, 6A88
 *       before INITIALIZE.
 *   <li>P2 81 without data: status query (9000 when verified, else 63Cx / 6983 / 6984).
 *   <li>P2 88: SO-PIN status (63Cx, 6983) or, with 8 bytes of data, an SO-PIN check. Before
 *       INITIALIZE both 81 and 88 answer 6A88, which CardContact's module reads as "not
 *       initialized" (docs/interop.md, "Before INITIALIZE").
 *   <li>P2 85 / 86 (PIN pad and biometric probes): 6A88, so OpenSC does not announce a protected
 *       authentication path (docs/protocol.md#pin-pad-probe).
 * </ul>
 */
final class VerifyCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1() != 0x00) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    switch (apdu.p2()) {
      case PinReferences.USER_PIN -> {
        return user(ctx, apdu);
      }
      case PinReferences.SO_PIN -> {
        return so(ctx, apdu);
      }
      case PinReferences.PIN_PAD, PinReferences.BIOMETRIC -> throw new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND);
      default -> throw new SwException(StatusWord.INCORRECT_P1P2);
    }
  }

  private static Response user(CommandContext ctx, CommandApdu apdu) throws SwException {
    ctx.requireInitialized();
    if (!apdu.hasData()) {
      if (ctx.security().userPinVerified()) {
        return Response.ok();
      }
      throw new SwException(PinCheck.userStatus(ctx.state()));
    }
    if (apdu.dataLength() > PinCheck.USER_PIN_MAX) {
      throw new SwException(StatusWord.WRONG_LENGTH);
    }
    if (ctx.state().transportPin() && ctx.state().userTriesLeft() > 0) {
      throw new SwException(StatusWord.REFERENCE_DATA_NOT_USABLE);
    }
    byte[] pin = apdu.data();
    byte[] mk = null;
    try {
      mk = PinCheck.verifyUser(ctx, pin);
      PinCheck.login(ctx, mk);
    } finally {
      java.util.Arrays.fill(pin, (byte) 0);
      PinCheck.wipe(mk);
    }
    return Response.ok();
  }

  private static Response so(CommandContext ctx, CommandApdu apdu) throws SwException {
    ctx.requireInitialized();
    if (!apdu.hasData()) {
      int tries = ctx.state().soTriesLeft();
      throw new SwException(
          tries == 0 ? StatusWord.AUTHENTICATION_METHOD_BLOCKED : StatusWord.verifyFailed(tries));
    }
    if (apdu.dataLength() != PinCheck.SO_PIN_LENGTH) {
      throw new SwException(StatusWord.WRONG_LENGTH);
    }
    byte[] pin = apdu.data();
    try {
      PinCheck.wipe(PinCheck.verifySo(ctx, pin));
    } finally {
      java.util.Arrays.fill(pin, (byte) 0);
    }
    return Response.ok();
  }
}
