package io.hsmkit.card.dispatch;

import io.hsmkit.card.cvc.CvcPublicKey;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What public key authentication keeps between commands and loses with the login (power-off,
 * reset, SELECT of the applet; docs/protocol.md#pka): the public keys PSO VERIFY CERTIFICATE
 * accepted, the key MSE SET selected for verification ({@code B6}) and for EXTERNAL AUTHENTICATE
 * ({@code A4}), the last challenge and the registered keys that have authenticated.
 */
public final class PkaSession {
  private final Map<String, CvcPublicKey> verified = new HashMap<>();
  private final Map<String, Integer> depth = new HashMap<>();
  private CvcPublicKey selectedForVerify;
  private int selectedDepth;
  private String selectedForAuth;
  private byte[] challenge;
  private final Set<String> authenticated = new LinkedHashSet<>();

  public Optional<CvcPublicKey> verified(String chr) {
    return Optional.ofNullable(verified.get(chr));
  }

  /** Stores a key PSO VERIFY CERTIFICATE accepted, {@code depth} steps below the root. */
  public void addVerified(CvcPublicKey key, int depth) {
    verified.put(key.chr(), key);
    this.depth.put(key.chr(), depth);
  }

  /** The depth of a verified key (-1 if unknown). */
  public int depth(String chr) {
    return depth.getOrDefault(chr, -1);
  }

  public Optional<CvcPublicKey> selectedForVerify() {
    return Optional.ofNullable(selectedForVerify);
  }

  public void selectForVerify(CvcPublicKey key, int depth) {
    this.selectedForVerify = key;
    this.selectedDepth = depth;
  }

  /** The depth of the key selected for verification. */
  public int selectedDepth() {
    return selectedDepth;
  }

  public Optional<String> selectedForAuth() {
    return Optional.ofNullable(selectedForAuth);
  }

  public void selectForAuth(String chr) {
    this.selectedForAuth = chr;
  }

  /** Remembers the challenge GET CHALLENGE answered with (the last one counts). */
  public void setChallenge(byte[] c) {
    this.challenge = c.clone();
  }

  /** The pending challenge, consumed: each EXTERNAL AUTHENTICATE needs a fresh one. */
  public Optional<byte[]> takeChallenge() {
    byte[] c = challenge;
    challenge = null;
    return Optional.ofNullable(c);
  }

  public void addAuthenticated(String chr) {
    authenticated.add(chr);
  }

  public int authenticatedCount() {
    return authenticated.size();
  }

  public boolean isAuthenticated(String chr) {
    return authenticated.contains(chr);
  }

  void clear() {
    verified.clear();
    depth.clear();
    selectedForVerify = null;
    selectedForAuth = null;
    if (challenge != null) {
      Arrays.fill(challenge, (byte) 0);
    }
    challenge = null;
    authenticated.clear();
  }
}
