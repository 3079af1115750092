package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hsmkit decrypt} and {@code hsmkit derive} against an embedded card, checked with the JDK. */
class CryptoCommandsTest {
  @TempDir Path home;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    cli = CliRunner.initialized(home, "358138");
  }

  private PublicKey exportPublic(String id, String algorithm) throws Exception {
    Path der = home.resolve("pub-" + id + ".der");
    cli.ok("keys", "export-public", "--id", id, "--format", "der", "--out", der.toString());
    return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(Files.readAllBytes(der)));
  }

  private byte[] decrypt(String mechanism, byte[] cryptogram) throws Exception {
    Path in = home.resolve("cryptogram");
    Path out = home.resolve("plain");
    Files.write(in, cryptogram);
    Files.deleteIfExists(out);
    cli.ok("decrypt", "--id", "20", "--mechanism", mechanism, "--in", in.toString(), "--out", out.toString());
    return Files.readAllBytes(out);
  }

  @Test
  void decrypt_everyPadding_recoversWhatTheJdkEncrypted() throws Exception {
    cli.ok("keys", "generate", "--type", "rsa:2048", "--id", "20", "--label", "enc");
    RSAPublicKey pub = (RSAPublicKey) exportPublic("20", "RSA");
    byte[] secret = "the quick brown fox".getBytes(StandardCharsets.US_ASCII);

    Cipher pkcs1 = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    pkcs1.init(Cipher.ENCRYPT_MODE, pub);
    assertThat(decrypt("rsa-pkcs1", pkcs1.doFinal(secret))).isEqualTo(secret);

    Cipher oaep1 = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
    oaep1.init(Cipher.ENCRYPT_MODE, pub);
    assertThat(decrypt("rsa-oaep-sha1", oaep1.doFinal(secret))).isEqualTo(secret);

    Cipher oaep256 = Cipher.getInstance("RSA/ECB/OAEPPadding");
    oaep256.init(Cipher.ENCRYPT_MODE, pub, new OAEPParameterSpec("SHA-256", "MGF1",
        MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
    assertThat(decrypt("rsa-oaep-sha256", oaep256.doFinal(secret))).isEqualTo(secret);

    // raw: the card returns m = c^d mod n, left-padded to the modulus length
    BigInteger m = new BigInteger(1, secret);
    byte[] c = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(256, m.modPow(pub.getPublicExponent(), pub.getModulus()));
    byte[] raw = decrypt("rsa-raw-decrypt", c);
    assertThat(raw).hasSize(256);
    assertThat(new BigInteger(1, raw)).isEqualTo(m);
  }

  @Test
  void decrypt_withTheWrongPadding_failsWithOneLine_andWritesNothing() throws Exception {
    cli.ok("keys", "generate", "--type", "rsa:1024", "--id", "20");
    RSAPublicKey pub = (RSAPublicKey) exportPublic("20", "RSA");
    Cipher pkcs1 = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    pkcs1.init(Cipher.ENCRYPT_MODE, pub);
    Path in = home.resolve("c");
    Files.write(in, pkcs1.doFinal(new byte[] {1, 2, 3}));
    Path out = home.resolve("p");
    CliRunner.Result r = cli.run("decrypt", "--id", "20", "--mechanism", "rsa-oaep-sha256",
        "--in", in.toString(), "--out", out.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).doesNotContain("\n").isNotEmpty();
    assertThat(out).doesNotExist();
    assertThat(cli.run("decrypt", "--id", "20", "--mechanism", "ecdsa").err())
        .contains("--mechanism must be one of: rsa-raw-decrypt, rsa-pkcs1");
  }

  @Test
  void sign_sha384AndSha512Mechanisms_strictDerAndPkcs1AndPss_verifyWithTheJdk() throws Exception {
    cli.ok("keys", "generate", "--type", "ec:secp521r1", "--id", "40");
    cli.ok("keys", "generate", "--type", "ec:secp384r1", "--id", "41");
    cli.ok("keys", "generate", "--type", "rsa:2048", "--id", "42");
    byte[] message = "sha-384 and sha-512 through hsmkit sign".getBytes(StandardCharsets.US_ASCII);
    Path in = home.resolve("msg");
    Files.write(in, message);
    Path out = home.resolve("sig");
    String[][] cases = {
      {"40", "ecdsa-sha384", "SHA384withECDSA"}, {"40", "ecdsa-sha512", "SHA512withECDSA"},
      {"41", "ecdsa-sha384", "SHA384withECDSA"}, {"41", "ecdsa-sha512", "SHA512withECDSA"},
      {"42", "rsa-pkcs1-sha384", "SHA384withRSA"}, {"42", "rsa-pkcs1-sha512", "SHA512withRSA"},
      {"42", "rsa-pss-sha384", "SHA-384"}, {"42", "rsa-pss-sha512", "SHA-512"}
    };
    for (String[] c : cases) {
      PublicKey pub = exportPublic(c[0], c[1].startsWith("ecdsa") ? "EC" : "RSA");
      // a few rounds on P-521, where 7 in 16 values are shorter than the field
      int rounds = c[0].equals("40") ? 12 : 1;
      for (int i = 0; i < rounds; i++) {
        Files.deleteIfExists(out);
        cli.ok("sign", "--id", c[0], "--mechanism", c[1], "--in", in.toString(), "--out", out.toString());
        byte[] sig = Files.readAllBytes(out);
        java.security.Signature v;
        if (c[1].startsWith("rsa-pss")) {
          v = java.security.Signature.getInstance("RSASSA-PSS");
          int len = java.security.MessageDigest.getInstance(c[2]).getDigestLength();
          v.setParameter(new java.security.spec.PSSParameterSpec(
              c[2], "MGF1", new MGF1ParameterSpec(c[2]), len, 1));
        } else {
          v = java.security.Signature.getInstance(c[2]);
        }
        if (c[1].startsWith("ecdsa")) {
          assertThat(org.bouncycastle.asn1.ASN1Primitive.fromByteArray(sig).getEncoded("DER"))
              .as(c[1] + " strict DER").isEqualTo(sig);
        }
        v.initVerify(pub);
        v.update(message);
        assertThat(v.verify(sig)).as(c[0] + " " + c[1]).isTrue();
      }
    }
  }

  @Test
  void decrypt_onAnEcKey_isRefused() throws Exception {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "20");
    Path in = home.resolve("c");
    Files.write(in, new byte[32]);
    CliRunner.Result r = cli.run("decrypt", "--id", "20", "--in", in.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).containsIgnoringCase("rsa");
  }

  @Test
  void derive_givesTheSecretTheJdkComputes_forPemDerAndRawPeers() throws Exception {
    String[] curves = {"secp256r1", "brainpoolP256r1", "secp384r1"};
    for (int i = 0; i < curves.length; i++) {
      String curve = curves[i];
      String id = "3" + i;
      cli.ok("keys", "generate", "--type", "ec:" + curve, "--id", id);
      ECPublicKey cardKey = (ECPublicKey) exportPublic(id, "EC");
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider());
      g.initialize(new ECGenParameterSpec(curve));
      KeyPair peer = g.generateKeyPair();
      KeyAgreement ka = KeyAgreement.getInstance("ECDH", new org.bouncycastle.jce.provider.BouncyCastleProvider());
      ka.init(peer.getPrivate());
      ka.doPhase(cardKey, true);
      byte[] expected = ka.generateSecret();

      byte[] der = peer.getPublic().getEncoded();
      Path derFile = home.resolve("peer.der");
      Files.write(derFile, der);
      Path pemFile = home.resolve("peer.pem");
      Files.writeString(pemFile, "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END PUBLIC KEY-----\n");
      Path rawFile = home.resolve("peer.raw");
      Files.write(rawFile, io.hsmkit.client.keys.KeyManager.ecPoint((ECPublicKey) peer.getPublic()));

      for (Path p : new Path[] {derFile, pemFile, rawFile}) {
        Path out = home.resolve("secret");
        Files.deleteIfExists(out);
        cli.ok("derive", "--id", id, "--peer", p.toString(), "--out", out.toString());
        assertThat(Files.readAllBytes(out)).as(curve + " " + p.getFileName()).isEqualTo(expected);
      }
    }
  }

  @Test
  void derive_refusesPeersThatAreNotPointsOfTheKeysCurve() throws Exception {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "30");
    Path notAKey = home.resolve("junk");
    Files.writeString(notAKey, "hello");
    CliRunner.Result junk = cli.run("derive", "--id", "30", "--peer", notAKey.toString());
    assertThat(junk.exit()).isEqualTo(2);
    assertThat(junk.err()).contains("--peer is not an EC public key");

    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider());
    g.initialize(new ECGenParameterSpec("secp384r1"));
    Path otherCurve = home.resolve("p384.der");
    Files.write(otherCurve, g.generateKeyPair().getPublic().getEncoded());
    Path out = home.resolve("secret");
    CliRunner.Result wrong = cli.run("derive", "--id", "30", "--peer", otherCurve.toString(), "--out", out.toString());
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err().strip()).doesNotContain("\n");
    assertThat(out).doesNotExist();

    // a point with the right length that is not on the curve
    byte[] offCurve = new byte[65];
    offCurve[0] = 4;
    offCurve[64] = 7;
    Path off = home.resolve("off.raw");
    Files.write(off, offCurve);
    assertThat(cli.run("derive", "--id", "30", "--peer", off.toString(), "--out", out.toString()).exit()).isEqualTo(1);
    assertThat(out).doesNotExist();
  }

  @Test
  void derive_withTheWrongPin_reportsTriesLeft() throws Exception {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "30");
    Path peer = home.resolve("peer.der");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    Files.write(peer, g.generateKeyPair().getPublic().getEncoded());
    cli.env.put("HSMKIT_PIN", "111111");
    CliRunner.Result r = cli.run("derive", "--id", "30", "--peer", peer.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("wrong user PIN, 2 tries left").doesNotContain("111111");
  }

  /** ECDSA with SHA-1/256 of 64 KiB and more signs (hashed on the host). */
  @Test
  void sign_ecdsaSha256AndSha1_ofLargeFiles_verifyWithTheJdk() throws Exception {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "31");
    PublicKey pub = exportPublic("31", "EC");
    byte[] data = new byte[200_000];
    new java.util.Random(13).nextBytes(data);
    for (int len : new int[] {65_536, 200_000}) {
      Path in = home.resolve("big-" + len);
      Files.write(in, java.util.Arrays.copyOf(data, len));
      for (String[] m : new String[][] {{"ecdsa-sha256", "SHA256withECDSA"}, {"ecdsa-sha1", "SHA1withECDSA"}}) {
        Path sig = home.resolve("sig-" + len + m[0]);
        cli.ok("sign", "--id", "31", "--mechanism", m[0], "--in", in.toString(), "--out", sig.toString());
        java.security.Signature v = java.security.Signature.getInstance(m[1]);
        v.initVerify(pub);
        v.update(java.util.Arrays.copyOf(data, len));
        assertThat(v.verify(Files.readAllBytes(sig))).as(len + " " + m[0]).isTrue();
      }
    }
  }
}
