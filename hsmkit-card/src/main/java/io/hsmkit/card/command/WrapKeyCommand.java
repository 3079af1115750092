package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.dkek.KeyBlob;
import io.hsmkit.card.seal.Keyring;
import io.hsmkit.card.state.KeyRecord;
import java.util.Arrays;

/**
 * WRAP KEY (80 72 id 92), docs/protocol.md#wrap-unwrap: the key encrypted under the DKEK (docs/protocol.md#key-blob). Needs
 * the user PIN and a complete DKEK ({@code 6D00} without one, as sc-hsm-tool expects: "Card not
 * initialized for key wrap"). The device key never leaves the card. AES keys wrap as blob type
 * {@code 0F}.
 */
final class WrapKeyCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p2() != 0x92) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    ctx.requireUserPin();
    requireCompleteDkek(ctx);
    if (apdu.p1() == 0) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    KeyRecord key = ctx.state().key(apdu.p1());
    if (key == null) {
      throw new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND);
    }
    byte[] dkek = Keyring.openDkek(ctx.masterKey(), ctx.state().dkekSealed());
    try {
      if (!KeyUse.asymmetric(key)) { // AES: blob type 0F (docs/protocol.md#key-blob)
        byte[] secret = key.sealed() ? Keyring.unseal(key, ctx.masterKey()) : key.privateKey();
        try {
          return Response.ok(KeyBlob.wrapAes(key, secret, dkek, ctx.crypto()));
        } finally {
          Arrays.fill(secret, (byte) 0);
        }
      }
      return Response.ok(KeyBlob.wrap(key, ctx.prepared(key).privateKey(), dkek, ctx.crypto()));
    } finally {
      Arrays.fill(dkek, (byte) 0);
    }
  }

  /** No DKEK configured: {@code 6D00}; shares still missing: {@code 6985}. */
  static void requireCompleteDkek(CommandContext ctx) throws SwException {
    if (ctx.state().dkekShares() < 0) {
      throw new SwException(StatusWord.INS_NOT_SUPPORTED);
    }
    if (!ctx.state().dkekComplete()) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
  }
}
