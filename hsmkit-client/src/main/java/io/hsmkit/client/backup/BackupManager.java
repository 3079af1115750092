package io.hsmkit.client.backup;

import io.hsmkit.apdu.FileIds;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.client.DkekStatus;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.json.Json;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyManager;
import io.hsmkit.client.keys.KeyOperations;
import io.hsmkit.client.keys.Mechanism;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Whole-device backup and restore. A backup directory holds one {@code sc-hsm-tool}-compatible
 * wrap file per key and {@code manifest.json} (device serial, DKEK KCV, and per key: reference,
 * id, label, algorithm, public key or, for an AES key, a CMAC check value, file name and SHA-256). Restore checks everything it can
 * before it changes anything: the files' hashes, the target's KCV, and free key references.
 */
public final class BackupManager {
  public static final String MANIFEST = "manifest.json";

  /**
   * For {@link #restore(Path, boolean, boolean, int)}: each key goes to the target's complete key
   * domain whose KCV its wrap file carries (the card files it there, docs/protocol.md#key-domains),
   * so a backup of keys from several domains restores in one go.
   */
  public static final int ANY_DOMAIN = -1;
  static final int FORMAT = 1;

  private final SmartCardHsmSession session;
  private final KeyManager keys;

  public BackupManager(SmartCardHsmSession session) {
    this.session = session;
    this.keys = new KeyManager(session);
  }

  /**
   * One key in a manifest.
   *
   * @param publicKey Base64 SubjectPublicKeyInfo; null for an AES key
   * @param checkValue for an AES key: the card's AES-CMAC of {@link #CHECK_MESSAGE} in hex (what
   *     {@code restore --verify} compares), null when the key does not allow CMAC; else null
   */
  public record Entry(
      int keyRef, String id, String label, String algorithm, int size, String publicKey,
      String file, String sha256, String checkValue) {}

  /**
   * The message whose CMAC stands in for an AES key's public key: a key check value that tells
   * keys apart and reveals nothing of them (as the DKEK's KCV).
   */
  static final byte[] CHECK_MESSAGE = "hsmkit backup check value".getBytes(StandardCharsets.US_ASCII);

  /** A parsed manifest. */
  public record Manifest(String serial, String kcv, List<Entry> keys) {}

  /**
   * Wraps every key into {@code dir} (created; must be empty). Needs the user PIN and a complete
   * DKEK.
   */
  public Manifest backup(Path dir) throws IOException, HsmException {
    DkekStatus dkek =
        session.dkekStatus()
            .orElseThrow(() -> new HsmException(
                "the device has no DKEK: its keys can never be backed up", null));
    if (!dkek.complete()) {
      throw new HsmException(
          "the DKEK is incomplete (" + dkek.outstanding() + " share(s) missing); import them first",
          null);
    }
    io.hsmkit.client.PrivateFiles.createDirectories(dir);
    try (var s = Files.list(dir)) {
      if (s.findAny().isPresent()) {
        throw new HsmException(dir + " is not empty; back up into a new directory", null);
      }
    }
    List<Entry> entries = new ArrayList<>();
    for (KeyInfo k : keys.list()) {
      byte[] file = wrap(k.keyRef()).encode();
      String name = String.format("key-%03d.bin", k.keyRef());
      writeAtomically(dir.resolve(name), file);
      entries.add(
          new Entry(k.keyRef(), k.idHex(), k.label(), k.algorithm(), k.sizeBits(),
              k.publicKey() == null ? null
                  : Base64.getEncoder().encodeToString(k.publicKey().getEncoded()),
              name, sha256Hex(file), k.isAes() ? aesCheckValue(k) : null));
    }
    Manifest m = new Manifest(keys.serial(), dkek.kcvHex(), entries);
    writeAtomically(dir.resolve(MANIFEST), toJson(m).getBytes(StandardCharsets.UTF_8));
    return m;
  }

  /**
   * Restores a backup, all or nothing. Checks first, changing nothing if any fails: manifest and
   * file hashes, a key reference listed twice, each blob's DKEK KCV and the target's against the
   * manifest's, and (without {@code force}) that every key reference is free. With {@code force}
   * the keys to be replaced are first wrapped into memory. Then unwraps every key and, with
   * {@code verify}, signs with each and checks the signature against the recorded public key; if
   * any step fails, the keys restored so far are deleted and the replaced ones unwrapped again.
   */
  public List<Entry> restore(Path dir, boolean force, boolean verify)
      throws IOException, HsmException {
    return restore(dir, force, verify, ANY_DOMAIN);
  }

  /**
   * As {@link #restore(Path, boolean, boolean)}, into key domain {@code domain}: the backup's KCV
   * must be that domain's (the card files each key under the domain whose KCV its blob names,
   * docs/protocol.md#key-domains); {@link #ANY_DOMAIN}: every key's KCV must be one of the target's
   * complete domains'.
   */
  public List<Entry> restore(Path dir, boolean force, boolean verify, int domain)
      throws IOException, HsmException {
    Manifest m = readManifest(dir);
    Map<Entry, WrapFile> files = new LinkedHashMap<>();
    TreeSet<Integer> refs = new TreeSet<>();
    for (Entry e : m.keys()) {
      if (!refs.add(e.keyRef())) {
        throw new HsmException(dir.resolve(MANIFEST) + " lists key reference " + e.keyRef()
            + " twice; nothing was changed", null);
      }
      byte[] file = Files.readAllBytes(dir.resolve(e.file()));
      if (!sha256Hex(file).equals(e.sha256())) {
        throw new HsmException(e.file() + " does not match its SHA-256 in the manifest", null);
      }
      try {
        files.put(e, WrapFile.decode(file));
      } catch (TlvException ex) {
        throw new HsmException(e.file() + ": " + ex.getMessage(), null);
      }
    }
    if (domain == ANY_DOMAIN) {
      checkAgainstAnyDomain(dir, files);
    } else {
      checkAgainstDomain(dir, m, files, domain);
    }
    return restoreChecked(m, files, force, verify);
  }

  private void checkAgainstAnyDomain(Path dir, Map<Entry, WrapFile> files)
      throws IOException, HsmException {
    Map<String, Integer> kcvs = new LinkedHashMap<>(); // complete domains of the target by KCV
    Optional<DkekStatus> dkek = session.dkekStatus();
    if (dkek.isPresent() && dkek.get().complete()) {
      kcvs.put(dkek.get().kcvHex().toLowerCase(java.util.Locale.ROOT), 0);
    }
    boolean needOthers = files.values().stream()
        .anyMatch(w -> !kcvs.containsKey(w.blobKcvHex().toLowerCase(java.util.Locale.ROOT)));
    for (int d = 1; needOthers && d <= 255; d++) {
      Optional<DkekStatus> st;
      try {
        st = session.domainStatus(d);
      } catch (HsmException e) {
        break; // past the last slot (or no key domains at all)
      }
      if (st.isPresent() && st.get().complete()) {
        kcvs.putIfAbsent(st.get().kcvHex().toLowerCase(java.util.Locale.ROOT), d);
      }
    }
    if (kcvs.isEmpty()) {
      throw new HsmException("the target device has no complete DKEK; initialize it with DKEK "
          + "shares and import the same shares first", null);
    }
    for (var me : files.entrySet()) {
      String blobKcv = me.getValue().blobKcvHex();
      if (!kcvs.containsKey(blobKcv.toLowerCase(java.util.Locale.ROOT))) {
        throw new HsmException("DKEK mismatch: " + dir.resolve(me.getKey().file())
            + " was wrapped under the KEK with KCV " + blobKcv + ", which neither the target's"
            + " DKEK nor a complete key domain of it has; nothing was changed", null);
      }
    }
  }

  private void checkAgainstDomain(Path dir, Manifest m, Map<Entry, WrapFile> files, int domain)
      throws IOException, HsmException {
    Optional<DkekStatus> kek = session.domainStatus(domain);
    if (kek.isEmpty() || !kek.get().complete()) {
      throw new HsmException(domain == 0
          ? "the target device has no complete DKEK; initialize it with DKEK "
              + "shares and import the same shares first"
          : "key domain " + domain + " of the target has no complete KEK; create it and import"
              + " the same shares first", null);
    }
    String what = domain == 0 ? "DKEK" : "key domain " + domain;
    for (var me : files.entrySet()) {
      String blobKcv = me.getValue().blobKcvHex();
      if (!blobKcv.equalsIgnoreCase(kek.get().kcvHex())) {
        throw new HsmException(what + " mismatch: " + dir.resolve(me.getKey().file())
            + " was wrapped under the KEK with KCV " + blobKcv + ", the target's " + what
            + " has KCV " + kek.get().kcvHex() + "; nothing was changed", null);
      }
    }
  }

  private List<Entry> restoreChecked(
      Manifest m, Map<Entry, WrapFile> files, boolean force, boolean verify)
      throws IOException, HsmException {
    TreeSet<Integer> used = keys.keyRefs();
    Map<Integer, WrapFile> replaced = new LinkedHashMap<>();
    for (Entry e : m.keys()) {
      if (!used.contains(e.keyRef())) {
        continue;
      }
      if (!force) {
        throw new HsmException("key reference " + e.keyRef() + " is in use on the target; "
            + "use --force to replace it; nothing was changed", null);
      }
      try {
        replaced.put(e.keyRef(), wrap(e.keyRef()));
      } catch (HsmException ex) {
        throw new HsmException("cannot keep a copy of key reference " + e.keyRef() + " to put"
            + " back if the restore fails (" + ex.getMessage() + "); nothing was changed", null);
      }
    }
    List<Integer> touched = new ArrayList<>();
    try {
      for (var me : files.entrySet()) {
        touched.add(me.getKey().keyRef());
        unwrap(me.getKey().keyRef(), me.getValue());
      }
      if (verify) {
        for (Entry e : m.keys()) {
          verifyRestored(e);
        }
      }
    } catch (IOException | HsmException | RuntimeException ex) {
      String undone = rollBack(touched, replaced);
      String why = ex.getMessage() == null ? ex.toString() : ex.getMessage();
      throw new HsmException(why + "; " + undone, ex instanceof HsmException h ? h.sw() : null);
    }
    return m.keys();
  }

  /** Deletes what a failed restore put at {@code touched} and unwraps the keys it replaced. */
  private String rollBack(List<Integer> touched, Map<Integer, WrapFile> replaced) {
    List<Integer> failed = new ArrayList<>();
    for (int ref : touched) {
      try {
        session.deleteFile(FileIds.of(FileIds.KEY_PREFIX, ref));
        session.deleteFile(FileIds.of(FileIds.PRKD_PREFIX, ref));
        session.deleteFile(FileIds.of(FileIds.EE_CERT_PREFIX, ref));
        WrapFile before = replaced.get(ref);
        if (before != null) {
          unwrap(ref, before);
        }
      } catch (IOException | HsmException | RuntimeException e) {
        failed.add(ref);
      }
    }
    if (failed.isEmpty()) {
      return "the restore was undone, the target is as it was";
    }
    return "undoing the restore failed at key reference(s) " + failed
        + ": check them with hsmkit keys list";
  }

  /**
   * One key as {@code sc-hsm-tool --wrap-key} writes it: the blob from WRAP KEY with the key's
   * description ({@code C4xx}) and certificate or CV request ({@code CExx}). Needs the user PIN.
   */
  public WrapFile wrap(int keyRef) throws IOException, HsmException {
    byte[] blob = session.wrapKey(keyRef);
    byte[] prkd = session.readFile(FileIds.of(FileIds.PRKD_PREFIX, keyRef)).orElse(null);
    byte[] cert = session.readFile(FileIds.of(FileIds.EE_CERT_PREFIX, keyRef)).orElse(null);
    return new WrapFile(blob, prkd, cert);
  }

  /**
   * Imports one wrapped key at {@code keyRef} as {@code sc-hsm-tool --unwrap-key --force} does:
   * any key, description and certificate there are replaced. Callers that must not replace
   * anything check first. Needs the user PIN.
   */
  public void unwrap(int keyRef, WrapFile w) throws IOException, HsmException {
    session.deleteFile(FileIds.of(FileIds.KEY_PREFIX, keyRef));
    session.unwrapKey(keyRef, w.blob());
    replaceFile(FileIds.of(FileIds.PRKD_PREFIX, keyRef), w.prkd());
    replaceFile(FileIds.of(FileIds.EE_CERT_PREFIX, keyRef), w.certificate());
  }

  private void replaceFile(int fid, byte[] content) throws IOException, HsmException {
    session.deleteFile(fid);
    if (content != null) {
      session.writeFile(fid, content);
    }
  }

  /** The CMAC check value of an AES key, or null when its algorithm list leaves CMAC out. */
  private String aesCheckValue(KeyInfo k) throws IOException, HsmException {
    try {
      return HexFormat.of().formatHex(new KeyOperations(session).cmacAes(k, CHECK_MESSAGE));
    } catch (HsmException e) {
      if (e.sw() != null && e.sw().value() == 0x6A81) {
        return null;
      }
      throw e;
    }
  }

  private void verifyRestored(Entry e) throws IOException, HsmException {
    if (e.algorithm() != null && e.algorithm().startsWith("AES")) {
      verifyRestoredAes(e);
      return;
    }
    if (e.publicKey() == null) {
      throw new HsmException("key ref " + e.keyRef() + " has no recorded public key to verify", null);
    }
    KeyInfo k = keys.findByRef(e.keyRef())
        .orElseThrow(() -> new HsmException("key ref " + e.keyRef() + " missing after restore", null));
    byte[] challenge = session.challenge(32);
    boolean ec = e.algorithm().startsWith("EC");
    Mechanism mech = ec ? Mechanism.ECDSA_SHA256 : Mechanism.RSA_PKCS1_SHA256;
    byte[] sig = new KeyOperations(session).sign(k, mech, challenge);
    try {
      byte[] spki = Base64.getDecoder().decode(e.publicKey());
      var bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
      PublicKey pub = KeyFactory.getInstance(ec ? "EC" : "RSA", bc)
          .generatePublic(new X509EncodedKeySpec(spki));
      Signature v = Signature.getInstance(ec ? "SHA256withECDSA" : "SHA256withRSA", bc);
      v.initVerify(pub);
      v.update(challenge);
      if (!v.verify(sig)) {
        throw new HsmException("restored key ref " + e.keyRef()
            + " does not sign for its recorded public key", null);
      }
    } catch (GeneralSecurityException | IllegalArgumentException ex) {
      throw new HsmException("cannot verify key ref " + e.keyRef() + ": " + ex.getMessage(), null);
    }
  }

  private void verifyRestoredAes(Entry e) throws IOException, HsmException {
    if (e.checkValue() == null) {
      throw new HsmException("AES key ref " + e.keyRef() + " has no recorded check value to verify"
          + " (its algorithm list leaves out CMAC); restore without --verify", null);
    }
    KeyInfo k = keys.findByRef(e.keyRef())
        .orElseThrow(() -> new HsmException("key ref " + e.keyRef() + " missing after restore", null));
    String now = HexFormat.of().formatHex(new KeyOperations(session).cmacAes(k, CHECK_MESSAGE));
    if (!now.equalsIgnoreCase(e.checkValue())) {
      throw new HsmException("restored AES key ref " + e.keyRef()
          + " does not give its recorded check value", null);
    }
  }

  public static Manifest readManifest(Path dir) throws IOException, HsmException {
    Path p = dir.resolve(MANIFEST);
    if (!Files.exists(p)) {
      throw new HsmException(dir + " has no " + MANIFEST + "; not an hsmkit backup", null);
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(p));
      if (!Long.valueOf(FORMAT).equals(root.get("format"))) {
        throw new HsmException(p + ": unknown manifest format " + root.get("format"), null);
      }
      List<Entry> entries = new ArrayList<>();
      for (Object o : (List<?>) root.get("keys")) {
        Map<?, ?> k = (Map<?, ?>) o;
        String file = (String) k.get("file");
        if (file == null || !file.matches("key-\\d{3}\\.bin")) {
          throw new HsmException(p + ": bad file name in manifest", null);
        }
        int ref = ((Long) k.get("keyRef")).intValue();
        if (ref < 1 || ref > 255) {
          throw new HsmException(p + ": key reference out of range", null);
        }
        entries.add(new Entry(ref, (String) k.get("id"), (String) k.get("label"),
            (String) k.get("algorithm"), ((Long) k.get("size")).intValue(),
            (String) k.get("publicKey"), file, (String) k.get("sha256"),
            (String) k.get("checkValue")));
      }
      return new Manifest((String) root.get("serial"), (String) root.get("kcv"), entries);
    } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
      throw new HsmException(p + " is damaged: " + e.getMessage(), null);
    }
  }

  static String toJson(Manifest m) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("created", Instant.now().toString());
    root.put("serial", m.serial());
    root.put("kcv", m.kcv());
    List<Object> list = new ArrayList<>();
    for (Entry e : m.keys()) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("keyRef", e.keyRef());
      k.put("id", e.id());
      k.put("label", e.label());
      k.put("algorithm", e.algorithm());
      k.put("size", e.size());
      k.put("publicKey", e.publicKey());
      k.put("file", e.file());
      k.put("sha256", e.sha256());
      if (e.checkValue() != null) {
        k.put("checkValue", e.checkValue());
      }
      list.add(k);
    }
    root.put("keys", list);
    return Json.write(root) + "\n";
  }

  static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void writeAtomically(Path target, byte[] content) throws IOException {
    io.hsmkit.client.PrivateFiles.writeAtomically(target, content);
  }
}
