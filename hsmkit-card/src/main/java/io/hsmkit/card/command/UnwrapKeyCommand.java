package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.dkek.KeyBlob;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.KeyDomain;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * UNWRAP KEY (80 74 id 93), docs/protocol.md#wrap-unwrap: imports a key blob (docs/protocol.md#key-blob) under key reference
 * {@code id}, which must be free ({@code 6A89}). The blob comes in the command (OpenSC 0.23) or,
 * with no data, from EF 2F10 written just before (OpenSC 0.24+; the EF is deleted afterwards). Any
 * blob that fails a check — wrong DKEK, bad CMAC, malformed, inconsistent key — answers {@code
 * 6A80} ("Wrapped key does not match DKEK" in sc-hsm-tool) and stores nothing. The APDU names no
 * key domain (OpenSC sends the bare blob): the card picks the domain by the blob's KCV ({@link
 * #domainOf}) and records it with the key (docs/protocol.md#key-domains).
 */
final class UnwrapKeyCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p2() != 0x93) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    ctx.requireUserPin();
    boolean domains = ctx.state().domains().values().stream().anyMatch(KeyDomain::complete);
    if (!domains) {
      WrapKeyCommand.requireCompleteDkek(ctx); // no other domain: exactly the DKEK's checks
    }
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
    int domain = domainOf(ctx.state(), blob);
    if (domain == 0) {
      WrapKeyCommand.requireCompleteDkek(ctx);
    }
    byte[] dkek = WrapKeyCommand.openKek(ctx, domain);
    try {
      ctx.edit().putKey(ctx.seal(KeyBlob.unwrap(blob, dkek, id)));
      ctx.edit().setKeyDomain(id, domain);
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

  /**
   * The domain whose KEK the blob names: the lowest complete domain whose KCV equals the blob's
   * first 8 bytes, domain 0 (the DKEK) first; 0 when none matches, so that the DKEK's checks and
   * answers apply as before.
   */
  static int domainOf(CardState s, byte[] blob) {
    if (blob.length < 8) {
      return 0;
    }
    byte[] kcv = Arrays.copyOf(blob, 8);
    if (s.dkekComplete() && MessageDigest.isEqual(kcv, s.dkekKcv())) {
      return 0;
    }
    for (var e : s.domains().entrySet()) {
      if (e.getValue().complete() && MessageDigest.isEqual(kcv, e.getValue().kcv())) {
        return e.getKey();
      }
    }
    return 0;
  }
}
