package io.hsmkit.card;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.ResponseApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.card.cvc.Cvc;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class FileCommandsTest {

  @Test
  void select_foreignAids_answer6A82() {
    TestCard t = TestCard.inMemory();
    assertThat(t.sw("00A4040007627601FF000000").value()).isEqualTo(0x6A82); // CoolKey
    assertThat(t.sw("00A4040006A00000000101").value()).isEqualTo(0x6A82); // Muscle
    assertThat(t.sw("00A4080002 2F00 00".replace(" ", "")).value()).isEqualTo(0x6A82);
    assertThat(t.sw("00A40800045015494600").value()).isEqualTo(0x6A82);
  }

  @Test
  void select_applet_returnsFcpWithTag85() throws Exception {
    TestCard t = TestCard.inMemory();
    ResponseApdu r = t.send("00A404000BE82B0601040181C31F020100");
    assertThat(r.sw().isSuccess()).isTrue();
    Tlv fcp = Tlv.parseFirst(r.data());
    assertThat(fcp.tag()).isEqualTo(0x62);
    assertThat(Tlv.find(fcp.children(), 0x85).orElseThrow().length()).isEqualTo(5);
  }

  @Test
  void readDevAut_inChunksLikeOpenSc_endsWithEmptyRead() throws Exception {
    TestCard t = TestCard.inMemory();
    ResponseApdu sel = t.send("00A40000022F0200");
    Tlv fcp = Tlv.parseFirst(sel.data());
    byte[] size = Tlv.find(fcp.children(), 0x80).orElseThrow().value();
    int len = ((size[0] & 0xFF) << 8) | (size[1] & 0xFF);
    assertThat(len).isBetween(200, 1023);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    int off = 0;
    while (true) {
      ResponseApdu r =
          t.send(String.format("00B1000000000454 02%04X 0100", off).replace(" ", ""));
      assertThat(r.sw().isSuccess()).isTrue();
      if (r.data().length == 0) {
        break;
      }
      all.writeBytes(r.data());
      off += r.data().length;
    }
    assertThat(all.size()).isEqualTo(len);
    String chr = Cvc.chrOf(all.toByteArray());
    assertThat(chr).hasSize(16).startsWith("DEHK").endsWith("00000");
    assertThat(t.card.deviceChr()).isEqualTo(chr);
  }

  @Test
  void updateBinary_needsPin_thenCreatesWritesAndAppends() {
    TestCard t = TestCard.inMemory().initialized();
    assertThat(t.updateBinary(0xCE01, 0, ""))
        .isEqualTo(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    t.loggedIn();
    assertThat(t.updateBinary(0xCE01, 0, "").isSuccess()).isTrue(); // create empty, current
    assertThat(t.updateBinary(0, 0, "0102030405").isSuccess()).isTrue();
    assertThat(t.updateBinary(0, 5, "060708").isSuccess()).isTrue();
    assertThat(t.card.state().file(0xCE01)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    // a write at offset 0 replaces the content
    assertThat(t.updateBinary(0xCE01, 0, "AABB").isSuccess()).isTrue();
    assertThat(t.card.state().file(0xCE01)).containsExactly(0xAA, 0xBB);
  }

  @Test
  void updateBinary_reservedFiles_refused() {
    TestCard t = TestCard.inMemory().initialized().loggedIn();
    assertThat(t.updateBinary(0x2F02, 0, "AABB").isSuccess()).isFalse();
    assertThat(t.updateBinary(0xCC01, 0, "AABB").isSuccess()).isFalse();
    assertThat(t.card.state().hasFile(0xCC01)).isFalse();
  }

  @Test
  void readBinary_privateDataNeedsPin_keysNeverReadable() {
    TestCard t = TestCard.inMemory().initialized().loggedIn();
    assertThat(t.updateBinary(0xCD01, 0, "AABB").isSuccess()).isTrue();
    t.card.powerOff();
    assertThat(t.sw("00B1CD0104540200000000".substring(0, 20)))
        .isEqualTo(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    assertThat(t.sw("00B1CC00045402000000")).isEqualTo(StatusWord.SECURITY_STATUS_NOT_SATISFIED);
    t.loggedIn();
    assertThat(TestCard.hex(t.send("00B1CD01045402000000").data())).isEqualTo("aabb");
  }

  @Test
  void readBinary_offsetBeyondEnd_rejected() {
    TestCard t = TestCard.inMemory();
    t.send("00A40000022F0200");
    assertThat(t.sw("00B1000004 5402 7FFF 00".replace(" ", ""))).isEqualTo(StatusWord.WRONG_P1P2);
  }

  @Test
  void enumerate_listsDeviceKeyAndEveryFile() {
    TestCard t = TestCard.inMemory().initialized().loggedIn();
    t.updateBinary(0xC901, 0, "01");
    t.updateBinary(0xCA01, 0, "01");
    ResponseApdu r = t.send("80580000000000");
    assertThat(TestCard.hex(r.data())).isEqualTo("cc00" + "2f02" + "c901" + "ca01");
  }

  @Test
  void deleteFile_deletesEfs_neverTheDeviceKeyOrCertificate() {
    TestCard t = TestCard.inMemory().initialized().loggedIn();
    t.updateBinary(0xC901, 0, "01");
    assertThat(t.sw("00E4020002C901").isSuccess()).isTrue();
    assertThat(t.sw("00E4020002C901")).isEqualTo(StatusWord.FILE_NOT_FOUND);
    assertThat(t.sw("00E4020002CC00").isSuccess()).isFalse();
    assertThat(t.sw("00E40200022F02").isSuccess()).isFalse();
    assertThat(t.card.state().key(0)).isNotNull();
  }

  @Test
  void getChallenge_returnsExactlyNe() {
    TestCard t = TestCard.inMemory();
    assertThat(t.send("0084000008").data()).hasSize(8);
    assertThat(t.send("00840000000400").data()).hasSize(1024);
    assertThat(t.sw("00840000000800")).isEqualTo(StatusWord.WRONG_LENGTH);
  }

  @Test
  void unknownInsAndCla_answeredCleanly() {
    TestCard t = TestCard.inMemory();
    assertThat(t.sw("00CA0000")).isEqualTo(StatusWord.INS_NOT_SUPPORTED);
    assertThat(t.sw("A0A40000")).isEqualTo(StatusWord.CLA_NOT_SUPPORTED);
    assertThat(t.sw("00A4")).isEqualTo(StatusWord.WRONG_LENGTH);
  }
}
