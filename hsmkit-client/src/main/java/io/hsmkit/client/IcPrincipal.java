package io.hsmkit.client;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Internet Computer principals, as {@code dfx identity get-principal} prints them for an HSM
 * identity: a self-authenticating principal is SHA-224 of the DER SubjectPublicKeyInfo followed by
 * the byte {@code 02}; its text form is base32 (RFC 4648, lower case, no padding) of the big-endian
 * CRC-32 of the bytes followed by the bytes, with a dash after every 5 characters.
 */
public final class IcPrincipal {
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final byte SELF_AUTHENTICATING = 0x02;

  private IcPrincipal() {}

  /** The self-authenticating principal bytes of a public key given as DER SubjectPublicKeyInfo. */
  public static byte[] selfAuthenticating(byte[] spkiDer) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-224").digest(spkiDer);
      byte[] out = Arrays.copyOf(hash, hash.length + 1);
      out[hash.length] = SELF_AUTHENTICATING;
      return out;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The textual form of principal bytes, e.g. {@code aaaaa-aa} for the empty principal. */
  public static String toText(byte[] principal) {
    CRC32 crc = new CRC32();
    crc.update(principal);
    long c = crc.getValue();
    byte[] data = new byte[principal.length + 4];
    data[0] = (byte) (c >>> 24);
    data[1] = (byte) (c >>> 16);
    data[2] = (byte) (c >>> 8);
    data[3] = (byte) c;
    System.arraycopy(principal, 0, data, 4, principal.length);
    String b32 = base32(data);
    StringBuilder sb = new StringBuilder(b32.length() + b32.length() / 5);
    for (int i = 0; i < b32.length(); i++) {
      if (i > 0 && i % 5 == 0) {
        sb.append('-');
      }
      sb.append(b32.charAt(i));
    }
    return sb.toString();
  }

  /** The principal text of a public key (DER SubjectPublicKeyInfo). */
  public static String ofPublicKey(byte[] spkiDer) {
    return toText(selfAuthenticating(spkiDer));
  }

  static String base32(byte[] data) {
    StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        sb.append(BASE32[(buffer >>> (bits - 5)) & 0x1F]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(BASE32[(buffer << (5 - bits)) & 0x1F]);
    }
    return sb.toString();
  }
}
