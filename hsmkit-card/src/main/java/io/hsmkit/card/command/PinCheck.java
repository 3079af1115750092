package io.hsmkit.card.command;

import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.CardState;
import java.security.MessageDigest;

/**
 * The PIN rules shared by VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER and INITIALIZE.
 *
 * <p>Anti-tearing: the retry counter is decremented and made durable <em>before</em> the PIN is
 * compared, and restored only after a match, so cutting power mid-command can never give a try
 * back. Comparison is constant-time ({@link MessageDigest#isEqual}).
 */
final class PinCheck {
  static final int USER_PIN_MIN = 6;
  static final int USER_PIN_MAX = 16;
  static final int SO_PIN_LENGTH = 8;

  private PinCheck() {}

  /** Checks the user PIN; on success the counter is reset (committed with the command). */
  static void verifyUser(CommandContext ctx, byte[] candidate) throws SwException {
    CardState before = ctx.state();
    int tries = before.userTriesLeft();
    if (tries == 0) {
      throw new SwException(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    }
    byte[] stored = before.userPin();
    int max = before.userRetryMax();
    ctx.edit().setUserTriesLeft(tries - 1);
    ctx.commitNow();
    boolean match = MessageDigest.isEqual(stored, candidate);
    java.util.Arrays.fill(stored, (byte) 0);
    if (!match) {
      ctx.security().setUserPinVerified(false);
      throw new SwException(StatusWord.verifyFailed(tries - 1));
    }
    ctx.edit().setUserTriesLeft(max);
  }

  /** Checks the SO-PIN (8 bytes, 15 tries, never unblocked). */
  static void verifySo(CommandContext ctx, byte[] candidate) throws SwException {
    CardState before = ctx.state();
    int tries = before.soTriesLeft();
    if (tries == 0) {
      throw new SwException(StatusWord.AUTHENTICATION_METHOD_BLOCKED);
    }
    byte[] stored = before.soPin();
    ctx.edit().setSoTriesLeft(tries - 1);
    ctx.commitNow();
    boolean match = MessageDigest.isEqual(stored, candidate);
    java.util.Arrays.fill(stored, (byte) 0);
    if (!match) {
      throw new SwException(StatusWord.verifyFailed(tries - 1));
    }
    ctx.edit().setSoTriesLeft(CardState.SO_PIN_MAX_TRIES);
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
