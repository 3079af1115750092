package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.card.cvc.CvcPublicKey;
import io.hsmkit.card.cvc.ParsedCvc;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.PkaState;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * EXTERNAL AUTHENTICATE (00 82 00 00, data = signature), docs/protocol.md#pka: a registered key
 * (selected with MSE SET AT) proves itself by signing, with SHA-256, this card's device CHR
 * followed by the challenge of the GET CHALLENGE before (EC: plain {@code r || s}). The challenge
 * is used up either way. When N registered keys have authenticated, the user is logged in as
 * with the PIN: the master key opens from its PKA wrap.
 *
 * <p>What the real card signs over is known only from a public issue thread and a third-party
 * reimplementation (docs/protocol.md#pka); a wrong signature answers {@code 6982}.
 */
final class ExternalAuthenticateCommand implements CommandHandler {
  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1p2() != 0) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    PkaState p = Pka.configured(ctx);
    var session = ctx.security().pka();
    byte[] challenge = session.takeChallenge()
        .orElseThrow(() -> new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED));
    String chr = session.selectedForAuth()
        .orElseThrow(() -> new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED));
    PkaState.Registered reg = p.find(chr)
        .orElseThrow(() -> new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND));
    if (!apdu.hasData()) {
      throw new SwException(StatusWord.WRONG_LENGTH);
    }
    CvcPublicKey key;
    try {
      ParsedCvc c = ParsedCvc.of(reg.cvc());
      key = CvcPublicKey.ofBody(chr, c.body(), null);
    } catch (TlvException | IllegalArgumentException e) {
      throw new IllegalStateException("registered key " + chr + " does not decode", e);
    }
    if (!key.verify(signedData(ctx.deviceChr(), challenge), apdu.data())) {
      throw new SwException(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    }
    session.addAuthenticated(chr);
    if (session.authenticatedCount() >= p.required() && !ctx.security().userPinVerified()) {
      byte[] mk = ctx.keyring().openForPka(ctx.state().vault(), p.masterWrap())
          .orElseThrow(() -> new IllegalStateException("the PKA master key wrap does not open"));
      try {
        PinCheck.login(ctx, mk);
      } finally {
        Arrays.fill(mk, (byte) 0);
      }
    }
    return Response.ok();
  }

  /** {@code device CHR || challenge}: what a registered key signs (with SHA-256). */
  static byte[] signedData(String deviceChr, byte[] challenge) {
    byte[] chr = deviceChr.getBytes(StandardCharsets.US_ASCII);
    byte[] d = Arrays.copyOf(chr, chr.length + challenge.length);
    System.arraycopy(challenge, 0, d, chr.length, challenge.length);
    return d;
  }
}
