package io.hsmkit.card.command;

import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.Vault;
import java.util.Arrays;
import java.util.Optional;

/**
 * The PIN rules shared by VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER and INITIALIZE.
 *
 * <p>No PIN is stored: a PIN is right when the master key wrapped under Argon2id(PIN) opens (the
 * AES-GCM tag check, constant-time), so a check costs one Argon2 run unless the RAM fast path knows
 * the PIN ({@link io.hsmkit.card.seal.Keyring}). Anti-tearing: the retry counter is decremented and
 * made durable <em>before</em> the PIN is checked, and restored only after a match, so cutting
 * power mid-command can never give a try back.
 *
 * <p>The wrong PIN that uses up the last try answers {@code 6983} at once, not {@code 63C0}: so do
 * the real card and pico-hsm, and CardContact's module reports CKR_PIN_LOCKED only from {@code
 * 6983} (docs/interop.md, "The attempt that blocks a PIN"). The count of tries is unchanged: with
 * 3 tries the third wrong PIN blocks.
 */
final class PinCheck {
  static final int USER_PIN_MIN = 6;
  static final int USER_PIN_MAX = 16;
  static final int SO_PIN_LENGTH = 8;

  private PinCheck() {}

  /**
   * Checks the user PIN and returns the master key it opened (the caller wipes it); on success the
   * counter is reset (committed with the command).
   */
  static byte[] verifyUser(CommandContext ctx, byte[] candidate) throws SwException {
    CardState before = ctx.state();
    int tries = before.userTriesLeft();
    if (tries == 0) {
      throw new SwException(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    }
    Vault vault = vault(before);
    int max = before.userRetryMax();
    ctx.edit().setUserTriesLeft(tries - 1);
    ctx.commitNow();
    Optional<byte[]> mk = ctx.keyring().openWithUserPin(vault, candidate);
    if (mk.isEmpty()) {
      ctx.security().logout();
      throw wrongPin(tries - 1);
    }
    ctx.edit().setUserTriesLeft(max);
    return mk.get();
  }

  /** Checks the SO-PIN (8 bytes, 15 tries, never unblocked); returns the master key it opened. */
  static byte[] verifySo(CommandContext ctx, byte[] candidate) throws SwException {
    CardState before = ctx.state();
    int tries = before.soTriesLeft();
    if (tries == 0) {
      throw new SwException(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    }
    Vault vault = vault(before);
    ctx.edit().setSoTriesLeft(tries - 1);
    ctx.commitNow();
    Optional<byte[]> mk = ctx.keyring().openWithSoPin(vault, candidate);
    if (mk.isEmpty()) {
      throw wrongPin(tries - 1);
    }
    ctx.edit().setSoTriesLeft(CardState.SO_PIN_MAX_TRIES);
    return mk.get();
  }

  /**
   * Starts the user session with {@code mk}: DKEK shares imported without a PIN are folded into
   * the sealed DKEK now (committed with the command), then the login holds the master key.
   */
  static void login(CommandContext ctx, byte[] mk) {
    CardState s = ctx.state();
    if (!s.pendingShares().isEmpty()) {
      wipe(ctx.keyring().foldShares(ctx.edit(), mk));
    } else if (s.dkekShares() >= 0 && s.dkekSealed().length > 0) {
      wipe(ctx.keyring().learnDkek(s, mk)); // nothing to fold: only teaches RAM the DKEK
    }
    ctx.security().login(mk);
  }

  /** A wrong PIN: {@code 63Cx} with the tries left, or {@code 6983} when none is left. */
  private static SwException wrongPin(int triesLeft) {
    return new SwException(
        triesLeft == 0
            ? StatusWord.AUTHENTICATION_METHOD_BLOCKED
            : StatusWord.verifyFailed(triesLeft));
  }

  private static Vault vault(CardState s) throws SwException {
    if (s.vault() == null) {
      throw new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND);
    }
    return s.vault();
  }

  static void wipe(byte[] b) {
    if (b != null) {
      Arrays.fill(b, (byte) 0);
    }
  }

  static void checkUserPinLength(int length) throws SwException {
    if (length < USER_PIN_MIN || length > USER_PIN_MAX) {
      throw new SwException(StatusWord.WRONG_LENGTH);
    }
  }

  /** The status a user-PIN status query answers with when the PIN is not verified. */
  static StatusWord userStatus(CardState s) {
    if (s.userTriesLeft() == 0) {
      return StatusWord.AUTHENTICATION_METHOD_BLOCKED;
    }
    if (s.transportPin()) {
      return StatusWord.REFERENCE_DATA_NOT_USABLE;
    }
    return StatusWord.verifyFailed(s.userTriesLeft());
  }
}
