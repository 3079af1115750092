package io.hsmkit.jca;

import io.hsmkit.apdu.StatusWord;
import io.hsmkit.client.HsmException;
import javax.security.auth.login.LoginException;

/**
 * The card wants the user PIN ({@code 6982}) and the provider could not give it: no login has
 * happened and no {@link javax.security.auth.callback.CallbackHandler} is set, or the login through
 * that handler failed ({@link #loginFailure()}).
 */
public final class NotLoggedInException extends HsmException {
  private static final long serialVersionUID = 1L;
  private final LoginException loginFailure;

  NotLoggedInException(String what, LoginException loginFailure) {
    super(
        "SmartCardHSM: cannot " + what + ": the user PIN is not verified; load the KeyStore with the"
            + " PIN, call SmartCardHsmProvider.login(), or set a CallbackHandler"
            + (loginFailure == null ? "" : " (login failed: " + loginFailure.getMessage() + ")"),
        StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    this.loginFailure = loginFailure;
    if (loginFailure != null) {
      initCause(loginFailure);
    }
  }

  /** Why the login through the provider's CallbackHandler failed, or null when none was tried. */
  public LoginException loginFailure() {
    return loginFailure;
  }
}
