package io.hsmkit.card;

import io.hsmkit.apdu.ResponseApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.seal.KdfParams;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** A card under test with helpers to send APDUs written in hex, as they appear on the wire. */
public final class TestCard {
  public static final String SO_PIN_HEX = "3537363231383830";
  public static final String USER_PIN = "648219";
  static final HexFormat HEX = HexFormat.of();

  public final CardOs card;

  public TestCard(CardOs card) {
    this.card = card;
  }

  public static TestCard inMemory() {
    return new TestCard(CardOs.inMemory(env()));
  }

  /**
   * The environment of unit-test cards: the system one with the cheapest Argon2 cost, so hundreds
   * of cards per run stay fast. Every check still runs; only the brute-force cost is gone.
   */
  public static CardEnvironment env() {
    return CardEnvironment.system().withKdf(KdfParams.CHEAP);
  }

  public ResponseApdu send(String hex) {
    return ResponseApdu.parse(card.process(HEX.parseHex(hex.replace(" ", ""))));
  }

  public StatusWord sw(String hex) {
    return send(hex).sw();
  }

  public static String ascii(String s) {
    return HEX.formatHex(s.getBytes(StandardCharsets.US_ASCII));
  }

  public static String lc(String dataHex) {
    return String.format("%02X", dataHex.replace(" ", "").length() / 2);
  }

  /** INITIALIZE as sc-hsm-tool sends it (docs/protocol.md#trace-initialize), options 0001. */
  public StatusWord initialize(String soPinHex, String userPin, int retries, Integer dkekShares) {
    String data =
        "80020001" + "81" + lc(ascii(userPin)) + ascii(userPin) + "8208" + soPinHex + "9101"
            + String.format("%02X", retries)
            + (dkekShares == null ? "" : "9201" + String.format("%02X", dkekShares));
    return sw("80500000" + lc(data) + data);
  }

  public TestCard initialized() {
    StatusWord sw = initialize(SO_PIN_HEX, USER_PIN, 3, 1);
    if (!sw.isSuccess()) {
      throw new AssertionError("INITIALIZE failed: " + sw);
    }
    return this;
  }

  public StatusWord verify(String pin) {
    return sw("00200081" + lc(ascii(pin)) + ascii(pin));
  }

  public TestCard loggedIn() {
    StatusWord sw = verify(USER_PIN);
    if (!sw.isSuccess()) {
      throw new AssertionError("VERIFY failed: " + sw);
    }
    return this;
  }

  /** UPDATE BINARY (D7) of {@code fid} (0 = current EF) at {@code offset}, Lc computed. */
  public StatusWord updateBinary(int fid, int offset, String dataHex) {
    String d = dataHex.replace(" ", "");
    int n = d.length() / 2;
    String len = n < 0x80 ? String.format("%02X", n) : n < 0x100 ? String.format("81%02X", n)
        : String.format("82%04X", n);
    String body = String.format("5402%04X53", offset) + len + d;
    int lc = body.length() / 2;
    String lcHex = lc < 256 ? String.format("%02X", lc) : String.format("00%04X", lc);
    return sw(String.format("00D7%04X", fid) + lcHex + body);
  }

  public static String hex(byte[] b) {
    return HEX.formatHex(b);
  }
}
