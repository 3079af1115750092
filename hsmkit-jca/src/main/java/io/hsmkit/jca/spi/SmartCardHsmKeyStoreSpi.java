package io.hsmkit.jca.spi;

import io.hsmkit.client.HsmException;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.jca.CardLink;
import io.hsmkit.jca.HsmPrivateKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.KeyStoreSpi;
import java.security.PublicKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.AccountLockedException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;

/**
 * The card as a {@code KeyStore} of type {@code SmartCardHSM}: one key entry per key on the card, a
 * {@code SecretKeyEntry} (an {@link io.hsmkit.jca.HsmAesKey}) for each AES key, a {@code
 * PrivateKeyEntry} for each EC or RSA key.
 *
 * <ul>
 *   <li><b>Load</b>: the stream must be null; the password is the user PIN and logs in (null or
 *       empty: no login, the keys are listed all the same, and signing asks the provider's
 *       CallbackHandler or fails with "not logged in"). A wrong PIN is an {@link IOException} whose
 *       cause is an {@link UnrecoverableKeyException} whose cause is a {@link
 *       FailedLoginException}; the messages say how many tries are left. {@link
 *       KeyStore.PasswordProtection} and {@link KeyStore.CallbackHandlerProtection} work as load
 *       parameters.
 *   <li><b>Aliases</b> are the key labels; a key without a label is named by its hex id (or {@code
 *       key-REF} without either); a name taken by a key with a lower key reference gets {@code
 *       #REF} appended, so aliases are unique and stable as keys are added.
 *   <li><b>Certificates</b>: when {@code CExx} holds an X.509 certificate it is the entry's
 *       certificate and one-element chain. When it holds only the card's CV request (right after
 *       generation) the certificate and chain are null, the entry is still a key entry ({@code
 *       isKeyEntry}, {@code entryInstanceOf(PrivateKeyEntry)}), {@link #engineGetKey} works, and
 *       {@code getEntry} fails with a message (a {@code PrivateKeyEntry} requires a chain).
 *   <li><b>Writing</b>: {@code setKeyEntry} with a key of this card and a chain stores the chain's
 *       first certificate into the key's {@code CExx} (DER, as OpenSC does for a certificate whose
 *       key is on the card; the card has one slot per key, CA certificates are not kept). {@code
 *       setCertificateEntry} does the same for the key whose alias or public key matches; trusted
 *       certificate entries of their own are not supported. {@code deleteEntry} deletes the key,
 *       its description and its certificate. Keys are not imported; generate them with this
 *       provider's {@code KeyPairGenerator}.
 *   <li>{@code store} writes nothing: every change is already on the card.
 * </ul>
 *
 * <p>The key list is read at load and re-read after changes made through the same provider;
 * changes made by other programs show after the next load.
 */
public final class SmartCardHsmKeyStoreSpi extends KeyStoreSpi {
  private static final int EE_CERT = 0xCE00;

  private final CardLink link;
  private Map<String, KeyInfo> entries;
  private long version = -1;

  public SmartCardHsmKeyStoreSpi(CardLink link) {
    this.link = link;
  }

  // ------------------------------------------------------------------------------ load and store

  @Override
  public void engineLoad(InputStream stream, char[] password) throws IOException {
    if (stream != null) {
      throw new IOException(
          "the SmartCardHSM key store lives on the card: load it with a null stream");
    }
    if (password != null && password.length > 0) {
      login(() -> link.login(password));
    }
    reload();
  }

  @Override
  public void engineLoad(KeyStore.LoadStoreParameter param) throws IOException {
    KeyStore.ProtectionParameter p = param == null ? null : param.getProtectionParameter();
    if (p instanceof KeyStore.PasswordProtection pw) {
      char[] pin = pw.getPassword();
      if (pin != null && pin.length > 0) {
        login(() -> link.login(pin));
      }
    } else if (p instanceof KeyStore.CallbackHandlerProtection cb) {
      login(() -> link.login(cb.getCallbackHandler()));
    } else if (p != null) {
      throw new IllegalArgumentException(
          "SmartCardHSM takes PasswordProtection or CallbackHandlerProtection, not "
              + p.getClass().getName());
    }
    reload();
  }

  private interface Login {
    void run() throws LoginException;
  }

  /** Login failures as {@code KeyStore.load} reports a wrong password. */
  private static void login(Login login) throws IOException {
    try {
      login.run();
    } catch (FailedLoginException | AccountLockedException e) {
      UnrecoverableKeyException u = new UnrecoverableKeyException(e.getMessage());
      u.initCause(e);
      throw new IOException(e.getMessage(), u);
    } catch (LoginException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private void reload() throws IOException {
    try {
      read();
    } catch (HsmException e) {
      throw new IOException("cannot list the keys on the card: " + e.getMessage(), e);
    }
  }

  @Override
  public void engineStore(OutputStream stream, char[] password) throws IOException {
    if (stream != null) {
      throw new IOException("the SmartCardHSM key store lives on the card: store with a null stream");
    }
  }

  @Override
  public void engineStore(KeyStore.LoadStoreParameter param) {
    // every change is written to the card when it is made
  }

  // ------------------------------------------------------------------------------------ reading

  @Override
  public Key engineGetKey(String alias, char[] password) {
    KeyInfo k = entries().get(alias);
    return k == null ? null : k.isAes() ? link.secretKeyFor(k) : link.keyFor(k);
  }

  @Override
  public Certificate[] engineGetCertificateChain(String alias) {
    X509Certificate c = certificate(entries().get(alias));
    return c == null ? null : new Certificate[] {c};
  }

  @Override
  public Certificate engineGetCertificate(String alias) {
    return certificate(entries().get(alias));
  }

  /** The certificate's notBefore; null for keys without one (the card records no dates). */
  @Override
  public Date engineGetCreationDate(String alias) {
    X509Certificate c = certificate(entries().get(alias));
    return c == null ? null : c.getNotBefore();
  }

  @Override
  public Enumeration<String> engineAliases() {
    return Collections.enumeration(new ArrayList<>(entries().keySet()));
  }

  @Override
  public boolean engineContainsAlias(String alias) {
    return entries().containsKey(alias);
  }

  @Override
  public int engineSize() {
    return entries().size();
  }

  @Override
  public boolean engineIsKeyEntry(String alias) {
    return entries().containsKey(alias);
  }

  @Override
  public boolean engineIsCertificateEntry(String alias) {
    return false;
  }

  @Override
  public String engineGetCertificateAlias(Certificate cert) {
    for (Map.Entry<String, KeyInfo> e : entries().entrySet()) {
      byte[] der = e.getValue().certificate();
      try {
        if (der != null && Arrays.equals(der, cert.getEncoded())) {
          return e.getKey();
        }
      } catch (CertificateEncodingException ex) {
        return null;
      }
    }
    return null;
  }

  /** AES keys are secret key entries; every other entry is a private key entry. */
  @Override
  public boolean engineEntryInstanceOf(String alias, Class<? extends KeyStore.Entry> entryClass) {
    KeyInfo k = entries().get(alias);
    return k != null && entryClass == (k.isAes()
        ? KeyStore.SecretKeyEntry.class : KeyStore.PrivateKeyEntry.class);
  }

  @Override
  public KeyStore.Entry engineGetEntry(String alias, KeyStore.ProtectionParameter protParam)
      throws KeyStoreException {
    KeyInfo k = entries().get(alias);
    if (k == null) {
      return null;
    }
    if (k.isAes()) {
      return new KeyStore.SecretKeyEntry(link.secretKeyFor(k));
    }
    X509Certificate c = certificate(k);
    if (c == null) {
      throw new KeyStoreException(
          "key \"" + alias + "\" has no X.509 certificate on the card yet (CExx holds its CV"
              + " request), and a PrivateKeyEntry needs one: use getKey(), or store a"
              + " certificate with setKeyEntry()");
    }
    return new KeyStore.PrivateKeyEntry(link.keyFor(k), new Certificate[] {c});
  }

  // ------------------------------------------------------------------------------------ writing

  @Override
  public void engineSetKeyEntry(String alias, Key key, char[] password, Certificate[] chain)
      throws KeyStoreException {
    if (key instanceof io.hsmkit.jca.HsmAesKey) {
      throw new KeyStoreException("an AES key of the card has no certificate to store, and"
          + " aliases are the key labels: there is nothing setKeyEntry could change");
    }
    HsmPrivateKey k;
    try {
      k = link.requireKey(key, HsmPrivateKey.class, "setKeyEntry");
    } catch (InvalidKeyException e) {
      throw new KeyStoreException(
          "only keys of this card can be entries; keys are not imported (" + e.getMessage() + ")",
          e);
    }
    KeyInfo info = entries().get(alias);
    if (info == null || info.keyRef() != k.keyReference()) {
      throw new KeyStoreException(
          "alias \"" + alias + "\" does not name " + k + "; aliases are the key labels and cannot"
              + " be changed here");
    }
    if (chain == null || chain.length == 0) {
      throw new KeyStoreException("setKeyEntry stores a certificate for the key: give a chain");
    }
    storeCertificate(info, chain[0]);
  }

  @Override
  public void engineSetKeyEntry(String alias, byte[] key, Certificate[] chain)
      throws KeyStoreException {
    throw new KeyStoreException(
        "keys are not imported into the SmartCardHSM key store; generate them on the card");
  }

  @Override
  public void engineSetCertificateEntry(String alias, Certificate cert) throws KeyStoreException {
    KeyInfo info = entries().get(alias);
    if (info == null) {
      info = entries().values().stream()
          .filter(k -> k.publicKey() != null && samePublicKey(k.publicKey(), cert.getPublicKey()))
          .findFirst()
          .orElseThrow(() -> new KeyStoreException(
              "no key on the card has this certificate's public key; trusted certificate entries"
                  + " are not supported"));
    }
    storeCertificate(info, cert);
  }

  private void storeCertificate(KeyInfo info, Certificate cert) throws KeyStoreException {
    if (!(cert instanceof X509Certificate x)) {
      throw new KeyStoreException("only X.509 certificates can be stored");
    }
    if (info.publicKey() != null && !samePublicKey(info.publicKey(), x.getPublicKey())) {
      throw new KeyStoreException(
          "the certificate's public key is not the public key of key \"" + info.label() + "\" (id "
              + info.idHex() + ")");
    }
    byte[] der;
    try {
      der = x.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new KeyStoreException("cannot encode the certificate", e);
    }
    int fid = EE_CERT | info.keyRef();
    modify("store the certificate", s -> {
      s.deleteFile(fid);
      s.writeFile(fid, der);
      return null;
    });
  }

  @Override
  public void engineDeleteEntry(String alias) throws KeyStoreException {
    KeyInfo info = entries().get(alias);
    if (info == null) {
      return;
    }
    modify("delete the key", s -> {
      new KeyManager(s).delete(info.keyRef());
      return null;
    });
  }

  private void modify(String what, CardLink.CardCall<Void> op) throws KeyStoreException {
    try {
      link.call(what, op);
    } catch (HsmException e) {
      throw new KeyStoreException("cannot " + what + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new KeyStoreException("cannot " + what + ": " + e.getMessage(), e);
    } finally {
      link.keysChanged();
    }
  }

  // -------------------------------------------------------------------------------- the entries

  /** The entries, re-read when keys changed through this provider since the last read. */
  private Map<String, KeyInfo> entries() {
    if (entries == null || version != link.keysVersion()) {
      try {
        read();
      } catch (HsmException e) {
        throw JcaErrors.card(e);
      } catch (IOException e) {
        throw JcaErrors.transport(e);
      }
    }
    return entries;
  }

  private void read() throws IOException, HsmException {
    long v = link.keysVersion();
    List<KeyInfo> keys = link.call("list the keys", s -> new KeyManager(s).list());
    entries = aliases(keys);
    version = v;
  }

  /** Labels, else hex ids, else {@code key-REF}; later duplicates get {@code #REF}. */
  static Map<String, KeyInfo> aliases(List<KeyInfo> keysByRef) {
    Map<String, KeyInfo> m = new LinkedHashMap<>();
    for (KeyInfo k : keysByRef) {
      String base =
          !k.label().isEmpty() ? k.label()
              : k.id().length > 0 ? HexFormat.of().formatHex(k.id())
              : "key-" + k.keyRef();
      String alias = base;
      while (m.containsKey(alias)) {
        alias = alias + "#" + k.keyRef();
      }
      m.put(alias, k);
    }
    return m;
  }

  private static X509Certificate certificate(KeyInfo k) {
    if (k == null || k.certificate() == null) {
      return null;
    }
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(k.certificate()));
    } catch (CertificateException e) {
      return null;
    }
  }

  /** Compared by value, because the card's and a certificate's encodings of a key may differ. */
  private static boolean samePublicKey(PublicKey a, PublicKey b) {
    if (a instanceof ECPublicKey x && b instanceof ECPublicKey y) {
      return x.getW().equals(y.getW())
          && x.getParams().getCurve().equals(y.getParams().getCurve());
    }
    if (a instanceof RSAPublicKey x && b instanceof RSAPublicKey y) {
      return x.getModulus().equals(y.getModulus())
          && x.getPublicExponent().equals(y.getPublicExponent());
    }
    return false;
  }
}
