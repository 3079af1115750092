package io.hsmkit.jca;

import io.hsmkit.client.token.OpenToken;
import io.hsmkit.client.token.TokenSpec;
import io.hsmkit.client.token.Tokens;
import io.hsmkit.jca.spi.AesCbcCipherSpi;
import io.hsmkit.jca.spi.AesCmacSpi;
import io.hsmkit.jca.spi.EcKeyPairGeneratorSpi;
import io.hsmkit.jca.spi.EcdhKeyAgreementSpi;
import io.hsmkit.jca.spi.EcdsaSignatureSpi;
import io.hsmkit.jca.spi.HashAlgorithm;
import io.hsmkit.jca.spi.RsaCipherSpi;
import io.hsmkit.jca.spi.RsaKeyPairGeneratorSpi;
import io.hsmkit.jca.spi.RsaPadding;
import io.hsmkit.jca.spi.RsaPkcs1SignatureSpi;
import io.hsmkit.jca.spi.RsaPssSignatureSpi;
import io.hsmkit.jca.spi.SmartCardHsmKeyStoreSpi;
import java.io.IOException;
import java.security.AuthProvider;
import java.security.InvalidParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.login.LoginException;

/**
 * The JCA provider {@value #NAME}: a SmartCard-HSM (Nitrokey HSM 2) or hsmkit's emulated card as a
 * {@code KeyStore}, with {@code Signature}, {@code Cipher}, {@code KeyAgreement} and {@code
 * KeyPairGenerator} on its keys, and {@code Cipher} AES/CBC/NoPadding and {@code Mac} AESCMAC on its
 * AES keys. Pure Java: no OpenSC, no PKCS#11 module.
 *
 * <pre>{@code
 * Provider p = new SmartCardHsmProvider("emulated:/path/to/state");   // or "pcsc", "pcsc:Nitrokey"
 * KeyStore ks = KeyStore.getInstance("SmartCardHSM", p);
 * ks.load(null, pin);                                                // logs in
 * Signature s = Signature.getInstance("SHA256withECDSA", p);
 * s.initSign((PrivateKey) ks.getKey("my-key", null));
 * }</pre>
 *
 * <p>Built the SunPKCS11 way (docs/clients.md): an {@link AuthProvider} with login through a {@link
 * CallbackHandler}, and {@link Provider.Service} subclasses whose {@code newInstance} constructs
 * the SPI directly (no class names resolved by reflection), with {@code supportsParameter}
 * accepting only this provider's keys so delayed provider selection sends software keys
 * elsewhere. Only private-key operations go to the card; verification and public-key encryption
 * are delegated to Bouncy Castle (used as a library, not installed).
 *
 * <p>The token is opened on first use and kept open; {@link #close()} releases it (an emulated
 * state directory can be opened by one process at a time). All card operations of one provider
 * instance are serialized (see {@link CardLink}). Algorithms are registered statically: the card
 * is not asked which it supports, because it is opened lazily.
 *
 * <p>{@code keytool} loads it with {@code -providerclass io.hsmkit.jca.SmartCardHsmProvider
 * -providerarg SPEC}: keytool calls the no-arg constructor, then {@link #configure(String)}.
 */
public final class SmartCardHsmProvider extends AuthProvider {
  private static final long serialVersionUID = 1L;

  /** The provider name, also the KeyStore type. */
  public static final String NAME = "SmartCardHSM";

  private static final String VERSION = "0.1";

  private final transient CardLink link;
  private final transient String tokenDescription;
  private final boolean configured;
  private transient volatile CallbackHandler callbackHandler;

  /**
   * The token named by {@code HSMKIT_TOKEN}, else {@code emulated:$HSMKIT_HOME/token}; resolved when
   * first used, so a bad environment does not break {@code keytool -providerarg}.
   */
  public SmartCardHsmProvider() {
    this(tokenOpener(null), "the default token (HSMKIT_TOKEN)", false);
  }

  /**
   * The token named by {@code spec}: {@code emulated:DIR}, {@code pcsc} or {@code pcsc:TEXT}.
   *
   * @throws IllegalArgumentException when {@code spec} is none of these
   */
  public SmartCardHsmProvider(String spec) {
    this(TokenSpec.parse(spec.trim()));
  }

  public SmartCardHsmProvider(TokenSpec spec) {
    this(tokenOpener(spec), spec.toString(), true);
  }

  /** A card reached through {@code supplier}, e.g. an in-memory card in tests. */
  public SmartCardHsmProvider(SessionSupplier supplier) {
    this(
        () -> {
          var s = supplier.open();
          return new CardLink.Opened(s, s);
        },
        "the supplied SmartCard-HSM session",
        true);
  }

  private SmartCardHsmProvider(CardLink.Opener opener, String description, boolean configured) {
    super(NAME, VERSION, "SmartCard-HSM / Nitrokey HSM 2 keys (hsmkit, pure Java)");
    this.link = new CardLink(this, opener);
    this.tokenDescription = description;
    this.configured = configured;
    register();
  }

  /**
   * A provider for the token {@code spec} (the {@code keytool -providerarg} value); this instance
   * is left as it is, as SunPKCS11 does.
   *
   * @throws InvalidParameterException when {@code spec} is not a token SPEC
   */
  @Override
  public Provider configure(String spec) {
    try {
      return new SmartCardHsmProvider(spec);
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException(e.getMessage());
    }
  }

  /** True: without a configuration the provider uses the default token. */
  @Override
  public boolean isConfigured() {
    return true;
  }

  /** Whether a token was named explicitly (by constructor or {@link #configure}). */
  public boolean hasExplicitToken() {
    return configured;
  }

  /**
   * Logs in with the user PIN, asked from {@code handler} (or the handler set with {@link
   * #setCallbackHandler}) through a {@link javax.security.auth.callback.PasswordCallback}.
   *
   * @throws javax.security.auth.login.FailedLoginException wrong PIN; the message says how many
   *     tries are left
   * @throws javax.security.auth.login.AccountLockedException the PIN is blocked
   */
  @Override
  public void login(Subject subject, CallbackHandler handler) throws LoginException {
    CallbackHandler h = handler != null ? handler : callbackHandler;
    if (h == null) {
      throw new LoginException(
          "no CallbackHandler: pass one to login() or set one with setCallbackHandler()");
    }
    link.login(h);
  }

  /** Ends the login (the card forgets the PIN); key handles stay valid for a later login. */
  @Override
  public void logout() throws LoginException {
    link.logout();
  }

  /**
   * The handler asked for the PIN whenever the card wants it and nobody has logged in, as with
   * SunPKCS11. Null (the default) means such operations fail with a "not logged in" error.
   */
  @Override
  public void setCallbackHandler(CallbackHandler handler) {
    this.callbackHandler = handler;
  }

  /** Releases the card (and an emulated state directory); the next operation reopens it. */
  public void close() {
    link.close();
  }

  CallbackHandler callbackHandler() {
    return callbackHandler;
  }

  /** Where the token is, for prompts and messages: its SPEC; never a secret. */
  String tokenDescription() {
    return tokenDescription;
  }

  private static CardLink.Opener tokenOpener(TokenSpec fixed) {
    return () -> {
      TokenSpec spec;
      try {
        spec = fixed != null ? fixed : TokenSpec.defaultFrom(System.getenv());
      } catch (IllegalArgumentException e) {
        throw new IOException("HSMKIT_TOKEN: " + e.getMessage(), e);
      }
      try {
        OpenToken t = Tokens.open(spec, System.getenv());
        return new CardLink.Opened(t.session(), t);
      } catch (IllegalArgumentException e) {
        throw new IOException("cannot open " + spec + ": " + e.getMessage(), e);
      }
    };
  }

  // ---------------------------------------------------------------- registration (a table, §4.1)

  private void register() {
    service("KeyStore", NAME, SmartCardHsmKeyStoreSpi.class, SmartCardHsmKeyStoreSpi::new, null);

    Predicate<Object> ecKey = k -> k instanceof HsmEcPrivateKey;
    Predicate<Object> rsaKey = k -> k instanceof HsmRsaPrivateKey;

    service("Signature", "NONEwithECDSA", EcdsaSignatureSpi.class,
        l -> new EcdsaSignatureSpi(l, null), ecKey);
    for (HashAlgorithm h : HashAlgorithm.values()) {
      service("Signature", h.shortName() + "withECDSA", EcdsaSignatureSpi.class,
          l -> new EcdsaSignatureSpi(l, h), ecKey, oidAliases(h.ecdsaOid()));
    }

    service("Signature", "NONEwithRSA", RsaPkcs1SignatureSpi.class,
        l -> new RsaPkcs1SignatureSpi(l, null), rsaKey);
    for (HashAlgorithm h : HashAlgorithm.values()) {
      service("Signature", h.shortName() + "withRSA", RsaPkcs1SignatureSpi.class,
          l -> new RsaPkcs1SignatureSpi(l, h), rsaKey, oidAliases(h.rsaOid()));
    }

    List<String> pssAliases = new ArrayList<>(oidAliases("1.2.840.113549.1.1.10"));
    pssAliases.add("PSS");
    service("Signature", "RSASSA-PSS", RsaPssSignatureSpi.class,
        l -> new RsaPssSignatureSpi(l, null), rsaKey, pssAliases);
    for (HashAlgorithm h : HashAlgorithm.values()) {
      // SunPKCS11 names them SHAxwithRSASSA-PSS; Bouncy Castle SHAxwithRSA/PSS and …andMGF1.
      service("Signature", h.shortName() + "withRSASSA-PSS", RsaPssSignatureSpi.class,
          l -> new RsaPssSignatureSpi(l, h), rsaKey,
          List.of(h.shortName() + "withRSA/PSS", h.shortName() + "withRSAandMGF1"));
    }

    for (RsaPadding padding : RsaPadding.values()) {
      service("Cipher", "RSA/ECB/" + padding.jcaName(), RsaCipherSpi.class,
          l -> new RsaCipherSpi(l, padding), rsaKey,
          padding == RsaPadding.PKCS1 ? List.of("RSA") : List.of());
    }

    Predicate<Object> aesKey = k -> k instanceof HsmAesKey;
    service("Cipher", "AES/CBC/NoPadding", AesCbcCipherSpi.class, AesCbcCipherSpi::new, aesKey);
    service("Mac", "AESCMAC", AesCmacSpi.class, AesCmacSpi::new, aesKey, List.of("AES-CMAC"));

    service("KeyAgreement", "ECDH", EcdhKeyAgreementSpi.class, EcdhKeyAgreementSpi::new, ecKey);

    service("KeyPairGenerator", "EC", EcKeyPairGeneratorSpi.class, EcKeyPairGeneratorSpi::new,
        null, List.of("EllipticCurve"));
    service("KeyPairGenerator", "RSA", RsaKeyPairGeneratorSpi.class, RsaKeyPairGeneratorSpi::new,
        null);
  }

  private void service(String type, String algorithm, Class<?> spi,
      Function<CardLink, Object> factory, Predicate<Object> keys) {
    service(type, algorithm, spi, factory, keys, List.of());
  }

  private void service(String type, String algorithm, Class<?> spi,
      Function<CardLink, Object> factory, Predicate<Object> keys, List<String> aliases) {
    putService(new HsmService(this, type, algorithm, spi, aliases, factory, keys));
  }

  private static List<String> oidAliases(String oid) {
    return oid == null ? List.of() : List.of(oid, "OID." + oid);
  }

  /**
   * A service that builds its SPI with this provider's {@link CardLink}. {@code supportsParameter}
   * accepts only keys of the card, so a JCA call without an explicit provider picks a software
   * provider for software keys.
   */
  private static final class HsmService extends Provider.Service {
    private final Function<CardLink, Object> factory;
    private final Predicate<Object> keys;
    private final CardLink link;

    HsmService(SmartCardHsmProvider p, String type, String algorithm, Class<?> spi,
        List<String> aliases, Function<CardLink, Object> factory, Predicate<Object> keys) {
      super(p, type, algorithm, spi.getName(), aliases, Map.of());
      this.factory = factory;
      this.keys = keys;
      this.link = p.link;
    }

    @Override
    public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
      if (constructorParameter != null) {
        throw new InvalidParameterException(
            getType() + " " + getAlgorithm() + " takes no constructor parameter");
      }
      return factory.apply(link);
    }

    @Override
    public boolean supportsParameter(Object parameter) {
      return keys == null || keys.test(parameter);
    }
  }
}
