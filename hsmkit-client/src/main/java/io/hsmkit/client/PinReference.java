package io.hsmkit.client;

import io.hsmkit.apdu.PinReferences;

/** PIN references of the SmartCard-HSM (OpenSC {@code ID_USER_PIN}, {@code ID_SO_PIN}). */
public enum PinReference {
  USER(PinReferences.USER_PIN, "user PIN"),
  SO(PinReferences.SO_PIN, "SO-PIN");

  private final int p2;
  private final String displayName;

  PinReference(int p2, String displayName) {
    this.p2 = p2;
    this.displayName = displayName;
  }

  public int p2() {
    return p2;
  }

  public String displayName() {
    return displayName;
  }
}
