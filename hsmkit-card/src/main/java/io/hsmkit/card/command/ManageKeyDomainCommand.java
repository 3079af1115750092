package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.dkek.Dkek;
import io.hsmkit.card.seal.Keyring;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.KeyDomain;
import io.hsmkit.card.state.StateDraft;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MANAGE KEY DOMAIN (80 52 P1 P2, P2 = domain), docs/protocol.md#key-domains. Domain 0 is the
 * DKEK: P1P2 = 0000 is IMPORT DKEK SHARE exactly as before ({@link ImportDkekShareCommand}).
 *
 * <ul>
 *   <li>P1 00: import a 32-byte share into domain P2, or without data report it; the answer is
 *       {@code total outstanding KCV(8)}, as for the DKEK.
 *   <li>P1 01: create a DKEK domain of {@code n} shares (1 data byte, 1..255) in an empty slot;
 *       answers the status.
 *   <li>P1 02: XKEK domains are not emulated: {@code 6A81}.
 *   <li>P1 03: delete the domain; {@code 6985} while a key belongs to it.
 *   <li>P1 04: clear the KEK: every share has to be imported again; answers the status.
 * </ul>
 *
 * <p>Refusals: not initialized {@code 6D00} (as IMPORT DKEK SHARE); P1 above 04 or P2 outside the
 * slots INITIALIZE made {@code 6A86}; an empty slot {@code 6A88} (domain 0 without a DKEK: {@code
 * 6D00}, what sc-hsm-tool reads as "not initialized for key shares"); a used slot on create
 * {@code 6A89}; create, delete, clear and a share into a domain above 0 need the user PIN ({@code
 * 6982}): hsmkit folds such a share into the sealed KEK at once rather than keep a second pending
 * list (the DKEK's import without a PIN stays as it was).
 */
final class ManageKeyDomainCommand implements CommandHandler {
  static final int IMPORT = 0x00;
  static final int CREATE_DKEK = 0x01;
  static final int CREATE_XKEK = 0x02;
  static final int DELETE = 0x03;
  static final int CLEAR = 0x04;

  private final ImportDkekShareCommand dkek = new ImportDkekShareCommand();

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    int p1 = apdu.p1();
    int d = apdu.p2();
    if (p1 == IMPORT && d == 0) {
      return dkek.handle(ctx, apdu); // the DKEK, unchanged
    }
    CardState s = ctx.state();
    if (!s.initialized()) {
      throw new SwException(StatusWord.INS_NOT_SUPPORTED);
    }
    if (p1 > CLEAR || d >= s.domainCount()) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    if (p1 == CREATE_XKEK) {
      throw new SwException(StatusWord.FUNCTION_NOT_SUPPORTED);
    }
    if (p1 == CREATE_DKEK) {
      return create(ctx, apdu, d);
    }
    if (d == 0 ? s.dkekShares() < 0 : s.domain(d) == null) {
      throw new SwException(d == 0 ? StatusWord.INS_NOT_SUPPORTED : StatusWord.REFERENCED_DATA_NOT_FOUND);
    }
    return switch (p1) {
      case IMPORT -> importShare(ctx, apdu, d);
      case DELETE -> delete(ctx, apdu, d);
      default -> clear(ctx, apdu, d);
    };
  }

  private static Response create(CommandContext ctx, CommandApdu apdu, int d) throws SwException {
    if (apdu.dataLength() != 1) {
      throw new SwException(StatusWord.WRONG_LENGTH);
    }
    int shares = apdu.data()[0] & 0xFF;
    if (shares == 0) {
      throw new SwException(StatusWord.WRONG_DATA); // a random KEK cannot be shared: no domain
    }
    CardState s = ctx.state();
    if (d == 0 ? s.dkekShares() >= 0 : s.domain(d) != null) {
      throw new SwException(StatusWord.FILE_ALREADY_EXISTS);
    }
    ctx.requireUserPin();
    byte[] zero = new byte[Dkek.LENGTH];
    StateDraft w = ctx.edit();
    if (d == 0) {
      w.setDkek(shares, 0, ctx.keyring().sealDkek(ctx.masterKey(), zero), Dkek.kcv(zero));
      w.setPendingShares(List.of());
      w.setShareDigests(List.of());
      ctx.keyring().rememberDkek(w.state(), zero);
    } else {
      w.putDomain(d, new KeyDomain(shares, 0, ctx.keyring().sealDomainKek(ctx.masterKey(), d, zero),
          Dkek.kcv(zero), List.of()));
    }
    return Response.ok(status(w.state(), d));
  }

  private static Response importShare(CommandContext ctx, CommandApdu apdu, int d)
      throws SwException {
    if (apdu.hasData()) {
      if (apdu.dataLength() != Dkek.LENGTH) {
        throw new SwException(StatusWord.WRONG_LENGTH);
      }
      KeyDomain dom = ctx.state().domain(d);
      if (dom.imported() >= dom.shares()) {
        throw new SwException(StatusWord.COMMAND_NOT_ALLOWED_NO_EF);
      }
      ctx.requireUserPin();
      byte[] share = apdu.data();
      byte[] acc = null;
      byte[] next = null;
      try {
        byte[] digest = digest(ctx.state(), d, share);
        if (dom.shareDigests().stream().anyMatch(x -> MessageDigest.isEqual(x, digest))) {
          throw new SwException(StatusWord.WRONG_DATA);
        }
        byte[] mk = ctx.masterKey();
        acc = Keyring.openDomainKek(mk, d, dom.sealed());
        next = Dkek.combine(acc, share);
        if (ImportDkekShareCommand.isZero(share) || ImportDkekShareCommand.isZero(next)) {
          throw new SwException(StatusWord.WRONG_DATA); // SECURITY.md "Degenerate DKEKs"
        }
        List<byte[]> digests = new ArrayList<>(dom.shareDigests());
        digests.add(digest);
        ctx.edit().putDomain(d, new KeyDomain(dom.shares(), dom.imported() + 1,
            ctx.keyring().sealDomainKek(mk, d, next), Dkek.kcv(next), digests));
      } finally {
        PinCheck.wipe(acc);
        PinCheck.wipe(next);
        Arrays.fill(share, (byte) 0);
      }
    }
    return Response.ok(status(ctx.state(), d));
  }

  private static Response delete(CommandContext ctx, CommandApdu apdu, int d) throws SwException {
    if (apdu.hasData()) {
      throw new SwException(StatusWord.WRONG_LENGTH);
    }
    ctx.requireUserPin();
    CardState s = ctx.state();
    boolean used = s.keys().keySet().stream().anyMatch(id -> id != 0 && s.keyDomain(id) == d);
    if (used) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    StateDraft w = ctx.edit();
    if (d == 0) {
      w.setDkek(-1, 0, new byte[0], new byte[0]);
      w.setPendingShares(List.of());
      w.setShareDigests(List.of());
      ctx.keyring().forgetDkek();
    } else {
      w.deleteDomain(d);
    }
    return Response.ok();
  }

  private static Response clear(CommandContext ctx, CommandApdu apdu, int d) throws SwException {
    if (apdu.hasData()) {
      throw new SwException(StatusWord.WRONG_LENGTH);
    }
    ctx.requireUserPin();
    CardState s = ctx.state();
    if (d == 0 && s.dkekShares() == 0) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED); // random DKEK: no shares
    }
    byte[] zero = new byte[Dkek.LENGTH];
    StateDraft w = ctx.edit();
    if (d == 0) {
      w.setDkek(s.dkekShares(), 0, ctx.keyring().sealDkek(ctx.masterKey(), zero), Dkek.kcv(zero));
      w.setPendingShares(List.of());
      w.setShareDigests(List.of());
      ctx.keyring().rememberDkek(w.state(), zero);
    } else {
      w.putDomain(d, new KeyDomain(s.domain(d).shares(), 0,
          ctx.keyring().sealDomainKek(ctx.masterKey(), d, zero), Dkek.kcv(zero), List.of()));
    }
    return Response.ok(status(w.state(), d));
  }

  /** The domain of a {@code 92} tag on GENERATE: exactly one byte, 0 when the tag is absent. */
  static int domainTag(java.util.Optional<io.hsmkit.apdu.Tlv> tag) throws SwException {
    if (tag.isEmpty()) {
      return 0;
    }
    if (tag.get().length() != 1) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    return tag.get().value()[0] & 0xFF;
  }

  /**
   * A key may go into domain {@code d} when the slot exists and holds a domain ({@code 6A88}
   * otherwise); 0 without a DKEK is fine, as before key domains. The KEK need not be complete yet:
   * that matters only to WRAP and UNWRAP.
   */
  static void requireDomain(CardState s, int d) throws SwException {
    if (d == 0) {
      return;
    }
    if (d >= s.domainCount() || s.domain(d) == null) {
      throw new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND);
    }
  }

  /** {@code total outstanding KCV(8)}, the DKEK's status layout. */
  static byte[] status(CardState s, int d) {
    int total;
    int imported;
    byte[] kcv;
    if (d == 0) {
      total = s.dkekShares();
      imported = s.dkekImported();
      kcv = s.dkekKcv();
    } else {
      KeyDomain dom = s.domain(d);
      total = dom.shares();
      imported = dom.imported();
      kcv = dom.kcv();
    }
    byte[] out = new byte[10];
    out[0] = (byte) total;
    out[1] = (byte) Math.max(0, total - imported);
    System.arraycopy(kcv.length == 8 ? kcv : ImportDkekShareCommand.UNKNOWN_KCV, 0, out, 2, 8);
    return out;
  }

  /** As the DKEK's share digests, with the domain number bound in. */
  private static byte[] digest(CardState s, int d, byte[] share) {
    return ImportDkekShareCommand.shareDigest(s, "hsmkit key domain " + d + " share digest", share);
  }
}
