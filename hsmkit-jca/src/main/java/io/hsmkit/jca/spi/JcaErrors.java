package io.hsmkit.jca.spi;

import io.hsmkit.apdu.StatusWord;
import io.hsmkit.client.HsmException;
import io.hsmkit.jca.NotLoggedInException;
import java.io.IOException;
import java.security.ProviderException;
import javax.security.auth.login.LoginException;

/**
 * Card and transport failures as JCA exceptions, in one place. The SPIs decide
 * which card answers are the caller's fault (bad input, key not allowed) and throw the checked
 * exception of their engine for those; everything else goes through here.
 */
final class JcaErrors {
  private JcaErrors() {}

  /**
   * A {@link ProviderException} for a card refusal. When the PIN was missing, its cause is a {@link
   * LoginException} (the failed login itself when the provider's CallbackHandler was tried).
   */
  static ProviderException card(HsmException e) {
    if (e instanceof NotLoggedInException n) {
      LoginException cause = n.loginFailure();
      if (cause == null) {
        cause = new LoginException(n.getMessage());
        cause.initCause(n);
      }
      return new ProviderException(n.getMessage(), cause);
    }
    return new ProviderException("SmartCardHSM: " + e.getMessage(), e);
  }

  static ProviderException transport(IOException e) {
    return new ProviderException("SmartCardHSM: the card could not be reached: " + e.getMessage(), e);
  }

  /** The card rejected the data of the command ({@code 6A80}). */
  static boolean isBadInput(HsmException e) {
    return StatusWord.WRONG_DATA.equals(e.sw());
  }

  /** The key may not be used for this algorithm ({@code 6985}). */
  static boolean isNotAllowed(HsmException e) {
    return StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED.equals(e.sw());
  }
}
