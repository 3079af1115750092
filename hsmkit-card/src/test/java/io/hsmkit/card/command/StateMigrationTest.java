package io.hsmkit.card.command;

import static io.hsmkit.card.command.SealedCards.assertOk;
import static io.hsmkit.card.command.SealedCards.open;
import static io.hsmkit.card.command.SealedCards.signs;
import static io.hsmkit.card.command.SealedCards.verify;
import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.dkek.Dkek;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.StateCodec;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A format-v1 state (plaintext PINs, keys and DKEK) opens without data loss and is sealed at once.
 * The fixture {@code v1-card.state} was written by hsmkit before format v2: initialized with SO-PIN
 * 3537363231383830, user PIN 648219, 3 tries, one DKEK share 000102…1F imported, EC P-256 key 1
 * and RSA-2048 key 2 generated.
 */
class StateMigrationTest {
  static final byte[] DKEK =
      HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
  @TempDir Path tmp;

  @Test
  void v1State_opensMigrated_sealed_withoutDataLoss() throws Exception {
    Path dir = tmp.resolve("card");
    Files.createDirectories(dir);
    try (InputStream in = getClass().getResourceAsStream("/io/hsmkit/card/state/v1-card.state")) {
      Files.write(dir.resolve("card.state"), in.readAllBytes());
    }
    CardState v1 = StateCodec.decode(Files.readAllBytes(dir.resolve("card.state")), "v1").state();
    assertThat(v1.legacy()).isNotNull();
    byte[] ecPkcs8 = v1.key(1).privateKey();
    byte[] rsaPkcs8 = v1.key(2).privateKey();
    Map<String, byte[]> secrets = new LinkedHashMap<>();
    secrets.put("EC PKCS#8", ecPkcs8);
    secrets.put("RSA PKCS#8", rsaPkcs8);
    secrets.put("DKEK", DKEK);
    secrets.put("user PIN", "648219".getBytes());
    // the search sees the plaintext of a v1 state: this test fails without sealing
    assertThat(KeysAtRestTest.findings(dir, secrets)).hasSizeGreaterThanOrEqualTo(4);

    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      byte[] file = Files.readAllBytes(dir.resolve("card.state"));
      assertThat(((file[8] & 0xFF) << 8) | (file[9] & 0xFF)).isEqualTo(StateCodec.VERSION);
      assertThat(KeysAtRestTest.findings(dir, secrets)).isEmpty();
      CardState s = card.state();
      assertThat(s.legacy()).isNull();
      assertThat(s.key(1).sealed()).isTrue();
      assertThat(s.key(2).sealed()).isTrue();
      assertThat(s.key(0).sealed()).isFalse(); // the device key: SECURITY.md says why
      assertThat(s.key(0)).isEqualTo(v1.key(0));
      assertThat(s.files().keySet()).isEqualTo(v1.files().keySet());
      assertThat(s.userTriesLeft()).isEqualTo(3);
      assertThat(s.soTriesLeft()).isEqualTo(15);
      assertThat(s.dkekShares()).isEqualTo(1);
      assertThat(s.dkekImported()).isEqualTo(1);
      KeyTestCard.Reply status = t.send(KeyTestCard.hex("8052000000"));
      assertThat(Arrays.copyOfRange(status.data(), 2, 10)).isEqualTo(Dkek.kcv(DKEK));

      assertOk(verify(t, "648219"));
      assertThat(card.privateKeyPkcs8(1)).isEqualTo(ecPkcs8);
      assertThat(card.privateKeyPkcs8(2)).isEqualTo(rsaPkcs8);
      assertThat(signs(t, 1)).isTrue();
      assertThat(signs(t, 2)).isTrue();
      KeyTestCard.Reply wrapped = t.send(KeyTestCard.hex("80720192000000"));
      assertOk(wrapped);
      assertThat(Arrays.copyOf(wrapped.data(), 8)).isEqualTo(Dkek.kcv(DKEK));
      assertOk(t.send(KeyTestCard.hex("0020008808" + SealedCards.SO_PIN_HEX)));
    }
    try (var card = open(dir).card) { // and again from the v2 file, with no RAM shortcut
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertOk(verify(t, "648219"));
      assertThat(signs(t, 2)).isTrue();
    }
  }
}
