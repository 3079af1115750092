package io.hsmkit.apdu;

/**
 * The BER-TLV tags the card and the host both read or write, grouped by where they occur
 * (docs/protocol.md). Plain {@code int} constants so that they serve as {@code case} labels.
 */
public final class Tags {
  private Tags() {}

  /** The FCP of SELECT (docs/protocol.md#fcp). */
  public static final class Fcp {
    /** The FCP template. */
    public static final int TEMPLATE = 0x62;
    /** An EF's size (2 bytes). */
    public static final int FILE_SIZE = 0x80;
    /** File descriptor byte. */
    public static final int DESCRIPTOR = 0x82;
    /** The FID. */
    public static final int FILE_ID = 0x83;
    /** The applet's proprietary information: options, type, version. */
    public static final int PROPRIETARY = 0x85;

    private Fcp() {}
  }

  /** The odd-INS READ BINARY / UPDATE BINARY data (docs/protocol.md#read-binary). */
  public static final class OffsetData {
    /** The 2-byte offset. */
    public static final int OFFSET = 0x54;
    /** The bytes to write. */
    public static final int DATA = 0x53;

    private OffsetData() {}
  }

  /** INITIALIZE DEVICE's data (docs/protocol.md#initialize). */
  public static final class Initialize {
    public static final int OPTIONS = 0x80;
    public static final int USER_PIN = 0x81;
    public static final int SO_PIN = 0x82;
    public static final int RETRY_COUNTER = 0x91;
    public static final int DKEK_SHARES = 0x92;
    /** Public-key authentication (N, M); hsmkit's card answers 6A81. */
    public static final int PUBLIC_KEY_AUTH = 0x93;
    /** AIDs of biometric servers 1 and 2; hsmkit's card answers 6A81. */
    public static final int BIO_SERVER_1 = 0x95;
    public static final int BIO_SERVER_2 = 0x96;
    /** Number of key-domain slots (1 byte), docs/protocol.md#key-domains. */
    public static final int KEY_DOMAINS = 0x97;

    private Initialize() {}
  }

  /** Card-verifiable certificates, their bodies and authenticated requests (docs/protocol.md#generate). */
  public static final class Cvc {
    public static final int CVC = 0x7F21;
    public static final int BODY = 0x7F4E;
    /** Certificate profile identifier. */
    public static final int CPI = 0x5F29;
    /** Certification authority reference. */
    public static final int CAR = 0x42;
    public static final int PUBLIC_KEY = 0x7F49;
    /** Certificate holder reference. */
    public static final int CHR = 0x5F20;
    /** Certificate holder authorisation template. */
    public static final int CHAT = 0x7F4C;
    public static final int EFFECTIVE_DATE = 0x5F25;
    public static final int EXPIRATION_DATE = 0x5F24;
    public static final int SIGNATURE = 0x5F37;
    /** The outer envelope GENERATE answers with. */
    public static final int AUTHENTICATED_REQUEST = 0x67;

    private Cvc() {}
  }

  /** CardContact's extensions in GENERATE ASYMMETRIC KEY PAIR's data (docs/protocol.md#generate). */
  public static final class Generate {
    /** The outer CAR of the authenticated request. */
    public static final int OUTER_CAR = 0x45;
    /** Key use counter; hsmkit's card answers 6A81. */
    public static final int KEY_USE_COUNTER = 0x90;
    /** The algorithm ids the key may be used with. */
    public static final int ALGORITHM_LIST = 0x91;
    /** The key domain the key belongs to (1 byte), docs/protocol.md#key-domains. */
    public static final int KEY_DOMAIN = 0x92;

    private Generate() {}
  }

  /** An EC public key template {@code 7F49} (docs/protocol.md#generate). */
  public static final class EcPublicKey {
    /** The key algorithm, {@link TaAlgorithm#ECDSA_SHA_256}. */
    public static final int OID = 0x06;
    public static final int PRIME = 0x81;
    public static final int A = 0x82;
    public static final int B = 0x83;
    /** The generator, uncompressed. */
    public static final int G = 0x84;
    public static final int ORDER = 0x85;
    /** The public point, uncompressed; in the card's answer only. */
    public static final int POINT = 0x86;
    public static final int COFACTOR = 0x87;

    private EcPublicKey() {}
  }

  /** An RSA public key template {@code 7F49} (docs/protocol.md#generate). */
  public static final class RsaPublicKey {
    /** The key algorithm, {@link TaAlgorithm#RSA_V1_5_SHA_256}. */
    public static final int OID = 0x06;
    /** The modulus, in the card's answer. */
    public static final int MODULUS = 0x81;
    public static final int EXPONENT = 0x82;
    /** The modulus size in bits (universal INTEGER), in the request. */
    public static final int KEY_SIZE = 0x02;

    private RsaPublicKey() {}
  }

  private static final int[] ALL = {
    Fcp.TEMPLATE, Fcp.FILE_SIZE, Fcp.DESCRIPTOR, Fcp.FILE_ID, Fcp.PROPRIETARY,
    OffsetData.OFFSET, OffsetData.DATA,
    Initialize.OPTIONS, Initialize.USER_PIN, Initialize.SO_PIN, Initialize.RETRY_COUNTER,
    Initialize.DKEK_SHARES, Initialize.PUBLIC_KEY_AUTH, Initialize.BIO_SERVER_1,
    Initialize.BIO_SERVER_2, Initialize.KEY_DOMAINS,
    Cvc.CVC, Cvc.BODY, Cvc.CPI, Cvc.CAR, Cvc.PUBLIC_KEY, Cvc.CHR, Cvc.CHAT, Cvc.EFFECTIVE_DATE,
    Cvc.EXPIRATION_DATE, Cvc.SIGNATURE, Cvc.AUTHENTICATED_REQUEST,
    Generate.OUTER_CAR, Generate.KEY_USE_COUNTER, Generate.ALGORITHM_LIST, Generate.KEY_DOMAIN,
    EcPublicKey.OID, EcPublicKey.PRIME, EcPublicKey.A, EcPublicKey.B, EcPublicKey.G,
    EcPublicKey.ORDER, EcPublicKey.POINT, EcPublicKey.COFACTOR,
    RsaPublicKey.OID, RsaPublicKey.MODULUS, RsaPublicKey.EXPONENT, RsaPublicKey.KEY_SIZE
  };

  /** Every tag above, group by group (for the tests that check the groups). */
  static int[] all() {
    return ALL.clone();
  }
}
