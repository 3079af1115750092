package io.hsmkit.card.command;

import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.card.cvc.CvcPublicKey;
import io.hsmkit.card.cvc.ParsedCvc;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.PkaState;
import java.util.Optional;

/**
 * The rules public key authentication's commands share (docs/protocol.md#pka): which public keys
 * the card knows, and the 4-byte status.
 *
 * <p>The card knows its trust anchor (the installation root, depth 0) and what PSO VERIFY
 * CERTIFICATE accepted in this session: a DICA (depth 1) and then device keys (depth 2). Only keys
 * of depth 0 and 1 may verify certificates, and only device keys (depth 2) may vouch for a
 * request: so a device key can never issue a "device" of its own.
 */
final class Pka {
  static final int ROOT = 0;
  static final int DEVICE = 2;

  private Pka() {}

  /** A known key by CHR with its depth in the chain. */
  record Known(CvcPublicKey key, int depth) {}

  static Optional<Known> known(CommandContext ctx, String chr) {
    Optional<Known> anchor = anchor(ctx.state()).filter(k -> k.key().chr().equals(chr));
    if (anchor.isPresent()) {
      return anchor;
    }
    return ctx.security().pka().verified(chr)
        .map(k -> new Known(k, ctx.security().pka().depth(chr)));
  }

  /** The trust anchor's key, from the self-signed root CVC the card was made with. */
  static Optional<Known> anchor(CardState s) {
    byte[] root = s.trustAnchor();
    if (root.length == 0) {
      return Optional.empty();
    }
    try {
      ParsedCvc c = ParsedCvc.of(root);
      return Optional.of(new Known(CvcPublicKey.ofBody(c.chr(), c.body(), null), ROOT));
    } catch (TlvException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The CHR of an MSE SET's data: exactly one {@code 83} TLV. */
  static String chrOf(byte[] data) throws SwException {
    try {
      var tlvs = Tlv.parseAll(data);
      if (tlvs.size() != 1 || tlvs.get(0).tag() != 0x83 || tlvs.get(0).length() == 0
          || tlvs.get(0).length() > 16) {
        throw new SwException(StatusWord.WRONG_DATA);
      }
      return new String(tlvs.get(0).value(), java.nio.charset.StandardCharsets.US_ASCII);
    } catch (TlvException e) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
  }

  /** The PKA configuration; {@code 6D00} on a card not initialized with tag 93, as OpenSC expects. */
  static PkaState configured(CommandContext ctx) throws SwException {
    PkaState p = ctx.state().pka();
    if (!ctx.state().initialized() || p == null) {
      throw new SwException(StatusWord.INS_NOT_SUPPORTED);
    }
    return p;
  }

  /** {@code total, missing, required, authenticated}, as sc-hsm-tool prints them. */
  static byte[] status(CommandContext ctx, PkaState p) {
    return new byte[] {
        (byte) p.total(), (byte) p.missing(), (byte) p.required(),
        (byte) ctx.security().pka().authenticatedCount()};
  }

  /** The value when {@code data} is one TLV with {@code tag}, else {@code data} itself. */
  static byte[] unwrap(byte[] data, int tag) throws SwException {
    try {
      Tlv t = Tlv.parseFirst(data);
      if (t.tag() == tag && Tlv.encodedLength(data) == data.length) {
        return t.value();
      }
    } catch (TlvException e) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    return data;
  }

  static final int TAG_REQUEST = Tags.Cvc.AUTHENTICATED_REQUEST;
}
