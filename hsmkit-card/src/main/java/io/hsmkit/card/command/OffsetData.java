package io.hsmkit.card.command;

import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.card.dispatch.SwException;
import java.util.List;

/**
 * The data field of READ BINARY / UPDATE BINARY with odd INS: {@code 54 02 offH offL} and, for
 * UPDATE, {@code 53 L data} (docs/protocol.md#read-binary, docs/protocol.md#update-binary).
 */
record OffsetData(int offset, byte[] data) {

  static OffsetData parse(byte[] field, boolean requireData) throws SwException {
    List<Tlv> tlvs;
    try {
      tlvs = Tlv.parseAll(field);
    } catch (TlvException e) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    Tlv off = Tlv.find(tlvs, Tags.OffsetData.OFFSET).orElseThrow(() -> new SwException(StatusWord.WRONG_DATA));
    if (off.length() != 2) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    byte[] o = off.value();
    int offset = ((o[0] & 0xFF) << 8) | (o[1] & 0xFF);
    if (!requireData) {
      if (tlvs.size() != 1) {
        throw new SwException(StatusWord.WRONG_DATA);
      }
      return new OffsetData(offset, new byte[0]);
    }
    Tlv d = Tlv.find(tlvs, Tags.OffsetData.DATA).orElseThrow(() -> new SwException(StatusWord.WRONG_DATA));
    if (tlvs.size() != 2) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    return new OffsetData(offset, d.value());
  }
}
