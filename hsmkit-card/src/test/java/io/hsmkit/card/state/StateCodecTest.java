package io.hsmkit.card.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The codes the state file stores are explicit and stable: existing cards keep their meaning
 * whatever order the enums are declared in.
 */
class StateCodecTest {

  /** Every stored code, pinned: change one and every card on disk reads differently. */
  @Test
  void keyTypeCodes_arePinned() {
    Map<String, Integer> codes = new LinkedHashMap<>();
    for (KeyRecord.KeyType t : KeyRecord.KeyType.values()) {
      codes.put(t.name(), t.code());
    }

    assertThat(codes).containsExactly(Map.entry("RSA", 0), Map.entry("EC", 1), Map.entry("AES", 2));
    for (KeyRecord.KeyType t : KeyRecord.KeyType.values()) {
      assertThat(KeyRecord.KeyType.fromCode(t.code())).contains(t);
    }
    assertThat(KeyRecord.KeyType.fromCode(3)).isEmpty();
  }

  /** A v2 file as the codec before explicit codes wrote it (KeyType.ordinal()), byte for byte. */
  @Test
  void fileWrittenByThePreviousCodec_readsAndReencodesToTheSameBytes() throws Exception {
    byte[] file = v2File(1, 0);

    StateCodec.Decoded d = StateCodec.decode(file, "card.state");

    assertThat(d.generation()).isEqualTo(7);
    assertThat(d.state().key(0).type()).isEqualTo(KeyRecord.KeyType.EC);
    assertThat(d.state().key(5).type()).isEqualTo(KeyRecord.KeyType.RSA);
    assertThat(d.state().key(5).sizeBits()).isEqualTo(2048);
    assertThat(d.state().file(0x2F02)).containsExactly(0x7F, 0x21);
    assertThat(d.state().soTriesLeft()).isEqualTo(15);
    assertThat(StateCodec.encode(d.state(), 7)).isEqualTo(file);
  }

  /** An AES key (code 2) read back from bytes: type, size and the sealed secret survive. */
  @Test
  void aesKeyCode2_decodesAsAes() throws Exception {
    StateCodec.Decoded d = StateCodec.decode(v2File(1, 2), "card.state");

    assertThat(d.state().key(5).type()).isEqualTo(KeyRecord.KeyType.AES);
    assertThat(StateCodec.encode(d.state(), 7)).isEqualTo(v2File(1, 2));
  }

  @Test
  void unknownKeyTypeCode_isAClearStateException() throws Exception {
    assertThatThrownBy(() -> StateCodec.decode(v2File(1, 9), "card.state"))
        .isInstanceOf(StateException.class)
        .hasMessage("card.state is damaged (unknown key type 9)");
  }

  /**
   * Built by hand from the format in StateCodec's class comment: a factory-new v2 state with the
   * device key (type code {@code deviceType}) and one sealed key 5 (type code {@code keyType}).
   */
  private static byte[] v2File(int deviceType, int keyType) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream p = new DataOutputStream(body);
    p.writeBoolean(false); // initialized
    p.writeShort(0); // options
    p.writeByte(15); // SO tries
    p.writeByte(0); // user retry max
    p.writeByte(0); // user tries
    p.writeBoolean(false); // transport PIN
    p.writeShort(-1); // DKEK shares
    p.writeShort(0); // imported
    blob(p, new byte[0]); // sealed DKEK
    blob(p, new byte[0]); // KCV
    p.writeShort(0); // pending shares
    p.writeBoolean(false); // no vault
    p.writeShort(2); // keys
    p.writeByte(0);
    p.writeByte(deviceType);
    p.writeShort(256);
    p.writeUTF("brainpoolP256r1");
    p.writeBoolean(false);
    blob(p, new byte[] {1});
    blob(p, new byte[] {2});
    blob(p, new byte[0]);
    p.writeByte(5);
    p.writeByte(keyType);
    p.writeShort(2048);
    p.writeUTF("");
    p.writeBoolean(true);
    blob(p, new byte[] {3, 3});
    blob(p, new byte[] {4});
    blob(p, new byte[] {(byte) 0x91});
    p.writeShort(1); // files
    p.writeShort(0x2F02);
    blob(p, new byte[] {0x7F, 0x21});
    p.flush();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream f = new DataOutputStream(out);
    f.write("HSMKITCS".getBytes(StandardCharsets.US_ASCII));
    f.writeShort(2);
    f.writeLong(7);
    f.writeInt(body.size());
    f.write(body.toByteArray());
    f.flush();
    byte[] head = out.toByteArray();
    byte[] file = Arrays.copyOf(head, head.length + 32);
    System.arraycopy(StateCodec.sha256(head), 0, file, head.length, 32);
    return file;
  }

  private static void blob(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }
}
