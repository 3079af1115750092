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
import io.hsmkit.card.state.StateDraft;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * IMPORT DKEK SHARE (80 52 00 00), docs/protocol.md#import-dkek-share: with 32 bytes of data, XOR a share
 * into the DKEK; without data, only report. The answer is {@code total outstanding KCV(8)}. No PIN
 * is needed (sc-hsm-tool imports without logging in). A device initialized without a DKEK answers
 * {@code 6D00}, as sc-hsm-tool expects; a share beyond the configured count {@code 6986}.
 *
 * <p>Keys at rest: with the user PIN verified the share is folded into the DKEK sealed under the
 * master key at once. Without it (the usual case) the share is stored sealed to the card's import
 * public key and folded at the next VERIFY; the card's RAM keeps the accumulated DKEK meanwhile so
 * the KCV can be answered. When RAM does not know it (the card was restarted after some shares
 * and before any VERIFY) the share is still stored and counted, and the KCV field is {@code
 * 0000000000000000} ("not known yet") until the next VERIFY folds the shares.
 *
 * <p>Deviation from the chip (SECURITY.md, "Degenerate DKEKs"): the chip XORs whatever arrives,
 * so the same share imported twice cancels to an all-zero DKEK that anyone can compute. This card
 * answers {@code 6A80} to an all-zero share, to a share already imported since INITIALIZE (it keeps
 * salted digests, {@link CardState#shareDigests()}) and to a share that would make a known
 * accumulator all zero, and changes nothing.
 */
final class ImportDkekShareCommand implements CommandHandler {
  static final byte[] UNKNOWN_KCV = new byte[8];

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1p2() != 0) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    CardState s = ctx.state();
    if (!s.initialized() || s.dkekShares() < 0) {
      throw new SwException(StatusWord.INS_NOT_SUPPORTED);
    }
    if (apdu.hasData()) {
      if (apdu.dataLength() != Dkek.LENGTH) {
        throw new SwException(StatusWord.WRONG_LENGTH);
      }
      if (s.dkekImported() >= s.dkekShares()) {
        throw new SwException(StatusWord.COMMAND_NOT_ALLOWED_NO_EF);
      }
      byte[] share = apdu.data();
      try {
        byte[] digest = digest(s, share);
        boolean repeated =
            s.shareDigests().stream().anyMatch(d -> MessageDigest.isEqual(d, digest));
        if (isZero(share) || repeated) {
          throw new SwException(StatusWord.WRONG_DATA);
        }
        if (ctx.security().userPinVerified()) {
          importOpen(ctx, share);
        } else {
          importSealed(ctx, share);
        }
        StateDraft w = ctx.edit();
        List<byte[]> digests = new ArrayList<>(w.state().shareDigests());
        digests.add(digest);
        w.setShareDigests(digests);
      } finally {
        Arrays.fill(share, (byte) 0);
      }
      s = ctx.state();
    }
    byte[] kcv = s.dkekKcv();
    byte[] out = new byte[10];
    out[0] = (byte) s.dkekShares();
    out[1] = (byte) Math.max(0, s.dkekShares() - s.dkekImported());
    System.arraycopy(kcv.length == 8 ? kcv : UNKNOWN_KCV, 0, out, 2, 8);
    return Response.ok(out);
  }

  /** Logged in: fold straight into the sealed DKEK. */
  private static void importOpen(CommandContext ctx, byte[] share) throws SwException {
    byte[] mk = ctx.masterKey();
    Keyring keyring = ctx.keyring();
    StateDraft w = ctx.edit();
    byte[] acc = keyring.foldShares(w, mk);
    byte[] next = Dkek.combine(acc, share);
    try {
      if (isZero(next)) {
        throw new SwException(StatusWord.WRONG_DATA);
      }
      w.setDkek(w.state().dkekShares(), w.state().dkekImported() + 1, keyring.sealDkek(mk, next), Dkek.kcv(next));
      keyring.rememberDkek(w.state(), next);
    } finally {
      Arrays.fill(acc, (byte) 0);
      Arrays.fill(next, (byte) 0);
    }
  }

  /** No PIN: seal the share to the import key; KCV from RAM when it knows the accumulator. */
  private static void importSealed(CommandContext ctx, byte[] share) throws SwException {
    Keyring keyring = ctx.keyring();
    CardState before = ctx.state();
    Optional<byte[]> known = keyring.knownDkek(before);
    if (known.isEmpty() && before.dkekImported() == 0 && before.pendingShares().isEmpty()) {
      known = Optional.of(new byte[Dkek.LENGTH]); // INITIALIZE starts the accumulator at zero
    }
    if (known.isPresent() && Arrays.equals(known.get(), share)) {
      Arrays.fill(known.get(), (byte) 0);
      throw new SwException(StatusWord.WRONG_DATA); // the XOR would be all zero
    }
    StateDraft w = ctx.edit();
    List<byte[]> pending = new ArrayList<>(w.state().pendingShares());
    pending.add(keyring.sealShare(w.state().vault(), share, pending.size()));
    w.setPendingShares(pending);
    if (known.isPresent()) {
      byte[] next = Dkek.combine(known.get(), share);
      w.setDkek(w.state().dkekShares(), w.state().dkekImported() + 1, w.state().dkekSealed(), Dkek.kcv(next));
      keyring.rememberDkek(w.state(), next);
      Arrays.fill(next, (byte) 0);
      Arrays.fill(known.get(), (byte) 0);
    } else {
      w.setDkek(w.state().dkekShares(), w.state().dkekImported() + 1, w.state().dkekSealed(), new byte[0]);
    }
  }

  private static byte[] digest(CardState s, byte[] share) {
    return shareDigest(s, "hsmkit dkek share digest", share);
  }

  /**
   * SHA-256 over a label, the card's vault salt and the share, cut to 16 bytes; also the key
   * domains' share digest, with their own label.
   */
  static byte[] shareDigest(CardState s, String label, byte[] share) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(label.getBytes(StandardCharsets.US_ASCII));
      if (s.vault() != null) {
        md.update(s.vault().salt());
      }
      return Arrays.copyOf(md.digest(share), 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean isZero(byte[] b) {
    int acc = 0;
    for (byte x : b) {
      acc |= x;
    }
    return acc == 0;
  }
}
