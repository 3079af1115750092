package io.hsmkit.card;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.MalformedApduException;
import io.hsmkit.apdu.ResponseApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.card.command.SmartCardHsmCommands;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.CryptoProviders;
import io.hsmkit.card.cvc.Cvc;
import io.hsmkit.card.cvc.DeviceIdentity;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.CommandTable;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SecurityStatus;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.seal.Keyring;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.KeyRecord;
import io.hsmkit.card.state.StateCodec;
import io.hsmkit.card.state.FileStateStore;
import io.hsmkit.card.state.MemoryStateStore;
import io.hsmkit.card.state.StateException;
import io.hsmkit.card.state.StateStore;
import io.hsmkit.card.state.StorageBackend;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A SmartCard-HSM card: power, ATR, and the processing of one command APDU at a time.
 *
 * <p>Each APDU runs against a private working copy of the state that is committed atomically when
 * the handler succeeds; an error status word, a malformed APDU or an unexpected exception leaves
 * the state as it was. No exception ever leaves {@link #process}: every input gets a status word.
 * Instances share nothing, so many cards can live in one JVM.
 */
public final class CardOs implements AutoCloseable {
  /** The Nitrokey HSM 2 (SmartCard-HSM 4K) ATR, announcing T=1 (docs/protocol.md#atr). */
  public static final String ATR_HEX = "3BDE18FF8191FE1FC38031815448534D31738021408107" + "1C";

  private static final byte[] ATR = HexFormat.of().parseHex(ATR_HEX);
  /**
   * Made on first use: the first System.Logger starts the logging back end (java.util.logging),
   * which short CLI commands that never log should not pay for.
   */
  private static final class Log {
    static final System.Logger LOG = System.getLogger(CardOs.class.getName());
  }

  private final StateStore store;
  private final CardCrypto crypto;
  private final CardEnvironment env;
  private final CommandTable table;
  private final SecurityStatus security = new SecurityStatus();
  private final Keyring keyring;
  private final String deviceChr;
  private boolean powered;

  /**
   * A card on {@code store}. A format-v1 state is migrated (sealed) and committed here; a state
   * made with another extra secret is refused.
   *
   * @throws IllegalStateException if the state has no device identity, needs another extra secret
   *     than the environment's, or its migration could not be written
   */
  public CardOs(StateStore store, CardEnvironment env) {
    this.store = store;
    this.env = env;
    this.crypto = new CardCrypto(env.random(), env.crypto());
    this.keyring = new Keyring(env.random(), env.kdf(), env.extraSecret());
    this.table = SmartCardHsmCommands.table();
    byte[] devAut = store.current().file(0x2F02);
    try {
      this.deviceChr = Cvc.chrOf(devAut);
    } catch (TlvException | NullPointerException e) {
      throw new IllegalStateException("card state has no valid EF.C_DevAut (2F02)", e);
    }
    CardState s = store.current();
    if (s.legacy() != null) {
      try {
        store.commit(keyring.migrate(s));
      } catch (StateException e) {
        throw new IllegalStateException(
            "card state could not be migrated to format " + StateCodec.VERSION + ": "
                + e.getMessage(), e);
      }
      s = store.current();
    }
    if (s.vault() != null) {
      keyring.secretMismatch(s.vault()).ifPresent(reason -> {
        throw new SecretMismatchException(reason);
      });
    }
  }

  /** The card state needs another extra secret than the one given (no PIN try is spent). */
  public static final class SecretMismatchException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    SecretMismatchException(String message) {
      super(message);
    }
  }

  /**
   * Opens the card whose state is in {@code dir}, making a factory-new card there if there is
   * none (not initialized; the first INITIALIZE sets the SO-PIN).
   */
  public static CardOs open(Path dir, CardEnvironment env) throws StateException {
    return open(dir, env, StorageBackend.FILES);
  }

  /** Opens a card with an explicit storage backend (fault-injection tests). */
  public static CardOs open(Path dir, CardEnvironment env, StorageBackend backend)
      throws StateException {
    return open(dir, env, backend, null);
  }

  /**
   * Opens the card in {@code dir}; a card made here gets its device certificate from the root
   * {@code root} supplies (asked only then; null: a root of its own), so cards of one
   * installation trust each other (SECURITY.md "Card identity and PKA trust").
   */
  public static CardOs open(Path dir, CardEnvironment env, StorageBackend backend,
      java.util.function.Supplier<InstallationRoot> rootSupplier) throws StateException {
    java.util.function.Supplier<InstallationRoot> roots = rootSupplier == null ? () -> null
        : rootSupplier;
    CardCrypto crypto = new CardCrypto(env.random(), env.crypto());
    FileStateStore store =
        FileStateStore.open(
            dir, () -> factoryNewState(crypto, LocalDate.now(env.clock()), roots.get()), backend);
    try {
      return new CardOs(store, env);
    } catch (SecretMismatchException e) {
      store.close();
      throw new StateException(dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** A factory-new card that lives in memory only. */
  public static CardOs inMemory(CardEnvironment env) {
    return inMemory(env, null);
  }

  /** A factory-new card in memory whose device certificate {@code root} issues (null: its own). */
  public static CardOs inMemory(CardEnvironment env, InstallationRoot root) {
    CardCrypto crypto = new CardCrypto(env.random(), env.crypto());
    CardState s = factoryNewState(crypto, LocalDate.now(env.clock()), root);
    return new CardOs(new MemoryStateStore(s), env);
  }

  /** A new card identity with nothing else: the state of a card fresh from the factory. */
  public static CardState factoryNewState(CardCrypto crypto, LocalDate today) {
    return factoryNewState(crypto, today, null);
  }

  /** As {@link #factoryNewState(CardCrypto, LocalDate)}, issued by {@code root} (null: its own). */
  public static CardState factoryNewState(
      CardCrypto crypto, LocalDate today, InstallationRoot root) {
    DeviceIdentity id = root == null ? DeviceIdentity.create(crypto, today)
        : DeviceIdentity.create(crypto, today, root);
    return CardState.factoryNew(id.deviceKey(), id.devAut(), id.rootCvc());
  }

  public byte[] atr() {
    return ATR.clone();
  }

  /** Power on (vpcd {@code 01}): volatile state starts clean. */
  public synchronized void powerOn() {
    powered = true;
    security.clear();
  }

  /**
   * Power off (vpcd {@code 00}): the login, the open master key, the decoded keys and the current
   * EF are lost. What the process keeps (the PIN fast path, the DKEK accumulator of a ceremony in
   * progress) is described in {@link Keyring}.
   */
  public synchronized void powerOff() {
    powered = false;
    security.clear();
    crypto.forgetPreparedKeys();
  }

  /** Warm reset (vpcd {@code 02}): as power-off then power-on. */
  public synchronized void reset() {
    powered = true;
    security.clear();
    crypto.forgetPreparedKeys();
  }

  public synchronized boolean isPowered() {
    return powered;
  }

  /** The device certificate holder reference; OpenSC's serial number is its first part. */
  public String deviceChr() {
    return deviceChr;
  }

  /** The crypto providers this card uses (for logs, benchmarks and tests). */
  public CryptoProviders cryptoProviders() {
    return crypto.providers();
  }

  /** The committed state (read only), for tools and tests. */
  public synchronized CardState state() {
    return store.current();
  }

  private volatile String lastStateError;

  /**
   * Why the last {@code 6581} answer was given (e.g. "no space left on device for DIR/card.state"),
   * for an embedding host to tell its user what a real chip cannot.
   */
  public Optional<String> lastStateError() {
    return Optional.ofNullable(lastStateError);
  }

  /**
   * Processes one command APDU and returns the response APDU. A card that was powered off is
   * powered on implicitly, as a reader does before it sends anything.
   */
  public synchronized byte[] process(byte[] command) {
    if (!powered) {
      powerOn();
    }
    return processParsed(command).toBytes();
  }

  private ResponseApdu processParsed(byte[] bytes) {
    CommandApdu apdu;
    try {
      apdu = CommandApdu.parse(bytes);
    } catch (MalformedApduException e) {
      return new ResponseApdu(StatusWord.WRONG_LENGTH);
    }
    if (apdu.cla() != 0x00 && apdu.cla() != 0x80) {
      return new ResponseApdu(StatusWord.CLA_NOT_SUPPORTED);
    }
    Optional<CommandHandler> handler = table.lookup(apdu.ins());
    if (handler.isEmpty()) {
      return new ResponseApdu(StatusWord.INS_NOT_SUPPORTED);
    }
    CommandContext ctx =
        new CommandContext(store, security, crypto, env.clock(), deviceChr, keyring);
    try {
      Response r = handler.get().handle(ctx, apdu);
      if (ctx.dirty()) {
        store.commit(ctx.working());
      }
      return new ResponseApdu(r.data(), r.sw());
    } catch (SwException e) {
      return new ResponseApdu(e.sw());
    } catch (StateException e) {
      Log.LOG.log(Level.ERROR, "card state could not be written: {0}", e.getMessage());
      lastStateError = e.getMessage();
      return new ResponseApdu(StatusWord.MEMORY_FAILURE);
    } catch (RuntimeException e) {
      // A handler bug must not take the card down or leak anything: answer 6F00, keep the state.
      Log.LOG.log(Level.ERROR, "INS {0} failed: {1}", String.format("%02X", apdu.ins()), e.toString());
      return new ResponseApdu(StatusWord.UNKNOWN_ERROR);
    }
  }

  /**
   * The plaintext PKCS#8 private key {@code keyId}, for in-process tools that compare the card
   * with raw crypto (benchmarks); only while the user PIN is verified, as SIGN.
   *
   * @throws IllegalStateException if the key does not exist or the card is not logged in
   */
  public synchronized byte[] privateKeyPkcs8(int keyId) {
    KeyRecord k = store.current().key(keyId);
    if (k == null) {
      throw new IllegalStateException("no key " + keyId);
    }
    if (k.sealed() && !security.userPinVerified()) {
      throw new IllegalStateException("key " + keyId + " is sealed: VERIFY the user PIN first");
    }
    return Keyring.unseal(k, security.masterKey());
  }

  @Override
  public synchronized void close() {
    store.close();
  }
}
