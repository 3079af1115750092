package io.hsmkit.cli.dkek;

import io.hsmkit.client.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The host's record of the DKEK shares imported into each device, so that {@code dkek import}
 * refuses a share already in the device's current DKEK: a real chip XORs whatever it gets, so
 * shares a, b, a leave b alone as the DKEK (SECURITY.md "DKEK shares"). One line per imported
 * share, {@code SERIAL SALT DIGEST}, with DIGEST = SHA-256(SALT || share), never the share; the
 * file is {@code $HSMKIT_HOME/dkek-imports}, 0600. A device's first share of a DKEK (nothing
 * imported yet, as after INITIALIZE) starts its record afresh. The record knows only this host's
 * imports.
 */
final class ImportedShares {
  static final String FILE = "dkek-imports";
  private final Path file;

  ImportedShares(Path home) {
    this.file = home.resolve(FILE);
  }

  Path file() {
    return file;
  }

  /** Whether {@code share} is recorded as imported into the current DKEK of {@code serial}. */
  boolean seen(String serial, byte[] share) throws IOException {
    for (String[] r : lines()) {
      if (r[0].equals(serial) && MessageDigest.isEqual(
          HexFormat.of().parseHex(r[2]), digest(HexFormat.of().parseHex(r[1]), share))) {
        return true;
      }
    }
    return false;
  }

  /** Records {@code share} for {@code serial}; {@code firstOfSet} forgets the device's older ones. */
  void record(String serial, byte[] share, boolean firstOfSet) throws IOException {
    List<String> out = new ArrayList<>();
    for (String[] r : lines()) {
      if (!(firstOfSet && r[0].equals(serial))) {
        out.add(String.join(" ", r));
      }
    }
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    out.add(serial + " " + HexFormat.of().formatHex(salt) + " "
        + HexFormat.of().formatHex(digest(salt, share)));
    PrivateFiles.createDirectories(file.getParent());
    PrivateFiles.writeAtomically(file,
        (String.join("\n", out) + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  private List<String[]> lines() throws IOException {
    List<String[]> out = new ArrayList<>();
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return out;
    }
    for (String l : text) {
      String[] f = l.strip().split(" ");
      if (f.length == 3 && f[1].matches("[0-9a-f]{32}") && f[2].matches("[0-9a-f]{64}")) {
        out.add(f);
      }
    }
    return out;
  }

  static byte[] digest(byte[] salt, byte[] share) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(salt);
      return md.digest(share);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
