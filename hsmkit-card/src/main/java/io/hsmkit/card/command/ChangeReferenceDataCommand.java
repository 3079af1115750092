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
 * CHANGE REFERENCE DATA (24), docs/protocol.md#change-reference-data. P2 81: {@code old || new} user PIN, split
 * at the stored PIN's length (this also ends transport-PIN mode). P2 88: 8-byte old and new
 * SO-PIN. Either way the old PIN opens the master key and the new one re-wraps it: keys and DKEK
 * stay as they are.
 */
final class ChangeReferenceDataCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1() != 0x00) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    ctx.requireInitialized();
    byte[] data = apdu.data();
    try {
      switch (apdu.p2()) {
        case PinReferences.USER_PIN -> changeUser(ctx, data);
        case PinReferences.SO_PIN -> changeSo(ctx, data);
        default -> throw new SwException(StatusWord.INCORRECT_P1P2);
      }
    } finally {
      Arrays.fill(data, (byte) 0);
    }
    return Response.ok();
  }

  private static void changeUser(CommandContext ctx, byte[] data) throws SwException {
    int oldLen = ctx.state().userPinLength();
    if (data.length <= oldLen) {
      throw new SwException(StatusWord.WRONG_LENGTH);
    }
    PinCheck.checkUserPinLength(data.length - oldLen);
    byte[] old = Arrays.copyOf(data, oldLen);
    byte[] next = Arrays.copyOfRange(data, oldLen, data.length);
    byte[] mk = null;
    try {
      mk = PinCheck.verifyUser(ctx, old);
      ctx.edit().setVault(ctx.keyring().withUserPin(ctx.state().vault(), mk, next));
      ctx.edit().setTransportPin(false);
      ctx.edit().setUserTriesLeft(ctx.state().userRetryMax());
      PinCheck.login(ctx, mk);
    } finally {
      Arrays.fill(old, (byte) 0);
      Arrays.fill(next, (byte) 0);
      PinCheck.wipe(mk);
    }
  }

  private static void changeSo(CommandContext ctx, byte[] data) throws SwException {
    if (data.length != 2 * PinCheck.SO_PIN_LENGTH) {
      throw new SwException(StatusWord.WRONG_LENGTH);
    }
    byte[] old = Arrays.copyOf(data, PinCheck.SO_PIN_LENGTH);
    byte[] next = Arrays.copyOfRange(data, PinCheck.SO_PIN_LENGTH, data.length);
    byte[] mk = null;
    try {
      mk = PinCheck.verifySo(ctx, old);
      ctx.edit().setVault(ctx.keyring().withSoPin(ctx.state().vault(), mk, next));
    } finally {
      Arrays.fill(old, (byte) 0);
      Arrays.fill(next, (byte) 0);
      PinCheck.wipe(mk);
    }
  }
}
