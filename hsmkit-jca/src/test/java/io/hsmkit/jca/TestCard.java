package io.hsmkit.jca;

import io.hsmkit.apdu.ApduTransport;
import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeySpec;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/**
 * The real emulated card in memory, initialized as the other modules' tests do (SO-PIN
 * 3537363231383830, user PIN 648219, 3 tries), with a setup session of its own for generating keys
 * through {@link KeyManager} and providers over it.
 */
final class TestCard {
  static final String PIN_TEXT = "648219";
  static final byte[] SO_PIN = HexFormat.of().parseHex("3537363231383830");

  // cheapest Argon2 cost: unit tests make many cards (SECURITY.md, "PIN policy")
  final CardOs card =
      CardOs.inMemory(CardEnvironment.system().withKdf(io.hsmkit.card.seal.KdfParams.CHEAP));
  private final SmartCardHsmSession setup = new SmartCardHsmSession(card::process);

  TestCard() {
    try {
      setup.initialize(new InitializeRequest(SO_PIN, pinBytes(), 1, 3, null));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static char[] pin() {
    return PIN_TEXT.toCharArray();
  }

  static byte[] pinBytes() {
    return PIN_TEXT.getBytes(StandardCharsets.US_ASCII);
  }

  /** Generates a key through KeyManager on the setup session (logging in first: the card has one login). */
  synchronized KeyInfo generate(String spec, int id, String label) {
    try {
      setup.select();
      setup.verifyPin(pinBytes());
      KeyInfo k = new KeyManager(setup).generate(KeySpec.parse(spec), id < 0 ? null : new byte[] {(byte) id}, label);
      setup.select();
      return k;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A provider over this card; the transport can be decorated. */
  SmartCardHsmProvider provider(UnaryOperator<ApduTransport> decorate) {
    return new SmartCardHsmProvider(() -> new SmartCardHsmSession(decorate.apply(card::process)));
  }

  SmartCardHsmProvider provider() {
    return provider(UnaryOperator.identity());
  }

  /** A provider and its key store, loaded with the PIN. */
  static KeyStore loadedKeyStore(SmartCardHsmProvider p) throws Exception {
    KeyStore ks = KeyStore.getInstance(SmartCardHsmProvider.NAME, p);
    ks.load(null, pin());
    return ks;
  }

  static PrivateKey key(KeyStore ks, String alias) throws Exception {
    return (PrivateKey) ks.getKey(alias, null);
  }
}
