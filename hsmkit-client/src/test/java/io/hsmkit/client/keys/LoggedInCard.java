package io.hsmkit.client.keys;

import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.seal.KdfParams;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.SmartCardHsmSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A new in-JVM card, initialized as the runbooks do (SO-PIN 3537363231383830, user PIN 648219, 3
 * tries, one DKEK share) and logged in: the starting point of the key tests. The cheap key
 * derivation keeps the first VERIFY's Argon2id run out of every test's time; the keys are sealed
 * the same way.
 */
final class LoggedInCard {
  static final byte[] SO_PIN = HexFormat.of().parseHex("3537363231383830");
  static final byte[] PIN = "648219".getBytes(StandardCharsets.US_ASCII);

  private LoggedInCard() {}

  static SmartCardHsmSession session() throws IOException, HsmException {
    CardOs card = CardOs.inMemory(CardEnvironment.system().withKdf(KdfParams.CHEAP));
    SmartCardHsmSession session = new SmartCardHsmSession(card::process);
    session.initialize(new InitializeRequest(SO_PIN, PIN, 1, 3, null));
    session.verifyPin(PIN);
    return session;
  }
}
