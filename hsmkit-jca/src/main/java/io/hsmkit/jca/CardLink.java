package io.hsmkit.jca;

import io.hsmkit.apdu.StatusWord;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.PinBlockedException;
import io.hsmkit.client.PinVerificationException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.KeyInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.Key;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AccountLockedException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;

/**
 * A provider's one connection to its card, and the lock around it.
 *
 * <p>A SmartCard-HSM has one selected file and one login state, and most operations are several
 * APDUs (select + read, pad + sign). So every operation of every SPI of one provider runs under
 * one fair lock, from its first APDU to its last: concurrent callers wait their turn and never
 * interleave (the SunPKCS11 equivalent is one session per operation; a card has only one).
 *
 * <p>The card is opened on first use, kept open, and reopened after a transport failure. Handed to
 * the SPIs by the provider; there is no public way to make one.
 */
public final class CardLink {
  /** One card operation; runs with the lock held. */
  @FunctionalInterface
  public interface CardCall<T> {
    T run(SmartCardHsmSession session) throws IOException, HsmException;
  }

  /** What the provider knows how to open: a token by SPEC, or a {@link SessionSupplier}. */
  interface Opener {
    Opened open() throws IOException;
  }

  /** An open session and what releases it (the token, which also holds the state-dir lock). */
  record Opened(SmartCardHsmSession session, AutoCloseable release) {}

  private final ReentrantLock lock = new ReentrantLock(true);
  private final SmartCardHsmProvider provider;
  private final Opener opener;
  private final AtomicLong keysVersion = new AtomicLong();
  private Opened open;
  private volatile boolean loggedIn;

  CardLink(SmartCardHsmProvider provider, Opener opener) {
    this.provider = provider;
    this.opener = opener;
  }

  /**
   * Runs {@code op} on the card with the lock held. When the card answers {@code 6982} (PIN not
   * verified) and the provider has a {@link CallbackHandler}, logs in through it and runs {@code
   * op} once more; otherwise that answer becomes a {@link NotLoggedInException}.
   */
  public <T> T call(String what, CardCall<T> op) throws IOException, HsmException {
    lock.lock();
    try {
      SmartCardHsmSession s = session();
      try {
        return op.run(s);
      } catch (HsmException e) {
        if (!StatusWord.SECURITY_STATUS_NOT_SATISFIED.equals(e.sw())) {
          throw e;
        }
        loggedIn = false;
        CallbackHandler handler = provider.callbackHandler();
        if (handler == null) {
          throw new NotLoggedInException(what, null);
        }
        try {
          login(handler);
        } catch (LoginException le) {
          throw new NotLoggedInException(what, le);
        }
        return op.run(s);
      }
    } catch (IOException e) {
      release();
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /** Logs in with {@code pin}; the caller keeps and wipes the array. */
  public void login(char[] pin) throws LoginException {
    byte[] bytes = encode(pin);
    lock.lock();
    try {
      session().verifyPin(bytes);
      loggedIn = true;
    } catch (PinVerificationException e) {
      loggedIn = false;
      throw withCause(new FailedLoginException(e.getMessage()), e);
    } catch (PinBlockedException e) {
      loggedIn = false;
      throw withCause(new AccountLockedException(e.getMessage()), e);
    } catch (HsmException e) {
      throw withCause(new LoginException("cannot log in: " + e.getMessage()), e);
    } catch (IOException e) {
      release();
      throw withCause(new LoginException("cannot log in: " + e.getMessage()), e);
    } finally {
      lock.unlock();
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** Asks {@code handler} for the PIN with a {@link PasswordCallback}, then logs in. */
  public void login(CallbackHandler handler) throws LoginException {
    PasswordCallback cb = new PasswordCallback("PIN for " + provider.tokenDescription() + ": ", false);
    try {
      handler.handle(new Callback[] {cb});
    } catch (IOException | UnsupportedCallbackException e) {
      throw withCause(new LoginException("the CallbackHandler gave no PIN: " + e.getMessage()), e);
    }
    char[] pin = cb.getPassword();
    cb.clearPassword();
    if (pin == null) {
      throw new LoginException("the CallbackHandler gave no PIN");
    }
    try {
      login(pin);
    } finally {
      Arrays.fill(pin, '\0');
    }
  }

  /** Ends the login by selecting the applet again (the card forgets the PIN on SELECT). */
  void logout() throws LoginException {
    lock.lock();
    try {
      if (open != null) {
        open.session().select();
      }
      loggedIn = false;
    } catch (HsmException e) {
      throw withCause(new LoginException("cannot log out: " + e.getMessage()), e);
    } catch (IOException e) {
      release();
      loggedIn = false;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the last login succeeded and no later answer said otherwise (informational). */
  public boolean isLoggedIn() {
    return loggedIn;
  }

  /** A handle for the private key {@code info} (EC or RSA), bound to this link. */
  public HsmPrivateKey keyFor(KeyInfo info) {
    if (info.isAes()) {
      throw new IllegalArgumentException("key ref " + info.keyRef() + " is an AES key");
    }
    return info.isEc() ? new HsmEcPrivateKey(this, info) : new HsmRsaPrivateKey(this, info);
  }

  /** A handle for the AES key {@code info}, bound to this link. */
  public HsmAesKey secretKeyFor(KeyInfo info) {
    if (!info.isAes()) {
      throw new IllegalArgumentException("key ref " + info.keyRef() + " is not an AES key");
    }
    return new HsmAesKey(this, info);
  }

  /**
   * {@code key} as an AES key handle of this provider, or {@link InvalidKeyException} saying why
   * not; the answer is what the client's AES operations take.
   */
  public KeyInfo requireAesKey(Key key, String operation) throws InvalidKeyException {
    if (!(key instanceof HsmAesKey k)) {
      throw new InvalidKeyException(
          operation + " on the SmartCardHSM needs an AES key of the card (from KeyStore"
              + " \"SmartCardHSM\"), not " + (key == null ? "null" : key.getClass().getName()));
    }
    if (k.link() != this) {
      throw new InvalidKeyException("the key belongs to another SmartCardHSM provider instance");
    }
    if (k.isDestroyed()) {
      throw new InvalidKeyException("the key handle has been destroyed");
    }
    return k.info();
  }

  /**
   * {@code key} as a handle of this provider of the wanted type, or {@link InvalidKeyException}
   * saying why not (SunPKCS11 checks the same in {@code P11Signature.initialize}).
   */
  public <K extends HsmPrivateKey> K requireKey(Key key, Class<K> type, String operation)
      throws InvalidKeyException {
    String kind = type == HsmEcPrivateKey.class ? "an EC" : "an RSA";
    if (!(key instanceof HsmPrivateKey k)) {
      throw new InvalidKeyException(
          operation + " on the SmartCardHSM needs " + kind + " key of the card (from KeyStore"
              + " \"SmartCardHSM\" or its KeyPairGenerator), not "
              + (key == null ? "null" : key.getClass().getName()));
    }
    if (k.link() != this) {
      throw new InvalidKeyException("the key belongs to another SmartCardHSM provider instance");
    }
    if (!type.isInstance(k)) {
      throw new InvalidKeyException(operation + " needs " + kind + " key; " + k + " is not one");
    }
    if (k.isDestroyed()) {
      throw new InvalidKeyException("the key handle has been destroyed");
    }
    return type.cast(k);
  }

  /** Changes whenever keys were added, removed or given certificates through this provider. */
  public long keysVersion() {
    return keysVersion.get();
  }

  /** Tells key stores to re-read the card. */
  public void keysChanged() {
    keysVersion.incrementAndGet();
  }

  /** Releases the card; the next call reopens it. */
  void close() {
    lock.lock();
    try {
      release();
    } finally {
      lock.unlock();
    }
  }

  private SmartCardHsmSession session() throws IOException {
    if (open == null) {
      Opened o = opener.open();
      try {
        o.session().select();
      } catch (HsmException | IOException | RuntimeException e) {
        closeQuietly(o.release());
        throw new IOException("cannot select the SmartCard-HSM applet on "
            + provider.tokenDescription() + ": " + e.getMessage(), e);
      }
      open = o;
      loggedIn = false;
    }
    return open.session();
  }

  private void release() {
    if (open != null) {
      closeQuietly(open.release());
      open = null;
    }
    loggedIn = false;
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // the card is being given up anyway; nothing to recover
    }
  }

  /** The PIN as the card compares it: UTF-8 bytes (PINs are ASCII digits in practice). */
  private static byte[] encode(char[] pin) {
    ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(pin));
    byte[] out = new byte[b.remaining()];
    b.get(out);
    if (b.hasArray()) {
      Arrays.fill(b.array(), (byte) 0);
    }
    return out;
  }

  private static <E extends LoginException> E withCause(E e, Throwable cause) {
    e.initCause(cause);
    return e;
  }
}
