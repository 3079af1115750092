package io.hsmkit.client.keys;

import java.security.PublicKey;
import java.util.HexFormat;

/**
 * A key on the card as OpenSC presents it: the card's key reference ({@code CCxx}, what {@code
 * sc-hsm-tool --wrap-key --key-reference} wants), the PKCS#11 id and label from the PrKD, and the
 * public key from the CV request or certificate in {@code CExx}. For an AES key the algorithm is
 * {@code AES-128} / {@code AES-192} / {@code AES-256}, and public key and certificate are null.
 *
 * @param certificate the X.509 certificate in {@code CExx} (DER), or null when it holds the CV
 *     request
 */
public record KeyInfo(
    int keyRef, byte[] id, String label, String algorithm, int sizeBits, String[] usage,
    PublicKey publicKey, byte[] certificate) {

  public String idHex() {
    return HexFormat.of().formatHex(id);
  }

  public boolean isEc() {
    return algorithm.startsWith("EC");
  }

  /** A secret AES key (described by an {@code A8} secret key description; no public key). */
  public boolean isAes() {
    return algorithm.startsWith("AES");
  }
}
