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
 * WRAP KEY (80 72 id 92), docs/protocol.md#wrap-unwrap: the key encrypted under the DKEK
 * (docs/protocol.md#key-blob), or under the KEK of the key's domain (docs/protocol.md#key-domains). Needs
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
    KeyRecord inDomain = ctx.state().key(apdu.p1());
    int domain = inDomain == null || apdu.p1() == 0 ? 0 : ctx.state().keyDomain(apdu.p1());
    if (domain == 0) {
      requireCompleteDkek(ctx);
    } else {
      requireCompleteDomain(ctx, domain);
    }
    if (apdu.p1() == 0) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    KeyRecord key = ctx.state().key(apdu.p1());
    if (key == null) {
      throw new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND);
    }
    byte[] dkek = openKek(ctx, domain);
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

  /**
   * A key of domain {@code d} >= 1 (docs/protocol.md#key-domains): the domain must be complete,
   * {@code 6985} otherwise, the DKEK's answer to missing shares.
   */
  static void requireCompleteDomain(CommandContext ctx, int d) throws SwException {
    var dom = ctx.state().domain(d);
    if (dom == null || !dom.complete()) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
  }

  /** The plaintext KEK of domain {@code d} (0 = the DKEK); the caller wipes it. */
  static byte[] openKek(CommandContext ctx, int d) throws SwException {
    return d == 0
        ? Keyring.openDkek(ctx.masterKey(), ctx.state().dkekSealed())
        : Keyring.openDomainKek(ctx.masterKey(), d, ctx.state().domain(d).sealed());
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
