package io.hsmkit.client;

import io.hsmkit.apdu.Aid;
import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.apdu.ApduTransport;
import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.Ins;
import io.hsmkit.apdu.ResponseApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.apdu.TlvWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A session with one SmartCard-HSM over one {@link ApduTransport}: the commands OpenSC sends
 * (docs/protocol.md#commands), with status words turned into typed results and exceptions in one
 * place ({@link #check}). Works the same against the embedded card and a real Nitrokey HSM 2.
 *
 * <p>Not thread-safe: callers that share a session serialize access (the JCA provider does).
 */
public final class SmartCardHsmSession implements AutoCloseable {
  /** OpenSC's max_send_size for this card (1232 − 17): the chunk size of UPDATE BINARY. */
  static final int WRITE_CHUNK = 1215;

  private static final int READ_CHUNK = 4096;

  private final ApduTransport transport;

  public SmartCardHsmSession(ApduTransport transport) {
    this.transport = transport;
  }

  /** Selects the applet (which also ends any login) and reads its FCP. */
  public AppletInfo select() throws IOException, HsmException {
    ResponseApdu r = send(Ins.SELECT.apdu(0x04, 0x00, Aid.SMARTCARD_HSM.bytes(), 256));
    check(r, "select the SmartCard-HSM applet", null);
    try {
      Tlv fcp = Tlv.parseFirst(r.data());
      byte[] prop =
          Tlv.find(fcp.children(), Tags.Fcp.PROPRIETARY)
              .orElseThrow(() -> new TlvException("no tag 85"))
              .value();
      if (prop.length < 2) {
        throw new TlvException("tag 85 too short");
      }
      int n = prop.length;
      int options = n >= 5 ? ((prop[n - 5] & 0xFF) << 8) | (prop[n - 4] & 0xFF) : 0;
      return new AppletInfo(options, prop[n - 2] & 0xFF, prop[n - 1] & 0xFF);
    } catch (TlvException e) {
      throw new HsmException("not a SmartCard-HSM: unexpected SELECT answer", r.sw());
    }
  }

  /** Queries a PIN's state without presenting it (VERIFY without data). */
  public PinStatus pinStatus(PinReference pin) throws IOException, HsmException {
    StatusWord sw = send(Ins.VERIFY.apdu(0x00, pin.p2())).sw();
    if (sw.isSuccess()) {
      return new PinStatus(PinStatus.State.VERIFIED, -1);
    }
    if (sw.isVerifyFailed()) {
      return new PinStatus(PinStatus.State.NOT_VERIFIED, sw.retriesLeft());
    }
    if (sw.equals(StatusWord.AUTHENTICATION_METHOD_BLOCKED)) {
      return new PinStatus(PinStatus.State.BLOCKED, 0);
    }
    if (sw.equals(StatusWord.REFERENCE_DATA_NOT_USABLE)) {
      return new PinStatus(PinStatus.State.TRANSPORT_PIN, -1);
    }
    if (sw.equals(StatusWord.REFERENCED_DATA_NOT_FOUND)) {
      return new PinStatus(PinStatus.State.NOT_INITIALIZED, -1);
    }
    throw new HsmException("PIN status query failed: SW " + sw, sw);
  }

  /** Logs in with the user PIN. The caller keeps and wipes {@code pin}. */
  public void verifyPin(byte[] pin) throws IOException, HsmException {
    presentPin(PinReference.USER, Ins.VERIFY.apdu(0x00, PinReference.USER.p2(), pin, -1), "log in");
  }

  public void changePin(byte[] oldPin, byte[] newPin) throws IOException, HsmException {
    byte[] data = concat(oldPin, newPin);
    try {
      presentPin(
          PinReference.USER, Ins.CHANGE_REFERENCE_DATA.apdu(0x00, PinReference.USER.p2(), data, -1), "change the PIN");
    } finally {
      Arrays.fill(data, (byte) 0);
    }
  }

  /** Changes the SO-PIN; both are 8 binary bytes. */
  public void changeSoPin(byte[] oldSoPin, byte[] newSoPin) throws IOException, HsmException {
    byte[] data = concat(oldSoPin, newSoPin);
    try {
      presentPin(
          PinReference.SO, Ins.CHANGE_REFERENCE_DATA.apdu(0x00, PinReference.SO.p2(), data, -1),
          "change the SO-PIN");
    } finally {
      Arrays.fill(data, (byte) 0);
    }
  }

  /**
   * Unblocks the user PIN with the SO-PIN (RESET RETRY COUNTER), setting {@code newPin} when it is
   * not null.
   */
  public void resetRetryCounter(byte[] soPin, byte[] newPin) throws IOException, HsmException {
    byte[] data = newPin == null ? soPin.clone() : concat(soPin, newPin);
    try {
      presentPin(
          PinReference.SO,
          Ins.RESET_RETRY_COUNTER.apdu(
              newPin == null ? 0x01 : 0x00, PinReference.USER.p2(), data, -1),
          "unblock the user PIN");
    } finally {
      Arrays.fill(data, (byte) 0);
    }
  }

  /** INITIALIZE DEVICE; erases every key and file on the card. */
  public void initialize(InitializeRequest req) throws IOException, HsmException {
    initialize(req, w -> {});
  }

  /**
   * INITIALIZE DEVICE for public key authentication (tag {@code 93}, docs/protocol.md#pka):
   * {@code total} keys to register, {@code required} of them to log in.
   */
  public void initialize(InitializeRequest req, int total, int required)
      throws IOException, HsmException {
    initialize(req, w -> w.add(Tags.Initialize.PUBLIC_KEY_AUTH,
        new byte[] {(byte) total, (byte) required}));
  }

  /** Public key authentication on this session (docs/protocol.md#pka). */
  public PublicKeyAuthentication pka() {
    return new PublicKeyAuthentication(this::send);
  }

  private void initialize(InitializeRequest req, java.util.function.Consumer<TlvWriter> extra)
      throws IOException, HsmException {
    TlvWriter w =
        new TlvWriter()
            .add(Tags.Initialize.OPTIONS,
                new byte[] {(byte) (req.options() >>> 8), (byte) req.options()})
            .add(Tags.Initialize.USER_PIN, req.userPin())
            .add(Tags.Initialize.SO_PIN, req.soPin())
            .addByte(Tags.Initialize.RETRY_COUNTER, req.retries());
    if (req.dkekShares() != null) {
      w.addByte(Tags.Initialize.DKEK_SHARES, req.dkekShares());
    }
    if (req.keyDomains() != null) {
      w.addByte(Tags.Initialize.KEY_DOMAINS, req.keyDomains());
    }
    extra.accept(w);
    byte[] data = w.toByteArray();
    try {
      presentPin(
          PinReference.SO, Ins.INITIALIZE_DEVICE.apdu(0x00, 0x00, data, -1),
          "initialize the device");
    } finally {
      Arrays.fill(data, (byte) 0);
    }
  }

  /** The DKEK state, or empty when the device has no DKEK (initialized without one). */
  public Optional<DkekStatus> dkekStatus() throws IOException, HsmException {
    ResponseApdu r = send(Ins.IMPORT_DKEK_SHARE.apdu(0x00, 0x00, new byte[0], 256));
    if (r.sw().equals(StatusWord.INS_NOT_SUPPORTED)) {
      return Optional.empty();
    }
    check(r, "query the DKEK", null);
    return Optional.of(parseDkek(r.data()));
  }

  /** Imports one 32-byte DKEK share (no PIN needed, docs/protocol.md#import-dkek-share). */
  public DkekStatus importDkekShare(byte[] share) throws IOException, HsmException {
    ResponseApdu r = send(Ins.IMPORT_DKEK_SHARE.apdu(0x00, 0x00, share, 256));
    if (r.sw().equals(StatusWord.INS_NOT_SUPPORTED)) {
      throw new HsmException(
          "the device was initialized without DKEK shares; it cannot import one", r.sw());
    }
    if (r.sw().equals(StatusWord.WRONG_DATA)) { // hsmkit's card only (SECURITY.md, "Degenerate DKEKs")
      throw new HsmException("the device refused the share: it was imported already, or it would"
          + " make the DKEK all zeros; import each custodian's own share", r.sw());
    }
    check(r, "import the DKEK share", null);
    return parseDkek(r.data());
  }

  // ---- key domains (MANAGE KEY DOMAIN 80 52 P1 P2, docs/protocol.md#key-domains) ----

  /**
   * The status of key domain {@code d} (0 = the DKEK, as {@link #dkekStatus()}), or empty when the
   * slot holds no domain. A slot INITIALIZE did not make is an error.
   */
  public Optional<DkekStatus> domainStatus(int d) throws IOException, HsmException {
    if (d == 0) {
      return dkekStatus();
    }
    ResponseApdu r = send(Ins.IMPORT_DKEK_SHARE.apdu(0x00, d, new byte[0], 256));
    if (r.sw().equals(StatusWord.REFERENCED_DATA_NOT_FOUND)) {
      return Optional.empty();
    }
    checkDomain(r, d, "query key domain " + d);
    return Optional.of(parseDkek(r.data()));
  }

  /** Creates a DKEK key domain of {@code shares} shares in slot {@code d}. Needs the user PIN. */
  public DkekStatus createDomain(int d, int shares) throws IOException, HsmException {
    ResponseApdu r = send(Ins.IMPORT_DKEK_SHARE.apdu(0x01, d, new byte[] {(byte) shares}, 256));
    if (r.sw().equals(StatusWord.FILE_ALREADY_EXISTS)) {
      throw new HsmException("key domain " + d + " exists already", r.sw());
    }
    checkDomain(r, d, "create key domain " + d);
    return parseDkek(r.data());
  }

  /**
   * Imports a 32-byte share into key domain {@code d} (0 = {@link #importDkekShare}). A domain
   * above 0 needs the user PIN on hsmkit's card.
   */
  public DkekStatus importDomainShare(int d, byte[] share) throws IOException, HsmException {
    if (d == 0) {
      return importDkekShare(share);
    }
    ResponseApdu r = send(Ins.IMPORT_DKEK_SHARE.apdu(0x00, d, share, 256));
    if (r.sw().equals(StatusWord.REFERENCED_DATA_NOT_FOUND)) {
      throw new HsmException("there is no key domain " + d + " (hsmkit domain create)", r.sw());
    }
    if (r.sw().equals(StatusWord.WRONG_DATA)) {
      throw new HsmException("the device refused the share: it was imported into key domain " + d
          + " already, or it would make the KEK all zeros", r.sw());
    }
    checkDomain(r, d, "import the share into key domain " + d);
    return parseDkek(r.data());
  }

  /** Deletes key domain {@code d}; the card refuses while a key belongs to it. Needs the user PIN. */
  public void deleteDomain(int d) throws IOException, HsmException {
    ResponseApdu r = send(Ins.IMPORT_DKEK_SHARE.apdu(0x03, d, new byte[0], -1));
    if (r.sw().equals(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED)) {
      throw new HsmException("key domain " + d + " still has keys; delete them first", r.sw());
    }
    if (r.sw().equals(StatusWord.REFERENCED_DATA_NOT_FOUND)) {
      throw new HsmException("there is no key domain " + d, r.sw());
    }
    checkDomain(r, d, "delete key domain " + d);
  }

  private void checkDomain(ResponseApdu r, int d, String what) throws HsmException {
    if (r.sw().equals(StatusWord.INCORRECT_P1P2)) {
      throw new HsmException("the device has no key-domain slot " + d
          + " (initialize it with hsmkit init --key-domains N)", r.sw());
    }
    if (r.sw().equals(StatusWord.INS_NOT_SUPPORTED)) {
      throw new HsmException("the device has no DKEK (key domain 0)", r.sw());
    }
    check(r, what, PinReference.USER);
  }

  private static DkekStatus parseDkek(byte[] d) throws HsmException {
    if (d.length != 10) {
      throw new HsmException("unexpected DKEK status of " + d.length + " bytes", null);
    }
    return new DkekStatus(d[0] & 0xFF, d[1] & 0xFF, Arrays.copyOfRange(d, 2, 10));
  }

  /** The identifiers of every key ({@code CCxx}) and file on the card (ENUMERATE OBJECTS). */
  public List<Integer> enumerate() throws IOException, HsmException {
    ResponseApdu r = send(Ins.ENUMERATE_OBJECTS.apdu(0x00, 0x00, new byte[0], 65536));
    check(r, "list the objects", null);
    byte[] d = r.data();
    List<Integer> ids = new ArrayList<>(d.length / 2);
    for (int i = 0; i + 1 < d.length; i += 2) {
      ids.add(((d[i] & 0xFF) << 8) | (d[i + 1] & 0xFF));
    }
    return ids;
  }

  /** Reads a whole EF, or empty when it does not exist. */
  public Optional<byte[]> readFile(int fid) throws IOException, HsmException {
    ResponseApdu sel = send(Ins.SELECT.apdu(0x00, 0x00, fid(fid), 256));
    if (sel.sw().equals(StatusWord.FILE_NOT_FOUND)) {
      return Optional.empty();
    }
    check(sel, "select file " + hex4(fid), null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      int off = out.size();
      byte[] data = new TlvWriter().add(Tags.OffsetData.OFFSET, new byte[] {(byte) (off >>> 8), (byte) off})
          .toByteArray();
      ResponseApdu r = send(Ins.READ_BINARY.apdu(0x00, 0x00, data, READ_CHUNK, true));
      if (!r.sw().isSuccess() && !r.sw().equals(StatusWord.END_OF_FILE_REACHED)) {
        check(r, "read file " + hex4(fid), null);
      }
      if (r.data().length == 0) {
        return Optional.of(out.toByteArray());
      }
      out.writeBytes(r.data());
      if (out.size() > 0xFFFF) {
        throw new HsmException("file " + hex4(fid) + " is larger than 64 KiB", null);
      }
    }
  }

  /** Creates or replaces an EF with {@code content}, in OpenSC's chunks. Needs the PIN. */
  public void writeFile(int fid, byte[] content) throws IOException, HsmException {
    int off = 0;
    do {
      int n = Math.min(WRITE_CHUNK, content.length - off);
      byte[] chunk = Arrays.copyOfRange(content, off, off + n);
      byte[] data =
          new TlvWriter()
              .add(Tags.OffsetData.OFFSET, new byte[] {(byte) (off >>> 8), (byte) off})
              .add(Tags.OffsetData.DATA, chunk)
              .toByteArray();
      int p = off == 0 ? fid : 0;
      check(send(Ins.UPDATE_BINARY.apdu(p >>> 8, p & 0xFF, data, -1)),
          "write file " + hex4(fid), null);
      off += n;
    } while (off < content.length);
  }

  /** Deletes an EF or a key ({@code CCxx}); false when it did not exist. */
  public boolean deleteFile(int fid) throws IOException, HsmException {
    ResponseApdu r = send(Ins.DELETE_FILE.apdu(0x02, 0x00, fid(fid), -1));
    if (r.sw().equals(StatusWord.FILE_NOT_FOUND)) {
      return false;
    }
    check(r, "delete " + hex4(fid), null);
    return true;
  }

  /**
   * GENERATE ASYMMETRIC KEY PAIR for key reference {@code keyId} with a CV request body as OpenSC
   * builds it (docs/protocol.md#generate); returns the card's authenticated request ({@code 67 ...}).
   */
  public byte[] generateKeyPair(int keyId, byte[] cvBody) throws IOException, HsmException {
    ResponseApdu r = send(Ins.GENERATE_ASYMMETRIC_KEY_PAIR.apdu(keyId, 0x00, cvBody, 65536, true));
    check(r, "generate key " + keyId, PinReference.USER);
    return r.data();
  }

  /**
   * GENERATE SYMMETRIC KEY ({@code 00 48 keyId B0|B1|B2}, docs/protocol.md#generate-symmetric): a
   * random AES key of {@code bits} (128, 192, 256) at {@code keyId}, usable with the CIPHER ids in
   * {@code algorithms} (sent as tag 91; empty sends no data). The card answers no data; the caller
   * writes the description.
   */
  public void generateSymmetricKey(int keyId, int bits, byte[] algorithms)
      throws IOException, HsmException {
    int p2 =
        switch (bits) {
          case 128 -> 0xB0;
          case 192 -> 0xB1;
          case 256 -> 0xB2;
          default -> throw new IllegalArgumentException("AES key size must be 128, 192 or 256");
        };
    byte[] data =
        algorithms.length == 0
            ? new byte[0]
            : new TlvWriter().add(Tags.Generate.ALGORITHM_LIST, algorithms).toByteArray();
    ResponseApdu r = send(Ins.GENERATE_SYMMETRIC_KEY.apdu(keyId, p2, data, -1));
    check(r, "generate AES key " + keyId, PinReference.USER);
  }

  /**
   * CIPHER ({@code 80 78 keyId alg}, docs/protocol.md#cipher) with an AES key: CBC with the card's
   * zero IV ({@link AlgorithmId#AES_CBC_ENCRYPT}, {@link AlgorithmId#AES_CBC_DECRYPT}; whole
   * blocks) or AES-CMAC ({@link AlgorithmId#AES_CMAC}, 16 bytes). One APDU; the IV and chaining
   * over several APDUs are the caller's ({@code keys.KeyOperations}).
   */
  public byte[] cipher(int keyId, AlgorithmId alg, byte[] input) throws IOException, HsmException {
    ResponseApdu r = send(Ins.CIPHER.apdu(keyId, alg.id(), input, 65536, true));
    if (r.sw().equals(StatusWord.FUNCTION_NOT_SUPPORTED)) {
      throw new HsmException("the card refused: key " + keyId + " is not an AES key, or its"
          + " algorithm list does not allow " + alg.name().toLowerCase(java.util.Locale.ROOT)
          .replace('_', '-'), r.sw());
    }
    check(r, "use AES key " + keyId, PinReference.USER);
    return r.data();
  }

  public byte[] sign(int keyId, AlgorithmId alg, byte[] input) throws IOException, HsmException {
    ResponseApdu r = send(Ins.SIGN.apdu(keyId, alg.id(), input, 512, true));
    check(r, "sign with key " + keyId, PinReference.USER);
    return r.data();
  }

  /** DECIPHER: RSA raw decryption or ECDH with a peer point ({@link AlgorithmId#EC_DH}). */
  public byte[] decipher(int keyId, AlgorithmId alg, byte[] input) throws IOException, HsmException {
    ResponseApdu r = send(Ins.DECIPHER.apdu(keyId, alg.id(), input, 512, true));
    check(r, (alg == AlgorithmId.EC_DH ? "derive with key " : "decrypt with key ") + keyId,
        PinReference.USER);
    return r.data();
  }

  /**
   * DERIVE EC KEY (docs/protocol.md#derive-ec): key {@code newKeyId} := key {@code keyId} plus
   * {@code offset} (big-endian) mod n. The card answers no data and writes no description.
   */
  public void deriveEcKey(int keyId, int newKeyId, byte[] offset) throws IOException, HsmException {
    byte[] data = new byte[offset.length + 1];
    data[0] = (byte) EC_DERIVE_ALGORITHM;
    System.arraycopy(offset, 0, data, 1, offset.length);
    ResponseApdu r = send(Ins.DERIVE_EC_KEY.apdu(keyId, newKeyId, data, -1, true));
    check(r, "derive key " + newKeyId + " from key " + keyId, PinReference.USER);
  }

  /** The tag of the offset in DERIVE EC KEY's data, also the id in a key's algorithm list. */
  public static final int EC_DERIVE_ALGORITHM = 0x98;

  /** WRAP KEY: the key blob encrypted under the DKEK (docs/protocol.md#key-blob). */
  public byte[] wrapKey(int keyId) throws IOException, HsmException {
    ResponseApdu r = send(Ins.WRAP_KEY.apdu(keyId, AlgorithmId.WRAP.id(), new byte[0], 65536, true));
    if (r.sw().equals(StatusWord.INS_NOT_SUPPORTED)) {
      throw new HsmException("the device has no complete DKEK; keys cannot be wrapped", r.sw());
    }
    check(r, "wrap key " + keyId, PinReference.USER);
    return r.data();
  }

  /** UNWRAP KEY in OpenSC 0.23's form (the blob in the command). */
  public void unwrapKey(int keyId, byte[] blob) throws IOException, HsmException {
    ResponseApdu r = send(Ins.UNWRAP_KEY.apdu(keyId, AlgorithmId.UNWRAP.id(), blob, -1, true));
    if (r.sw().equals(StatusWord.WRONG_DATA)) {
      throw new HsmException("the wrapped key does not match this device's DKEK", r.sw());
    }
    if (r.sw().equals(StatusWord.INS_NOT_SUPPORTED)) {
      throw new HsmException("the device has no complete DKEK; keys cannot be unwrapped", r.sw());
    }
    check(r, "unwrap key " + keyId, PinReference.USER);
  }

  public byte[] challenge(int n) throws IOException, HsmException {
    ResponseApdu r = send(Ins.GET_CHALLENGE.apdu(0x00, 0x00, new byte[0], n));
    check(r, "get random bytes", null);
    return r.data();
  }

  /**
   * Sends a command that presents {@code pin}. The card answers {@code 6983} both on the wrong PIN
   * that uses up the last try and on any attempt once blocked (as the real device; docs/interop.md,
   * "The attempt that blocks a PIN"), so the PIN's state is queried first (VERIFY without data):
   * a PIN already blocked is not sent at all, and a {@code 6983} to the command itself means this
   * attempt blocked it.
   */
  private void presentPin(PinReference pin, CommandApdu command, String what)
      throws IOException, HsmException {
    StatusWord before = send(Ins.VERIFY.apdu(0x00, pin.p2())).sw();
    if (before.equals(StatusWord.AUTHENTICATION_METHOD_BLOCKED)) {
      throw new PinBlockedException(pin, false);
    }
    check(send(command), what, pin, true); // not blocked before: a 6983 now is this attempt's
  }

  private ResponseApdu send(CommandApdu c) throws IOException {
    return transport.transmit(c);
  }

  /** The one place where status words become exceptions. */
  static void check(ResponseApdu r, String what, PinReference pin) throws HsmException {
    check(r, what, pin, false);
  }

  /** {@code blockedByThisAttempt}: a 6983 answers the PIN this command presented. */
  private static void check(
      ResponseApdu r, String what, PinReference pin, boolean blockedByThisAttempt)
      throws HsmException {
    StatusWord sw = r.sw();
    if (sw.isSuccess()) {
      return;
    }
    if (sw.isVerifyFailed() && pin != null) {
      throw new PinVerificationException(pin, sw);
    }
    if (sw.equals(StatusWord.AUTHENTICATION_METHOD_BLOCKED) && pin != null) {
      throw new PinBlockedException(pin, blockedByThisAttempt);
    }
    throw new HsmException("cannot " + what + ": " + describe(sw), sw);
  }

  /** Status words in words. */
  public static String describe(StatusWord sw) {
    return switch (sw.value()) {
      case 0x6982 -> "the user PIN is not verified (log in first)";
      case 0x6983 -> "blocked";
      case 0x6984 -> "the transport PIN is still active; change it first";
      case 0x6985 -> "not allowed for this key or object";
      case 0x6986 -> "not allowed by the device options";
      case 0x6A80 -> "the card rejected the data";
      case 0x6A81 -> "function not supported";
      case 0x6A82 -> "not found";
      case 0x6A84 -> "the card is full";
      case 0x6A86, 0x6B00 -> "wrong parameters";
      case 0x6A88 -> "not found, or the device is not initialized";
      case 0x6A89 -> "already exists";
      case 0x6D00 -> "not supported by the device or its configuration";
      case 0x6700 -> "wrong length";
      case 0x6581 -> "the card could not store the change (memory failure)";
      default -> "card answered SW " + sw;
    };
  }

  private static byte[] fid(int fid) {
    return new byte[] {(byte) (fid >>> 8), (byte) fid};
  }

  private static String hex4(int v) {
    return String.format("%04X", v);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Override
  public void close() throws IOException {
    transport.close();
  }
}
