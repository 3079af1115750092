package io.hsmkit.client.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.apdu.ApduTransport;
import io.hsmkit.card.CardEnvironment;
import io.hsmkit.card.CardOs;
import io.hsmkit.card.seal.KdfParams;
import io.hsmkit.client.InitializeRequest;
import io.hsmkit.client.PinReference;
import io.hsmkit.client.SmartCardHsmSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact frames {@link SmartCardHsmSession} sends, command by command, as OpenSC sends them
 * (docs/protocol.md#command-table): the commands are built from the shared tables, and a change to
 * a table entry or to how the session uses it must not change a byte on the wire.
 */
class SessionWireBytesTest {
  private static final HexFormat HEX = HexFormat.of().withUpperCase();
  private static final byte[] SO = HEX.parseHex("3537363231383830");
  private static final byte[] PIN = "648219".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEW_PIN = "123456".getBytes(StandardCharsets.US_ASCII);

  private final CardOs card =
      CardOs.inMemory(CardEnvironment.system().withKdf(KdfParams.CHEAP));
  private final List<String> sent = new ArrayList<>();
  private final SmartCardHsmSession session =
      new SmartCardHsmSession(
          (ApduTransport)
              command -> {
                sent.add(HEX.formatHex(command));
                return card.process(command);
              });

  private List<String> during(ThrowingRunnable r) throws Exception {
    sent.clear();
    r.run();
    return List.copyOf(sent);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void everyCommand_framedAsOpenScFramesIt() throws Exception {
    assertThat(during(session::select)).containsExactly("00A404000BE82B0601040181C31F020100");
    assertThat(during(() -> session.pinStatus(PinReference.USER))).containsExactly("00200081");
    assertThat(during(() -> session.initialize(new InitializeRequest(SO, PIN, 0x0001, 3, 1))))
        .containsExactly(
            "00200088",
            "805000001C" + "80020001" + "8106363438323139" + "82083537363231383830" + "910103"
                + "920101");
    assertThat(during(() -> session.verifyPin(PIN)))
        .containsExactly("00200081", "0020008106363438323139");
    assertThat(during(session::dkekStatus)).containsExactly("8052000000");
    byte[] share = new byte[32];
    share[0] = 0x11;
    assertThat(during(() -> session.importDkekShare(share)))
        .containsExactly("8052000020" + HEX.formatHex(share) + "00");
    assertThat(during(session::enumerate)).containsExactly("80580000000000");

    assertThat(during(() -> session.writeFile(0xCD01, HEX.parseHex("AABBCC"))))
        .containsExactly("00D7CD0109" + "54020000" + "5303AABBCC");
    List<String> read = during(() -> session.readFile(0xCD01));
    assertThat(read.get(0)).isEqualTo("00A4000002CD0100");
    assertThat(read.get(1)).isEqualTo("00B10000" + "000004" + "54020000" + "1000");
    assertThat(read.get(2)).isEqualTo("00B10000" + "000004" + "54020003" + "1000");
    assertThat(during(() -> session.deleteFile(0xCD01))).containsExactly("00E4020002CD01");

    byte[] body = CvRequests.gakpBody(KeySpec.parse("ec:secp256r1"), "DETEST00001");
    assertThat(during(() -> session.generateKeyPair(1, body)))
        .containsExactly("00460100" + String.format("00%04X", body.length) + HEX.formatHex(body)
            + "0000");
    assertThat(during(() -> session.sign(1, AlgorithmId.EC_RAW, new byte[32])))
        .containsExactly("80680170000020" + "00".repeat(32) + "0200");
    assertThat(during(() -> session.sign(1, AlgorithmId.EC_SHA256, HEX.parseHex("01"))))
        .containsExactly("80680173000001" + "01" + "0200");
    byte[][] blob = new byte[1][];
    assertThat(during(() -> blob[0] = session.wrapKey(1))).containsExactly("80720192000000");
    assertThat(during(() -> session.unwrapKey(2, blob[0])))
        .containsExactly("80740293" + String.format("00%04X", blob[0].length)
            + HEX.formatHex(blob[0]));
    assertThat(during(() -> session.challenge(8))).containsExactly("0084000008");

    assertThat(during(() -> session.changePin(PIN, NEW_PIN)))
        .containsExactly("00200081", "002400810C" + HEX.formatHex(PIN) + HEX.formatHex(NEW_PIN));
    assertThat(during(() -> session.resetRetryCounter(SO, PIN)))
        .containsExactly("00200088", "002C00810E" + HEX.formatHex(SO) + HEX.formatHex(PIN));
    assertThat(during(() -> session.resetRetryCounter(SO, null)))
        .containsExactly("00200088", "002C018108" + HEX.formatHex(SO));
    byte[] newSo = HEX.parseHex("0102030405060708");
    assertThat(during(() -> session.changeSoPin(SO, newSo)))
        .containsExactly("00200088", "0024008810" + HEX.formatHex(SO) + HEX.formatHex(newSo));
  }
}
