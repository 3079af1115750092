package io.hsmkit.jca.spi;

import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;

/**
 * The card pads r and s of an ECDSA signature to the field length inside its DER (so OpenSC guesses
 * the curve size right); that is not minimal DER, which strict verifiers reject (Bouncy Castle's
 * ASN1Integer refuses the redundant leading zeros outright). The JCA hands out minimal DER, as
 * SunEC does. Parsed with hsmkit's own TLV reader because BC's would refuse the padded integers.
 */
final class EcdsaDer {
  private EcdsaDer() {}

  static byte[] minimal(byte[] cardDer) throws TlvException {
    Tlv seq = Tlv.parseFirst(cardDer);
    List<Tlv> ints = seq.tag() == 0x30 ? seq.children() : List.of();
    if (ints.size() != 2 || ints.get(0).tag() != 0x02 || ints.get(1).tag() != 0x02) {
      throw new TlvException("not an ECDSA signature");
    }
    BigInteger r = new BigInteger(1, ints.get(0).value());
    BigInteger s = new BigInteger(1, ints.get(1).value());
    try {
      return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)})
          .getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
