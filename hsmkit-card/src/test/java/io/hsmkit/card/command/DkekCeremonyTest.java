package io.hsmkit.card.command;

import static io.hsmkit.card.command.SealedCards.assertOk;
import static io.hsmkit.card.command.SealedCards.importShare;
import static io.hsmkit.card.command.SealedCards.initialize;
import static io.hsmkit.card.command.SealedCards.open;
import static io.hsmkit.card.command.SealedCards.verify;
import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.dkek.Dkek;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMPORT DKEK SHARE without a PIN (sc-hsm-tool's flow) with the DKEK sealed at rest: shares are
 * stored sealed to the import key and folded at the next VERIFY; the KCV comes from the card's RAM
 * while the ceremony runs in one process, and is {@code 0000000000000000} ("not known yet") for a
 * share that arrives after a restart until a VERIFY folds the shares.
 */
class DkekCeremonyTest {
  static final String PIN = "648219";
  static final byte[] UNKNOWN = new byte[8];
  @TempDir Path tmp;

  static byte[] kcvOf(KeyTestCard.Reply r) {
    return Arrays.copyOfRange(r.data(), 2, 10);
  }

  static byte[] status(KeyTestCard t) {
    KeyTestCard.Reply r = t.send(KeyTestCard.hex("8052000000"));
    assertOk(r);
    return r.data();
  }

  @Test
  void sharesWithoutPin_inOneProcess_kcvAtOnce_foldedAtVerify_wrapUsesIt() throws Exception {
    byte[] a = SealedCards.share(1);
    byte[] b = SealedCards.share(2);
    Path dir = tmp.resolve("c");
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertOk(initialize(t, PIN, 3, 2));
      KeyTestCard.Reply first = importShare(t, a);
      assertOk(first);
      assertThat(first.data()[1]).isEqualTo((byte) 1);
      assertThat(kcvOf(first)).isEqualTo(Dkek.kcv(a));
      KeyTestCard.Reply second = importShare(t, b);
      assertThat(second.data()[1]).isZero();
      assertThat(kcvOf(second)).isEqualTo(Dkek.kcv(Dkek.combine(a, b)));
      assertThat(card.state().pendingShares()).hasSize(2);
      assertThat(KeysAtRestTest.findings(dir, Map.of("a", a, "b", b))).isEmpty();
    }
    try (var card = open(dir).card) { // the KCV is kept across a restart, before any VERIFY
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertThat(Arrays.copyOfRange(status(t), 2, 10)).isEqualTo(Dkek.kcv(Dkek.combine(a, b)));
      assertThat(t.send(KeyTestCard.hex("8072019200")).sw()).isEqualTo(0x6982);
      assertOk(verify(t, PIN));
      assertThat(card.state().pendingShares()).isEmpty();
      assertThat(card.state().dkekComplete()).isTrue();
      t.generateEc(1, Curve.SECP256R1);
      KeyTestCard.Reply wrapped = t.send(KeyTestCard.hex("80720192000000"));
      assertOk(wrapped);
      // a key blob starts with the KCV of the DKEK it is wrapped under (docs/protocol.md#key-blob)
      assertThat(Arrays.copyOf(wrapped.data(), 8)).isEqualTo(Dkek.kcv(Dkek.combine(a, b)));
    }
  }

  @Test
  void restartMidCeremony_shareAfterRestart_kcvUnknownUntilVerifyFolds() throws Exception {
    byte[] a = SealedCards.share(3);
    byte[] b = SealedCards.share(4);
    byte[] c = SealedCards.share(5);
    Path dir = tmp.resolve("c");
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertOk(initialize(t, PIN, 3, 3));
      assertThat(kcvOf(importShare(t, a))).isEqualTo(Dkek.kcv(a));
    }
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      KeyTestCard.Reply r = importShare(t, b); // RAM does not know share a any more
      assertOk(r);
      assertThat(r.data()[1]).isEqualTo((byte) 1);
      assertThat(kcvOf(r)).isEqualTo(UNKNOWN);
      assertThat(Arrays.copyOfRange(status(t), 2, 10)).isEqualTo(UNKNOWN);
      assertOk(verify(t, PIN)); // folds a and b
      assertThat(Arrays.copyOfRange(status(t), 2, 10)).isEqualTo(Dkek.kcv(Dkek.combine(a, b)));
      t.logout();
      KeyTestCard.Reply last = importShare(t, c); // RAM knows a^b again: the KCV is exact
      assertThat(last.data()[1]).isZero();
      byte[] all = Dkek.combine(Dkek.combine(a, b), c);
      assertThat(kcvOf(last)).isEqualTo(Dkek.kcv(all));
      assertThat(importShare(t, c).sw()).isEqualTo(0x6986); // no share beyond the count
    }
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertOk(verify(t, PIN));
      assertThat(card.state().dkekComplete()).isTrue();
      assertThat(card.state().dkekKcv())
          .isEqualTo(Dkek.kcv(Dkek.combine(Dkek.combine(a, b), c)));
    }
  }

  @Test
  void shareWhileLoggedIn_isFoldedAtOnce() throws Exception {
    byte[] a = SealedCards.share(6);
    try (var card = open(tmp.resolve("c")).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertOk(initialize(t, PIN, 3, 1));
      assertOk(verify(t, PIN));
      assertThat(kcvOf(importShare(t, a))).isEqualTo(Dkek.kcv(a));
      assertThat(card.state().pendingShares()).isEmpty();
      assertThat(card.state().dkekComplete()).isTrue();
    }
  }

  /**
   * hsmkit's deviation from the chip (SECURITY.md, "Degenerate DKEKs"): the same share twice, across a restart (KCV
   * unknown) or in one process, and an all-zero share are refused with 6A80 and change nothing;
   * the digests go with the state file and are cleared by INITIALIZE.
   */
  @Test
  void repeatedOrZeroShare_isRefused_acrossRestartAndLoggedIn_andInitializeForgetsIt()
      throws Exception {
    byte[] a = SealedCards.share(7);
    Path dir = tmp.resolve("c");
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertOk(initialize(t, PIN, 3, 3));
      assertThat(importShare(t, new byte[32]).sw()).isEqualTo(0x6A80);
      assertOk(importShare(t, a));
      assertThat(importShare(t, a).sw()).isEqualTo(0x6A80);
    }
    try (var card = open(dir).card) { // restarted: the accumulator is not known, the digest is
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertThat(importShare(t, a).sw()).isEqualTo(0x6A80);
      assertThat(status(t)[1]).isEqualTo((byte) 2);
      assertOk(verify(t, PIN));
      assertThat(importShare(t, a).sw()).isEqualTo(0x6A80); // logged in
      assertOk(importShare(t, SealedCards.share(8)));
    }
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertThat(card.state().shareDigests()).hasSize(2);
      assertOk(initialize(t, PIN, 3, 2));
      assertThat(card.state().shareDigests()).isEmpty();
      assertOk(importShare(t, a));
    }
  }
}
