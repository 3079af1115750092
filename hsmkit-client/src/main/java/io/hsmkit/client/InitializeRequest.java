package io.hsmkit.client;

import java.util.Arrays;

/**
 * The parameters of INITIALIZE DEVICE (docs/protocol.md#initialize). Arrays are copied in; call
 * {@link #wipe()} when done.
 *
 * @param soPin the SO-PIN as 8 binary bytes (16 hex digits decoded)
 * @param userPin the user PIN bytes (6..16)
 * @param options device options, 0x0001 = user PIN reset with SO-PIN (what sc-hsm-tool sets)
 * @param retries user PIN retry counter (1..15, default 3)
 * @param dkekShares null = no DKEK (keys can never be backed up), 0 = random DKEK, n = n shares
 * @param keyDomains null = no tag 97, n = n key-domain slots (1..255, slot 0 is the DKEK;
 *     docs/protocol.md#key-domains)
 */
public record InitializeRequest(
    byte[] soPin, byte[] userPin, int options, int retries, Integer dkekShares,
    Integer keyDomains) {

  /** Without key domains, as sc-hsm-tool initializes. */
  public InitializeRequest(byte[] soPin, byte[] userPin, int options, int retries, Integer dkekShares) {
    this(soPin, userPin, options, retries, dkekShares, null);
  }

  public InitializeRequest {
    soPin = soPin.clone();
    userPin = userPin.clone();
  }

  public void wipe() {
    Arrays.fill(soPin, (byte) 0);
    Arrays.fill(userPin, (byte) 0);
  }

  @Override
  public String toString() {
    return "InitializeRequest[options=" + options + ", retries=" + retries + ", dkekShares="
        + dkekShares + ", keyDomains=" + keyDomains + "]";
  }
}
