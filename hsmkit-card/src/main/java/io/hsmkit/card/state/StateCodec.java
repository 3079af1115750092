package io.hsmkit.card.state;

import io.hsmkit.card.seal.KdfParams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The on-disk format of a card state: an explicit, versioned record with a SHA-256 checksum.
 *
 * <pre>
 * magic "HSMKITCS" | version u16 | generation u64 | payload length u32 | payload | SHA-256(all before)
 * </pre>
 *
 * Why hand-written and not Java serialization or a reflective mapper: the format must not change
 * when a class changes, must be readable by a later version, and must refuse a damaged file.
 * The checksum detects damage, not tampering.
 *
 * <p>Version 2 holds no PIN and no private key or DKEK in plaintext: private keys, the DKEK and
 * the import private key are AES-GCM blobs under the master key, DKEK shares are sealed to the
 * import public key, and the master key appears only wrapped under the PIN-derived keys ({@link
 * Vault}). The encoder refuses a state that would put a secret in plaintext (a v1 state not yet
 * migrated, a key other than the device key that is not sealed). An optional tail after the
 * files lists the salted digests of the DKEK shares imported since INITIALIZE (written only when
 * there are some, so a state without them is byte for byte the earlier v2), then tagged sections:
 * {@code 01} the trust anchor (root CVC), {@code 02} public key authentication, {@code 03} the key
 * domains (docs/protocol.md#key-domains: slot count, each created domain above 0 with its shares,
 * its KEK sealed under the master key, KCV and share digests, and the domain of each key outside
 * domain 0). Version 1 (plaintext PINs, keys
 * and DKEK) is still read, into {@link CardState#legacy()}, for migration.
 */
public final class StateCodec {
  static final byte[] MAGIC = "HSMKITCS".getBytes(StandardCharsets.US_ASCII);
  public static final int VERSION = 2;
  static final int VERSION_1 = 1;
  private static final int MAX_BLOB = 1 << 20;
  static final int SECTION_TRUST_ANCHOR = 1;
  static final int SECTION_PKA = 2;
  static final int SECTION_KEY_DOMAINS = 3;

  private StateCodec() {}

  /** A decoded file: the state and its generation counter. */
  public record Decoded(CardState state, long generation) {}

  public static byte[] encode(CardState s, long generation) {
    if (s.legacy() != null) {
      throw new IllegalStateException("refusing to write a v1 state before it is migrated");
    }
    try {
      ByteArrayOutputStream payload = new ByteArrayOutputStream(4096);
      DataOutputStream out = new DataOutputStream(payload);
      out.writeBoolean(s.initialized());
      out.writeShort(s.options());
      out.writeByte(s.soTriesLeft());
      out.writeByte(s.userRetryMax());
      out.writeByte(s.userTriesLeft());
      out.writeBoolean(s.transportPin());
      out.writeShort(s.dkekShares());
      out.writeShort(s.dkekImported());
      writeBlob(out, s.dkekSealed());
      writeBlob(out, s.dkekKcv());
      out.writeShort(s.pendingShares().size());
      for (byte[] share : s.pendingShares()) {
        writeBlob(out, share);
      }
      Vault v = s.vault();
      out.writeBoolean(v != null);
      if (v != null) {
        out.writeInt(v.kdf().memoryKiB());
        out.writeInt(v.kdf().iterations());
        out.writeInt(v.kdf().parallelism());
        writeBlob(out, v.salt());
        writeBlob(out, v.userWrap());
        writeBlob(out, v.soWrap());
        out.writeByte(v.userPinLength());
        writeBlob(out, v.importPublic());
        writeBlob(out, v.importPrivate());
        writeBlob(out, v.secretCheck());
      }
      out.writeShort(s.keys().size());
      for (KeyRecord k : s.keys().values()) {
        if (k.id() != 0 && !k.sealed()) {
          throw new IllegalStateException("refusing to store key " + k.id() + " unsealed");
        }
        out.writeByte(k.id());
        out.writeByte(k.type().code());
        out.writeShort(k.sizeBits());
        out.writeUTF(k.curve());
        out.writeBoolean(k.sealed());
        writeBlob(out, k.privateKey());
        writeBlob(out, k.publicKey());
        writeBlob(out, k.algorithms());
      }
      out.writeShort(s.filesInternal().size());
      for (var e : s.filesInternal().entrySet()) {
        out.writeShort(e.getKey());
        writeBlob(out, e.getValue());
      }
      byte[] anchor = s.trustAnchor();
      PkaState pka = s.pka();
      boolean domains = s.keyDomainSlots() > 0 || !s.domains().isEmpty()
          || !s.keyDomains().isEmpty();
      boolean sections = anchor.length > 0 || pka != null || domains;
      // optional tail: absent, the file is as before
      if (!s.shareDigests().isEmpty() || sections) {
        out.writeShort(s.shareDigests().size());
        for (byte[] d : s.shareDigests()) {
          writeBlob(out, d);
        }
      }
      // then tagged sections, each (tag u8, length-prefixed blob), in tag order
      if (anchor.length > 0) {
        out.writeByte(SECTION_TRUST_ANCHOR);
        writeBlob(out, anchor);
      }
      if (pka != null) {
        out.writeByte(SECTION_PKA);
        writeBlob(out, encodePka(pka));
      }
      if (domains) {
        out.writeByte(SECTION_KEY_DOMAINS);
        writeBlob(out, encodeDomains(s));
      }
      out.flush();
      byte[] body = payload.toByteArray();

      ByteArrayOutputStream file = new ByteArrayOutputStream(body.length + 64);
      DataOutputStream f = new DataOutputStream(file);
      f.write(MAGIC);
      f.writeShort(VERSION);
      f.writeLong(generation);
      f.writeInt(body.length);
      f.write(body);
      f.flush();
      byte[] digest = sha256(file.toByteArray());
      f.write(digest);
      f.flush();
      return file.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory stream failed", e);
    }
  }

  /**
   * Decodes a state file.
   *
   * @param name the file name used in error messages
   */
  public static Decoded decode(byte[] bytes, String name) throws StateException {
    if (bytes.length < MAGIC.length + 2 + 8 + 4 + 32
        || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new StateException(name + " is not an hsmkit card state (bad header)");
    }
    byte[] head = Arrays.copyOf(bytes, bytes.length - 32);
    byte[] stored = Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length);
    if (!MessageDigest.isEqual(sha256(head), stored)) {
      throw new StateException(name + " is damaged (checksum mismatch); refusing to use it");
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(head));
      in.skipNBytes(MAGIC.length);
      int version = in.readUnsignedShort();
      if (version != VERSION && version != VERSION_1) {
        throw new StateException(
            name + " has format version " + version + "; this hsmkit reads versions 1 and "
                + VERSION);
      }
      long generation = in.readLong();
      int len = in.readInt();
      if (len != head.length - (MAGIC.length + 2 + 8 + 4)) {
        throw new StateException(name + " is damaged (length mismatch)");
      }
      CardState s = CardState.empty();
      if (version == VERSION_1) {
        readV1Head(in, s);
      } else {
        readV2Head(in, s);
      }
      int nkeys = in.readUnsignedShort();
      for (int i = 0; i < nkeys; i++) {
        int id = in.readUnsignedByte();
        int code = in.readUnsignedByte();
        KeyRecord.KeyType type = KeyRecord.KeyType.fromCode(code).orElseThrow(
            () -> new StateException(name + " is damaged (unknown key type " + code + ")"));
        int size = in.readUnsignedShort();
        String curve = in.readUTF();
        boolean sealed = version != VERSION_1 && in.readBoolean();
        s.putKey(new KeyRecord(
            id, type, size, curve, readBlob(in), readBlob(in), readBlob(in), sealed));
      }
      int nfiles = in.readUnsignedShort();
      for (int i = 0; i < nfiles; i++) {
        int fid = in.readUnsignedShort();
        s.putFile(fid, readBlob(in));
      }
      if (version != VERSION_1 && in.available() != 0) {
        int n = in.readUnsignedShort();
        List<byte[]> digests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          digests.add(readBlob(in));
        }
        s.setShareDigests(digests);
      }
      while (version != VERSION_1 && in.available() != 0) {
        int tag = in.readUnsignedByte();
        byte[] section = readBlob(in);
        switch (tag) {
          case SECTION_TRUST_ANCHOR -> s.setTrustAnchor(section);
          case SECTION_PKA -> s.setPka(decodePka(section));
          case SECTION_KEY_DOMAINS -> decodeDomains(section, s, name);
          default -> throw new StateException(name + " has an unknown section " + tag
              + " (written by a newer hsmkit?)");
        }
      }
      if (in.available() != 0) {
        throw new StateException(name + " is damaged (trailing bytes)");
      }
      return new Decoded(s, generation);
    } catch (EOFException e) {
      throw new StateException(name + " is damaged (truncated)", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new StateException(name + " is damaged (" + e.getMessage() + ")", e);
    }
  }

  /** v1: plaintext PINs and DKEK, kept in {@link CardState.Legacy} until migration. */
  private static void readV1Head(DataInputStream in, CardState s) throws IOException {
    boolean initialized = in.readBoolean();
    int options = in.readUnsignedShort();
    byte[] soPin = readBlob(in);
    int soTries = in.readUnsignedByte();
    byte[] userPin = readBlob(in);
    int userMax = in.readUnsignedByte();
    int userTries = in.readUnsignedByte();
    boolean transport = in.readBoolean();
    int dkekShares = in.readShort();
    int dkekImported = in.readShort();
    byte[] dkek = readBlob(in);
    s.restore(initialized, options, soTries, userMax, userTries, transport, dkekShares,
        dkekImported);
    s.setLegacy(new CardState.Legacy(soPin, userPin, dkek));
  }

  private static void readV2Head(DataInputStream in, CardState s) throws IOException {
    boolean initialized = in.readBoolean();
    int options = in.readUnsignedShort();
    int soTries = in.readUnsignedByte();
    int userMax = in.readUnsignedByte();
    int userTries = in.readUnsignedByte();
    boolean transport = in.readBoolean();
    int dkekShares = in.readShort();
    int dkekImported = in.readShort();
    s.restore(initialized, options, soTries, userMax, userTries, transport, dkekShares,
        dkekImported);
    byte[] dkek = readBlob(in);
    byte[] kcv = readBlob(in);
    s.setDkek(dkekShares, dkekImported, dkek, kcv);
    int pending = in.readUnsignedShort();
    List<byte[]> shares = new ArrayList<>();
    for (int i = 0; i < pending; i++) {
      shares.add(readBlob(in));
    }
    s.setPendingShares(shares);
    if (in.readBoolean()) {
      KdfParams kdf = new KdfParams(in.readInt(), in.readInt(), in.readInt());
      s.setVault(new Vault(kdf, readBlob(in), readBlob(in), readBlob(in), in.readUnsignedByte(),
          readBlob(in), readBlob(in), readBlob(in)));
    }
  }

  private static byte[] encodeDomains(CardState s) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeShort(s.keyDomainSlots());
    out.writeShort(s.domains().size());
    for (var e : s.domains().entrySet()) {
      KeyDomain d = e.getValue();
      out.writeByte(e.getKey());
      out.writeByte(d.shares());
      out.writeByte(d.imported());
      writeBlob(out, d.sealed());
      writeBlob(out, d.kcv());
      out.writeShort(d.shareDigests().size());
      for (byte[] digest : d.shareDigests()) {
        writeBlob(out, digest);
      }
    }
    out.writeShort(s.keyDomains().size());
    for (var e : s.keyDomains().entrySet()) {
      out.writeByte(e.getKey());
      out.writeByte(e.getValue());
    }
    out.flush();
    return b.toByteArray();
  }

  private static void decodeDomains(byte[] bytes, CardState s, String name)
      throws IOException, StateException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    int slots = in.readUnsignedShort();
    if (slots > 255) {
      throw new StateException(name + " is damaged (" + slots + " key-domain slots)");
    }
    s.setKeyDomainSlots(slots);
    int n = in.readUnsignedShort();
    for (int i = 0; i < n; i++) {
      int d = in.readUnsignedByte();
      int shares = in.readUnsignedByte();
      int imported = in.readUnsignedByte();
      byte[] sealed = readBlob(in);
      byte[] kcv = readBlob(in);
      int nd = in.readUnsignedShort();
      List<byte[]> digests = new ArrayList<>();
      for (int j = 0; j < nd; j++) {
        digests.add(readBlob(in));
      }
      if (d < 1 || d >= s.domainCount()) {
        throw new StateException(name + " is damaged (key domain " + d + " out of range)");
      }
      s.putDomain(d, new KeyDomain(shares, imported, sealed, kcv, digests));
    }
    int nk = in.readUnsignedShort();
    for (int i = 0; i < nk; i++) {
      int id = in.readUnsignedByte();
      int d = in.readUnsignedByte();
      if (s.key(id) == null) {
        throw new StateException(name + " is damaged (domain of a missing key " + id + ")");
      }
      s.setKeyDomain(id, d);
    }
    if (in.available() != 0) {
      throw new StateException(name + " is damaged (trailing bytes in the key domains)");
    }
  }

  private static byte[] encodePka(PkaState p) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeByte(p.total());
    out.writeByte(p.required());
    writeBlob(out, p.masterWrap());
    out.writeByte(p.keys().size());
    for (PkaState.Registered k : p.keys()) {
      out.writeUTF(k.chr());
      writeBlob(out, k.cvc());
    }
    out.flush();
    return b.toByteArray();
  }

  private static PkaState decodePka(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    int total = in.readUnsignedByte();
    int required = in.readUnsignedByte();
    byte[] wrap = readBlob(in);
    int n = in.readUnsignedByte();
    List<PkaState.Registered> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(new PkaState.Registered(in.readUTF(), readBlob(in)));
    }
    if (in.available() != 0) {
      throw new IOException("trailing bytes in the PKA section");
    }
    return new PkaState(total, required, keys, wrap);
  }

  private static void writeBlob(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBlob(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_BLOB) {
      throw new IOException("blob length out of range: " + n);
    }
    return in.readNBytes(n);
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
