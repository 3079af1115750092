package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code openssl} command line as the independent verifier: public-key operations on keys the
 * card exported, with no hsmkit code involved.
 */
final class Openssl {
  private Openssl() {}

  static Tool.Result run(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("openssl");
    argv.addAll(List.of(args));
    return Tool.run(argv, Map.of(), Duration.ofSeconds(60));
  }

  static Tool.Result ok(String... args) {
    Tool.Result r = run(args);
    assertThat(r.exit()).as(r.describe()).isZero();
    return r;
  }

  /** DER SubjectPublicKeyInfo → PEM (checks that openssl can parse it). */
  static Path derToPem(Path der) {
    Path pem = der.resolveSibling(der.getFileName() + ".pem");
    ok("pkey", "-pubin", "-inform", "DER", "-in", der.toString(), "-out", pem.toString());
    return pem;
  }

  /** PEM public key → DER SubjectPublicKeyInfo bytes. */
  static byte[] pemToDer(Path pem) {
    Path der = pem.resolveSibling(pem.getFileName() + ".der");
    ok("pkey", "-pubin", "-in", pem.toString(), "-outform", "DER", "-out", der.toString());
    return read(der);
  }

  /** {@code openssl pkey -pubin -text}: the key as openssl describes it. */
  static String describePublicKey(Path pem) {
    return ok("pkey", "-pubin", "-in", pem.toString(), "-noout", "-text").stdout();
  }

  /** {@code openssl dgst -<hash> -verify pub -signature sig data [-sigopt ...]}: "Verified OK". */
  static void assertDgstVerifies(String hash, Path pubPem, Path signature, Path data,
      String... sigopts) {
    List<String> args = new ArrayList<>(List.of("dgst", "-" + hash, "-verify", pubPem.toString(),
        "-signature", signature.toString()));
    for (String o : sigopts) {
      args.add("-sigopt");
      args.add(o);
    }
    args.add(data.toString());
    Tool.Result r = run(args.toArray(String[]::new));
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.stdout().strip()).as(r.describe()).isEqualTo("Verified OK");
  }

  /** {@code openssl pkeyutl -verify} of a signature over a given (hash) input. */
  static void assertPkeyutlVerifies(Path pubPem, Path input, Path signature, String... pkeyopts) {
    List<String> args = new ArrayList<>(List.of("pkeyutl", "-verify", "-pubin", "-inkey",
        pubPem.toString(), "-in", input.toString(), "-sigfile", signature.toString()));
    for (String o : pkeyopts) {
      args.add("-pkeyopt");
      args.add(o);
    }
    Tool.Result r = run(args.toArray(String[]::new));
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.stdout().strip()).as(r.describe()).isEqualTo("Signature Verified Successfully");
  }

  /** A signature that must NOT verify for {@code pubPem} (checks the check). */
  static void assertDgstRejects(String hash, Path pubPem, Path signature, Path data) {
    Tool.Result r = run("dgst", "-" + hash, "-verify", pubPem.toString(), "-signature",
        signature.toString(), data.toString());
    assertThat(r.exit()).as(r.describe()).isNotZero();
    assertThat(r.stdout()).as(r.describe()).contains("Verification failure");
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
