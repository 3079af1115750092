package io.hsmkit.card.seal;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The PIN-derived wrapping key: Argon2id(PIN, per-card salt), with the optional extra secret as
 * Argon2's secret input K and the role ("user" / "so") as its associated data, so the user PIN and
 * the SO-PIN never give the same key even if they were equal.
 */
final class PinKdf {
  private PinKdf() {}

  static byte[] derive(KdfParams p, byte[] salt, byte[] pin, byte[] extraSecret, String role) {
    Argon2Parameters.Builder b =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt)
            .withMemoryAsKB(p.memoryKiB())
            .withIterations(p.iterations())
            .withParallelism(p.parallelism())
            .withAdditional(("hsmkit " + role).getBytes(StandardCharsets.US_ASCII));
    if (extraSecret.length > 0) {
      b.withSecret(extraSecret);
    }
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(b.build());
    byte[] out = new byte[Aead.KEY_LENGTH];
    g.generateBytes(pin, out);
    return out;
  }
}
