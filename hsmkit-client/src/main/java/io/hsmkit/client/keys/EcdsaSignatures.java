package io.hsmkit.client.keys;

import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;

/**
 * ECDSA signature encodings. A real SmartCard-HSM and hsmkit's card answer minimal DER; earlier
 * hsmkit cards padded r and s to the field length, which is not DER and which strict verifiers
 * such as OpenSSL and the JDK reject. Everything hsmkit hands out is therefore re-encoded
 * minimally: a no-op for a card that already answers DER. Nothing here assumes a fixed width.
 */
public final class EcdsaSignatures {
  private EcdsaSignatures() {}

  /** r and s from a DER {@code SEQUENCE { INTEGER r, INTEGER s }}, minimal or padded. */
  public static BigInteger[] decode(byte[] der) throws TlvException {
    Tlv seq = Tlv.parseFirst(der);
    List<Tlv> ints = seq.children();
    if (seq.tag() != 0x30 || ints.size() != 2 || ints.get(0).tag() != 0x02
        || ints.get(1).tag() != 0x02) {
      throw new TlvException("not an ECDSA signature");
    }
    return new BigInteger[] {
      new BigInteger(1, ints.get(0).value()), new BigInteger(1, ints.get(1).value())
    };
  }

  /** Minimal DER. */
  public static byte[] toMinimalDer(byte[] der) throws TlvException {
    BigInteger[] rs = decode(der);
    try {
      return new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(rs[1])})
          .getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Plain {@code r || s}, each left-padded to {@code fieldBytes} (PKCS#11 CKM_ECDSA format). */
  public static byte[] toPlain(byte[] der, int fieldBytes) throws TlvException {
    BigInteger[] rs = decode(der);
    byte[] out = new byte[2 * fieldBytes];
    for (int i = 0; i < 2; i++) {
      byte[] b = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(rs[i]);
      if (b.length > fieldBytes) {
        throw new TlvException("signature value longer than the field");
      }
      System.arraycopy(b, 0, out, (i + 1) * fieldBytes - b.length, b.length);
    }
    return out;
  }
}
