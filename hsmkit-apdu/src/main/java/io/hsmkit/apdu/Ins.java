package io.hsmkit.apdu;

import java.util.Optional;

/**
 * The SmartCard-HSM commands by INS byte, with the CLA OpenSC sends them with
 * (docs/protocol.md#command-table). Part of the protocol vocabulary both sides share: the card's
 * dispatch table registers its handlers by these, the host builds its commands from them.
 */
public enum Ins {
  SELECT(0xA4, 0x00),
  READ_BINARY(0xB1, 0x00),
  UPDATE_BINARY(0xD7, 0x00),
  DELETE_FILE(0xE4, 0x00),
  ENUMERATE_OBJECTS(0x58, 0x80),
  VERIFY(0x20, 0x00),
  CHANGE_REFERENCE_DATA(0x24, 0x00),
  RESET_RETRY_COUNTER(0x2C, 0x00),
  INITIALIZE_DEVICE(0x50, 0x80),
  /** Also MANAGE KEY DOMAIN: P1 = operation, P2 = key domain (docs/protocol.md#key-domains). */
  IMPORT_DKEK_SHARE(0x52, 0x80),
  GENERATE_ASYMMETRIC_KEY_PAIR(0x46, 0x00),
  GENERATE_SYMMETRIC_KEY(0x48, 0x00),
  SIGN(0x68, 0x80),
  DECIPHER(0x62, 0x80),
  WRAP_KEY(0x72, 0x80),
  UNWRAP_KEY(0x74, 0x80),
  CIPHER(0x78, 0x80),
  DERIVE_EC_KEY(0x76, 0x80),
  GET_CHALLENGE(0x84, 0x00),
  MANAGE_SECURITY_ENVIRONMENT(0x22, 0x00),
  PERFORM_SECURITY_OPERATION(0x2A, 0x00),
  MANAGE_PUBLIC_KEY_AUTHENTICATION(0x54, 0x80),
  EXTERNAL_AUTHENTICATE(0x82, 0x00);

  /** CLA of the ISO 7816-4 commands. */
  public static final int CLA_ISO = 0x00;
  /** CLA of the SmartCard-HSM's proprietary commands. */
  public static final int CLA_PROPRIETARY = 0x80;

  private static final Ins[] BY_CODE = new Ins[256];

  static {
    for (Ins i : values()) {
      BY_CODE[i.code] = i;
    }
  }

  private final int code;
  private final int cla;

  Ins(int code, int cla) {
    this.code = code;
    this.cla = cla;
  }

  /** The INS byte. */
  public int code() {
    return code;
  }

  /** The CLA OpenSC sends this command with: {@code 00} (ISO) or {@code 80} (proprietary). */
  public int cla() {
    return cla;
  }

  /** The command for an INS byte, if the SmartCard-HSM has one. */
  public static Optional<Ins> byCode(int code) {
    return code < 0 || code > 0xFF ? Optional.empty() : Optional.ofNullable(BY_CODE[code]);
  }

  /** Case 1: no data, no Le. */
  public CommandApdu apdu(int p1, int p2) {
    return new CommandApdu(cla, code, p1, p2);
  }

  /** Short or extended as the lengths need. */
  public CommandApdu apdu(int p1, int p2, byte[] data, int ne) {
    return new CommandApdu(cla, code, p1, p2, data, ne);
  }

  /** {@code extended}: as OpenSC sends GENERATE, SIGN … even with small payloads. */
  public CommandApdu apdu(int p1, int p2, byte[] data, int ne, boolean extended) {
    return new CommandApdu(cla, code, p1, p2, data, ne, extended);
  }
}
