package io.hsmkit.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ground truth from a real Nitrokey HSM 2 (copied from the project's shared vectors): a DKEK share
 * file written by sc-hsm-tool, and a key wrapped by the device with {@code sc-hsm-tool
 * --wrap-key}. Tests must pass on these, so a codec bug shared by card and host cannot hide.
 */
public final class Vectors {
  private Vectors() {}

  /** The DKEK share file vector. */
  public record DkekShare(String pbeBase64, String password, byte[] share, String kcv) {}

  /** The wrapped-key vector. */
  public record WrappedKey(byte[] dkek, String kcv, String curve, byte[] wrapFile) {}

  public static DkekShare dkekShare() {
    String json = read("dkek-share-pbe.json");
    return new DkekShare(field(json, "pbe_base64"), field(json, "password"),
        HexFormat.of().parseHex(field(json, "expected_share_hex")),
        field(json, "expected_kcv_single_share_hex"));
  }

  public static WrappedKey nitrokeyWrappedEcKey() {
    String json = read("nitrokey-hsm2-wrapped-ec-key.json");
    return new WrappedKey(HexFormat.of().parseHex(field(json, "dkek_hex")),
        field(json, "expected_kcv_hex"), field(json, "curve"),
        HexFormat.of().parseHex(field(json, "wrap_file_hex")));
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("vector field " + name + " missing");
    }
    return m.group(1);
  }

  static String read(String name) {
    try (InputStream in = Vectors.class.getResourceAsStream("vectors/" + name)) {
      if (in == null) {
        throw new IllegalStateException("vector " + name + " missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
