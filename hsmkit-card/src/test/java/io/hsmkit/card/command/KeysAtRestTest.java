package io.hsmkit.card.command;

import static io.hsmkit.card.command.SealedCards.assertOk;
import static io.hsmkit.card.command.SealedCards.importShare;
import static io.hsmkit.card.command.SealedCards.initialize;
import static io.hsmkit.card.command.SealedCards.open;
import static io.hsmkit.card.command.SealedCards.signs;
import static io.hsmkit.card.command.SealedCards.verify;
import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.dkek.Dkek;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys at rest (SECURITY.md): a copy of the state directory without the PIN yields no key. A card with an EC
 * P-256 key, an RSA-2048 key and an imported DKEK is copied, and every file of the copy is searched
 * for each secret in every encoding the test can produce. The search is shown to work by finding
 * the public keys, which are stored in the clear.
 */
class KeysAtRestTest {
  static final String PIN = "648219";
  @TempDir Path tmp;

  @Test
  void copiedStateDirectory_holdsNoPrivateKeyDkekShareOrPin_inAnyEncoding() throws Exception {
    Path dir = tmp.resolve("card");
    byte[] share = SealedCards.share(0x31);
    Map<String, byte[]> secrets = new LinkedHashMap<>();
    List<byte[]> publicKeys = new ArrayList<>();
    try (var card = open(dir).card) {
      KeyTestCard t = new KeyTestCard(card, false, false);
      assertOk(initialize(t, PIN, 3, 1));
      assertOk(importShare(t, share)); // no PIN: sealed to the import key
      Path pending = copy(dir, "pending");
      assertThat(findings(pending, Map.of("DKEK share", share))).isEmpty();

      assertOk(verify(t, PIN)); // folds the share into the sealed DKEK
      t.generateEc(1, Curve.SECP256R1);
      t.generateRsa(2, 2048);
      assertThat(signs(t, 1)).isTrue();
      assertThat(signs(t, 2)).isTrue();
      byte[] ecPkcs8 = card.privateKeyPkcs8(1);
      byte[] rsaPkcs8 = card.privateKeyPkcs8(2);
      publicKeys.add(t.key(1).publicKey());
      publicKeys.add(t.key(2).publicKey());

      secrets.put("EC PKCS#8", ecPkcs8);
      secrets.put("RSA PKCS#8", rsaPkcs8);
      ECPrivateKey ec = (ECPrivateKey) KeyFactory.getInstance("EC", CardCrypto.bouncyCastle())
          .generatePrivate(new PKCS8EncodedKeySpec(ecPkcs8));
      secrets.put("EC scalar", fixed(ec.getS(), 32));
      RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(rsaPkcs8));
      secrets.put("RSA p", magnitude(rsa.getPrimeP()));
      secrets.put("RSA q", magnitude(rsa.getPrimeQ()));
      secrets.put("RSA d", magnitude(rsa.getPrivateExponent()));
      secrets.put("RSA dp", magnitude(rsa.getPrimeExponentP()));
      secrets.put("RSA dq", magnitude(rsa.getPrimeExponentQ()));
      secrets.put("RSA qinv", magnitude(rsa.getCrtCoefficient()));
      secrets.put("DKEK", share); // one share: the DKEK is the share
      secrets.put("user PIN", PIN.getBytes(StandardCharsets.US_ASCII));
      secrets.put("SO-PIN", HexFormat.of().parseHex(SealedCards.SO_PIN_HEX));
      assertThat(t.send(KeyTestCard.hex("8052000000")).data())
          .endsWith(Dkek.kcv(share)); // the DKEK is really the share
    }
    Path copy = copy(dir, "stolen");

    assertThat(findings(copy, secrets)).isEmpty();
    // the search finds what is there: the public keys are stored in the clear
    Map<String, byte[]> publics = new LinkedHashMap<>();
    publics.put("EC public key", publicKeys.get(0));
    publics.put("RSA public key", publicKeys.get(1));
    assertThat(findings(copy, publics)).hasSize(2);
  }

  /** Each secret in raw, reversed (little-endian), hex upper/lower and base64 form. */
  static Map<String, byte[]> encodings(Map<String, byte[]> secrets) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (var e : secrets.entrySet()) {
      byte[] v = e.getValue();
      for (var form : Map.of("raw", v, "little-endian", reversed(v)).entrySet()) {
        byte[] b = form.getValue();
        String name = e.getKey() + " " + form.getKey();
        out.put(name, b);
        out.put(name + " hex", ascii(HexFormat.of().formatHex(b)));
        out.put(name + " HEX", ascii(HexFormat.of().withUpperCase().formatHex(b)));
        out.put(name + " base64", ascii(Base64.getEncoder().encodeToString(b)));
        out.put(name + " base64url", ascii(Base64.getUrlEncoder().withoutPadding()
            .encodeToString(b)));
      }
    }
    return out;
  }

  /** The names of the needles (in every encoding) found in any file under {@code dir}. */
  static List<String> findings(Path dir, Map<String, byte[]> secrets) throws IOException {
    List<String> found = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      byte[] hay = Files.readAllBytes(f);
      for (var needle : encodings(secrets).entrySet()) {
        if (indexOf(hay, needle.getValue()) >= 0) {
          found.add(needle.getKey() + " in " + f.getFileName());
        }
      }
    }
    return found;
  }

  static Path copy(Path dir, String name) throws IOException {
    Path to = dir.resolveSibling(name);
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static byte[] magnitude(BigInteger v) {
    byte[] b = v.toByteArray();
    return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
  }

  static byte[] fixed(BigInteger v, int n) {
    byte[] m = magnitude(v);
    byte[] out = new byte[n];
    System.arraycopy(m, 0, out, n - m.length, m.length);
    return out;
  }

  static byte[] reversed(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
