package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.card.cvc.CvcPublicKey;
import io.hsmkit.card.cvc.ParsedCvc;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import java.time.LocalDate;

/**
 * PSO VERIFY CERTIFICATE (00 2A 00 BE, data = contents of {@code 7F21}), docs/protocol.md#pka:
 * verifies a CVC with the key MSE SET selected and keeps its public key under its CHR for this
 * session. The CVC's CAR must name the selected key, its signature must verify, it must not have
 * expired, and the selected key must be a CA (root or DICA, {@link Pka}).
 */
final class VerifyCertificateCommand implements CommandHandler {
  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1() != 0x00 || apdu.p2() != 0xBE) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    var pka = ctx.security().pka();
    CvcPublicKey issuer = pka.selectedForVerify()
        .orElseThrow(() -> new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED));
    int depth = pka.selectedDepth();
    if (depth >= Pka.DEVICE) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    ParsedCvc cvc;
    CvcPublicKey subject;
    try {
      cvc = ParsedCvc.ofContents(Pka.unwrap(apdu.data(), Tags.Cvc.CVC));
      subject = CvcPublicKey.ofBody(cvc.chr(), cvc.body(), issuer);
    } catch (TlvException | IllegalArgumentException e) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    if (cvc.car().isEmpty() || !cvc.car().get().equals(issuer.chr())) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    if (!issuer.verify(cvc.signedBody(), cvc.signature())) {
      throw new SwException(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    }
    LocalDate today = LocalDate.now(ctx.clock());
    if (cvc.expires().isEmpty() || cvc.expires().get().isBefore(today)) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    pka.addVerified(subject, depth + 1);
    return Response.ok();
  }
}
