package io.hsmkit.client.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * A PKCS#15 private key description (PrKD, EF {@code C4xx}) in exactly the form OpenSC writes it
 * after key generation ({@code sc_pkcs15_encode_prkdf_entry()}, docs/protocol.md#files): label,
 * flags private+modifiable, authId 01, iD, usage, key reference, empty path, modulus or field
 * length. OpenSC's bind reads it to show labels and ids, and {@code sc-hsm-tool --wrap-key} puts
 * it into backup files.
 *
 * @param ec true for {@code privateECKey [0]}, false for {@code privateRSAKey}
 * @param label the key label (CKA_LABEL)
 * @param id the PKCS#15 iD (CKA_ID)
 * @param keyReference the card's key reference (CCxx)
 * @param sizeBits modulus length (RSA) or field length (EC)
 */
public record PrivateKeyDescription(
    boolean ec, String label, byte[] id, int keyReference, int sizeBits) {

  /** Usage of generated RSA keys: decrypt, sign, signRecover, unwrap (bits 1, 2, 3, 5). */
  static final DERBitString RSA_USAGE = new DERBitString(new byte[] {0x74}, 2);

  /** Usage of generated EC keys: sign, signRecover, derive (bits 2, 3, 8). */
  static final DERBitString EC_USAGE = new DERBitString(new byte[] {0x30, (byte) 0x80}, 7);

  /** Object flags private and modifiable. */
  static final DERBitString FLAGS = new DERBitString(new byte[] {(byte) 0xC0}, 6);

  public PrivateKeyDescription {
    id = id.clone();
  }

  @Override
  public byte[] id() {
    return id.clone();
  }

  public byte[] encode() {
    ASN1EncodableVector common = new ASN1EncodableVector();
    if (label != null && !label.isEmpty()) {
      common.add(new DERUTF8String(label));
    }
    common.add(FLAGS);
    common.add(new DEROctetString(new byte[] {0x01}));
    ASN1EncodableVector key = new ASN1EncodableVector();
    key.add(new DEROctetString(id));
    key.add(ec ? EC_USAGE : RSA_USAGE);
    key.add(new ASN1Integer(keyReference));
    ASN1Encodable path = new DERSequence(new DEROctetString(new byte[0]));
    ASN1Encodable typeAttributes =
        new DERTaggedObject(
            true, 1, new DERSequence(new ASN1Encodable[] {path, new ASN1Integer(sizeBits)}));
    DERSequence body =
        new DERSequence(
            new ASN1Encodable[] {new DERSequence(common), new DERSequence(key), typeAttributes});
    try {
      return ec ? new DERTaggedObject(false, 0, body).getEncoded("DER") : body.getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Decodes a PrKD as OpenSC or a real device stores it. */
  public static PrivateKeyDescription decode(byte[] der) throws IOException {
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(der);
      if (p == null) { // empty: OpenSC was stopped between creating the file and writing it
        throw new IOException("empty private key description");
      }
      boolean ec;
      ASN1Sequence body;
      if (p instanceof ASN1TaggedObject t) {
        if (t.getTagNo() != 0) {
          throw new IOException("unsupported private key type [" + t.getTagNo() + "]");
        }
        ec = true;
        body = ASN1Sequence.getInstance(t, false);
      } else {
        ec = false;
        body = ASN1Sequence.getInstance(p);
      }
      ASN1Sequence common = ASN1Sequence.getInstance(body.getObjectAt(0));
      String label = "";
      for (ASN1Encodable e : common) {
        // The label is a UTF8String; BC's ASN1BitString (the flags) is an ASN1String too.
        if (e instanceof ASN1String s && !(e instanceof ASN1BitString)) {
          label = s.getString();
          break;
        }
      }
      ASN1Sequence key = ASN1Sequence.getInstance(body.getObjectAt(1));
      byte[] id = ASN1OctetString.getInstance(key.getObjectAt(0)).getOctets();
      int ref = -1;
      for (ASN1Encodable e : key) {
        if (e instanceof ASN1Integer i) {
          ref = i.intValueExact();
        }
      }
      int size = 0;
      for (int i = 2; i < body.size(); i++) {
        ASN1Encodable e = body.getObjectAt(i);
        if (e instanceof ASN1TaggedObject t && t.getTagNo() == 1) {
          ASN1Sequence attrs = ASN1Sequence.getInstance(t.getExplicitBaseObject());
          for (ASN1Encodable a : attrs) {
            if (a instanceof ASN1Integer n) {
              size = n.intValueExact();
              break;
            }
          }
        }
      }
      return new PrivateKeyDescription(ec, label, id, ref, size);
    } catch (IllegalArgumentException | IllegalStateException | ArithmeticException
        | ClassCastException | IndexOutOfBoundsException e) {
      throw new IOException("not a PKCS#15 private key description: " + e.getMessage(), e);
    }
  }

  /** The key usage flags as names, e.g. {@code [sign, signRecover, derive]}. */
  public static String[] usageNames(ASN1BitString usage) {
    String[] names = {
      "encrypt", "decrypt", "sign", "signRecover", "wrap", "unwrap", "verify", "verifyRecover",
      "derive", "nonRepudiation"
    };
    byte[] b = usage.getBytes();
    return java.util.stream.IntStream.range(0, names.length)
        .filter(i -> i / 8 < b.length && (b[i / 8] & (0x80 >>> (i % 8))) != 0)
        .mapToObj(i -> names[i])
        .toArray(String[]::new);
  }

  /** Usage names of the keys hsmkit and OpenSC generate. */
  public String[] usage() {
    return usageNames(ec ? EC_USAGE : RSA_USAGE);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrivateKeyDescription d
        && d.ec == ec
        && d.label.equals(label)
        && Arrays.equals(d.id, id)
        && d.keyReference == keyReference
        && d.sizeBits == sizeBits;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(id) * 31 + keyReference;
  }

  @Override
  public String toString() {
    return "PrKD[" + (ec ? "EC " : "RSA ") + sizeBits + " ref=" + keyReference + " label=" + label
        + " id=" + java.util.HexFormat.of().formatHex(id) + "]";
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
