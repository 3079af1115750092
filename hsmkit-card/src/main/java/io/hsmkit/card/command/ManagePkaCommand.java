package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.card.cvc.AuthenticatedRequest;
import io.hsmkit.card.cvc.CvcPublicKey;
import io.hsmkit.card.cvc.ParsedCvc;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.PkaState;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * MANAGE PUBLIC KEY AUTHENTICATION (80 54 00 00), docs/protocol.md#pka. Both forms answer the
 * 4-byte status {@code total, missing, required, authenticated}; a card not initialized with tag
 * 93 answers {@code 6D00} (sc-hsm-tool: "Card not initialized for public key registration").
 *
 * <p>With data (the contents of an authenticated request {@code 67}: {@code 7F21, 42 outer CAR,
 * 5F37 outer signature}) it registers the request's public key. The outer CAR must be the device
 * key MSE SET selected, which PSO VERIFY CERTIFICATE accepted in this session; the outer
 * signature (that device key over {@code 7F21 || 42}) and the inner one (the new key over its
 * body: possession) must verify. No PIN is needed, as on the real card (sc-hsm-tool sends none);
 * once all M keys are registered no further key is accepted ({@code 6A84}); a CHR registered
 * already answers {@code 6A89}.
 */
final class ManagePkaCommand implements CommandHandler {
  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1p2() != 0) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    PkaState p = Pka.configured(ctx);
    if (!apdu.hasData()) {
      return Response.ok(Pka.status(ctx, p));
    }
    var session = ctx.security().pka();
    CvcPublicKey device = session.selectedForVerify()
        .orElseThrow(() -> new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED));
    if (session.selectedDepth() != Pka.DEVICE) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    Tlv cvcTlv;
    String outerCar;
    byte[] outerSignature;
    ParsedCvc inner;
    CvcPublicKey key;
    try {
      List<Tlv> parts = Tlv.parseAll(Pka.unwrap(apdu.data(), Pka.TAG_REQUEST));
      if (parts.size() != 3 || parts.get(0).tag() != Tags.Cvc.CVC
          || parts.get(1).tag() != Tags.Cvc.CAR || parts.get(2).tag() != Tags.Cvc.SIGNATURE) {
        throw new SwException(StatusWord.WRONG_DATA);
      }
      cvcTlv = parts.get(0);
      outerCar = new String(parts.get(1).value(), StandardCharsets.US_ASCII);
      outerSignature = parts.get(2).value();
      inner = ParsedCvc.ofContents(cvcTlv.value());
      key = CvcPublicKey.ofBody(inner.chr(), inner.body(), null);
    } catch (TlvException | IllegalArgumentException e) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    if (!outerCar.equals(device.chr())) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    byte[] outerSigned =
        AuthenticatedRequest.outerSignedData(cvcTlv.encode(), outerCar.getBytes(StandardCharsets.US_ASCII));
    if (!device.verify(outerSigned, outerSignature)
        || !key.verify(inner.signedBody(), inner.signature())) {
      throw new SwException(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    }
    if (p.find(inner.chr()).isPresent()) {
      throw new SwException(StatusWord.FILE_ALREADY_EXISTS);
    }
    if (p.missing() == 0) {
      throw new SwException(StatusWord.NOT_ENOUGH_MEMORY);
    }
    PkaState next = p.with(new PkaState.Registered(inner.chr(), cvcTlv.encode()));
    ctx.edit().setPka(next);
    return Response.ok(Pka.status(ctx, next));
  }
}
