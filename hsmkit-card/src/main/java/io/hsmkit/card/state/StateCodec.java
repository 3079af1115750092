package io.hsmkit.card.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The on-disk format of a card state: an explicit, versioned record with a SHA-256 checksum.
 *
 * <pre>
 * magic "HSMKITCS" | version u16 | generation u64 | payload length u32 | payload | SHA-256(all before)
 * </pre>
 *
 * Why hand-written and not Java serialization or a reflective mapper: the format must not change
 * when a class changes, must be readable by a later version, and must refuse a damaged file
 * (style.md §4.5). The checksum detects damage, not tampering; sealing keys at rest is a later
 * format version (the version field is there for it).
 */
public final class StateCodec {
  static final byte[] MAGIC = "HSMKITCS".getBytes(StandardCharsets.US_ASCII);
  public static final int VERSION = 1;
  private static final int MAX_BLOB = 1 << 20;

  private StateCodec() {}

  /** A decoded file: the state and its generation counter. */
  public record Decoded(CardState state, long generation) {}

  public static byte[] encode(CardState s, long generation) {
    try {
      ByteArrayOutputStream payload = new ByteArrayOutputStream(4096);
      DataOutputStream out = new DataOutputStream(payload);
      out.writeBoolean(s.initialized());
      out.writeShort(s.options());
      writeBlob(out, s.soPin());
      out.writeByte(s.soTriesLeft());
      writeBlob(out, s.userPin());
      out.writeByte(s.userRetryMax());
      out.writeByte(s.userTriesLeft());
      out.writeBoolean(s.transportPin());
      out.writeShort(s.dkekShares());
      out.writeShort(s.dkekImported());
      writeBlob(out, s.dkek());
      out.writeShort(s.keys().size());
      for (KeyRecord k : s.keys().values()) {
        out.writeByte(k.id());
        out.writeByte(k.type().ordinal());
        out.writeShort(k.sizeBits());
        out.writeUTF(k.curve());
        writeBlob(out, k.privateKey());
        writeBlob(out, k.publicKey());
        writeBlob(out, k.algorithms());
      }
      out.writeShort(s.files().size());
      for (var e : s.files().entrySet()) {
        out.writeShort(e.getKey());
        writeBlob(out, e.getValue());
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
      if (version != VERSION) {
        throw new StateException(
            name + " has format version " + version + "; this hsmkit reads version " + VERSION);
      }
      long generation = in.readLong();
      int len = in.readInt();
      if (len != head.length - (MAGIC.length + 2 + 8 + 4)) {
        throw new StateException(name + " is damaged (length mismatch)");
      }
      CardState s = CardState.empty();
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
      s.restore(
          initialized, options, soPin, soTries, userPin, userMax, userTries, transport,
          dkekShares, dkekImported, dkek);
      int nkeys = in.readUnsignedShort();
      KeyRecord.KeyType[] types = KeyRecord.KeyType.values();
      for (int i = 0; i < nkeys; i++) {
        int id = in.readUnsignedByte();
        int type = in.readUnsignedByte();
        if (type >= types.length) {
          throw new StateException(name + " is damaged (unknown key type " + type + ")");
        }
        int size = in.readUnsignedShort();
        String curve = in.readUTF();
        s.putKey(
            new KeyRecord(id, types[type], size, curve, readBlob(in), readBlob(in), readBlob(in)));
      }
      int nfiles = in.readUnsignedShort();
      for (int i = 0; i < nfiles; i++) {
        int fid = in.readUnsignedShort();
        s.putFile(fid, readBlob(in));
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
