package io.hsmkit.client.keys;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;

/**
 * The PKCS#15 secret key description of an AES key, stored in the PrKD file {@code C4xx} as
 * CardContact's PKCS#11 module writes it (docs/protocol.md#secret-key-description): {@code A8}
 * (secretKeys [8]) around common object attributes (label), common key attributes (id, usage as a
 * 10-bit string), {@code [0]} the key length in bits and {@code [1]} an empty path. A {@code C4xx}
 * whose first byte is {@code A8} describes a secret key; anything else a private key.
 *
 * @param label the key label, empty for none
 * @param id the PKCS#15 iD (CKA_ID)
 * @param usage the module's usage flags ({@link #ENCRYPT}, …): bits 31..22 of an int
 * @param keyLengthBits 128, 192 or 256
 */
public record SecretKeyDescription(String label, byte[] id, int usage, int keyLengthBits) {
  /** The first byte of a secret key description (the module's {@code P15_KEYTYPE_AES}). */
  public static final int TAG = 0xA8;

  public static final int ENCRYPT = 0x80000000;
  public static final int DECRYPT = 0x40000000;
  public static final int SIGN = 0x20000000;
  public static final int DERIVE = 0x00800000;

  /** What hsmkit gives a generated AES key: CBC both ways and CMAC (CIPHER 10, 11, 18). */
  public static final int DEFAULT_USAGE = ENCRYPT | DECRYPT | SIGN;

  public SecretKeyDescription {
    label = label == null ? "" : label;
    id = id.clone();
  }

  @Override
  public byte[] id() {
    return id.clone();
  }

  /** Whether {@code c4} (the content of a {@code C4xx}) is a secret key description. */
  public static boolean isSecretKeyDescription(byte[] c4) {
    return c4 != null && c4.length > 0 && (c4[0] & 0xFF) == TAG;
  }

  public byte[] encode() {
    ASN1EncodableVector common = new ASN1EncodableVector();
    if (!label.isEmpty()) {
      common.add(new DERUTF8String(label));
    }
    // always two bytes with 6 unused bits, as the module's encodeCommonKeyAttributes()
    DERBitString usageBits =
        new DERBitString(new byte[] {(byte) (usage >>> 24), (byte) (usage >>> 16)}, 6);
    ASN1Encodable key = new DERSequence(new ASN1Encodable[] {new DEROctetString(id), usageBits});
    ASN1Encodable length =
        new DERTaggedObject(true, 0, new DERSequence(new ASN1Integer(keyLengthBits)));
    ASN1Encodable path =
        new DERTaggedObject(
            true, 1, new DERSequence(new DERSequence(new DEROctetString(new byte[0]))));
    DERSequence body = new DERSequence(new ASN1Encodable[] {new DERSequence(common), key, length, path});
    try {
      return new DERTaggedObject(false, 8, body).getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Decodes a secret key description; like the module it reads label, id, usage and key length
   * and ignores what follows ({@code [1]} may be absent; the length may be a bare INTEGER, as in
   * the module's older encoding).
   */
  public static SecretKeyDescription decode(byte[] der) throws IOException {
    if (!isSecretKeyDescription(der)) {
      throw new IOException("not a secret key description (no tag A8)");
    }
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(der);
      ASN1TaggedObject t = (ASN1TaggedObject) p;
      ASN1Sequence body = ASN1Sequence.getInstance(t, false);
      String label = "";
      for (ASN1Encodable e : ASN1Sequence.getInstance(body.getObjectAt(0))) {
        if (e instanceof ASN1String s && !(e instanceof ASN1BitString)) {
          label = s.getString();
          break;
        }
      }
      byte[] id = new byte[0];
      int usage = 0;
      if (body.size() > 1) {
        ASN1Sequence key = ASN1Sequence.getInstance(body.getObjectAt(1));
        id = ASN1OctetString.getInstance(key.getObjectAt(0)).getOctets();
        if (key.size() > 1) {
          byte[] bits = ASN1BitString.getInstance(key.getObjectAt(1)).getBytes();
          for (int i = 0; i < Math.min(4, bits.length); i++) {
            usage |= (bits[i] & 0xFF) << (24 - 8 * i);
          }
        }
      }
      int length = 0;
      for (int i = 2; i < body.size(); i++) {
        if (body.getObjectAt(i) instanceof ASN1TaggedObject a && a.getTagNo() == 0) {
          ASN1Primitive inner = a.getExplicitBaseObject().toASN1Primitive();
          ASN1Integer n =
              inner instanceof ASN1Integer bare
                  ? bare
                  : ASN1Integer.getInstance(ASN1Sequence.getInstance(inner).getObjectAt(0));
          length = n.intValueExact();
        }
      }
      return new SecretKeyDescription(label, id, usage, length);
    } catch (IllegalArgumentException | IllegalStateException | ArithmeticException
        | ClassCastException | IndexOutOfBoundsException e) {
      throw new IOException("not a PKCS#15 secret key description: " + e.getMessage(), e);
    }
  }

  /** The usage as PKCS#15 names, e.g. {@code [encrypt, decrypt, sign]}. */
  public String[] usageNames() {
    List<String> n = new ArrayList<>();
    if ((usage & ENCRYPT) != 0) {
      n.add("encrypt");
    }
    if ((usage & DECRYPT) != 0) {
      n.add("decrypt");
    }
    if ((usage & SIGN) != 0) {
      n.add("sign");
    }
    if ((usage & DERIVE) != 0) {
      n.add("derive");
    }
    return n.toArray(String[]::new);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretKeyDescription d
        && d.label.equals(label)
        && Arrays.equals(d.id, id)
        && d.usage == usage
        && d.keyLengthBits == keyLengthBits;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(id) * 31 + keyLengthBits;
  }

  @Override
  public String toString() {
    return "SKD[AES-" + keyLengthBits + " label=" + label + " id=" + HexFormat.of().formatHex(id)
        + "]";
  }
}
