package io.hsmkit.client;

/**
 * What SELECT of the applet tells (FCP tag 85, docs/protocol.md#fcp).
 *
 * @param options device options set at INITIALIZE (0x0001 = user PIN reset with SO-PIN, 0x0002 =
 *     transport PIN)
 */
public record AppletInfo(int options, int versionMajor, int versionMinor) {
  public String version() {
    return versionMajor + "." + versionMinor;
  }

  public boolean userPinResetEnabled() {
    return (options & 0x0001) != 0;
  }

  public boolean transportPinMode() {
    return (options & 0x0002) != 0;
  }
}
