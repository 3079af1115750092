package io.hsmkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsmkit derive --mechanism ec-derive} on an embedded card: the new key's public key is
 * {@code Q + offset·G} computed here with Bouncy Castle's curve arithmetic, the key signs, and bad
 * offsets or source keys fail with one line and leave the card as it was.
 */
class DeriveEcKeyCommandTest {
  static final BouncyCastleProvider BC = new BouncyCastleProvider();

  @TempDir Path home;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    cli = CliRunner.initialized(home, "358138");
  }

  private ECPublicKey exportPublic(String idOrRef, boolean byRef) throws Exception {
    Path der = home.resolve("pub-" + idOrRef + ".der");
    cli.ok("keys", "export-public", byRef ? "--key-ref" : "--id", idOrRef, "--format", "der",
        "--out", der.toString());
    return (ECPublicKey) KeyFactory.getInstance("EC", BC)
        .generatePublic(new X509EncodedKeySpec(Files.readAllBytes(der)));
  }

  private static ECPublicKey pemKey(String out) throws Exception {
    int b = out.indexOf("-----BEGIN PUBLIC KEY-----");
    int e = out.indexOf("-----END PUBLIC KEY-----");
    assertThat(b).isNotNegative();
    String b64 = out.substring(b + 26, e).replaceAll("\\s", "");
    return (ECPublicKey) KeyFactory.getInstance("EC", BC)
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
  }

  /** Q + offset·G with Bouncy Castle's own point arithmetic on the named curve. */
  private static ECPoint expected(String curve, ECPublicKey q, BigInteger offset) {
    X9ECParameters x9 = CustomNamedCurves.getByName(curve);
    if (x9 == null) {
      x9 = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName(curve);
    }
    ECPoint qp = x9.getCurve().createPoint(q.getW().getAffineX(), q.getW().getAffineY());
    return qp.add(x9.getG().multiply(offset)).normalize();
  }

  @Test
  void ecDerive_makesTheKeyQPlusOffsetG_listedWithItsLabel_andItSigns() throws Exception {
    String[][] cases = {
      {"secp256r1", "a9fb57dba1eea9bc3e660a909d838d726e3bf623d5262028201348 1d1f6e5376"},
      {"brainpoolP256r1", "01"},
      {"secp384r1", "0x00ff00ff"},
    };
    for (int i = 0; i < cases.length; i++) {
      String curve = cases[i][0];
      String srcId = "4" + i;
      cli.ok("keys", "generate", "--type", "ec:" + curve, "--id", srcId, "--label", "base" + i);
      ECPublicKey q = exportPublic(srcId, false);
      BigInteger offset = new BigInteger(cases[i][1].replace("0x", "").replace(" ", ""), 16);

      CliRunner.Result r = cli.ok("derive", "--mechanism", "ec-derive", "--id", srcId,
          "--offset", cases[i][1], "--label", "derived" + i);
      ECPublicKey printed = pemKey(r.out());
      ECPoint want = expected(curve, q, offset);
      assertThat(printed.getW().getAffineX()).as(curve).isEqualTo(want.getAffineXCoord().toBigInteger());
      assertThat(printed.getW().getAffineY()).as(curve).isEqualTo(want.getAffineYCoord().toBigInteger());

      // the lowest free key ref: the sources took 1, 3, 5 and the derived keys 2, 4, 6
      int ref = 2 * i + 2;
      assertThat(r.out()).contains("key ref " + ref).contains("label \"derived" + i + "\"")
          .contains("EC " + curve);
      String list = cli.ok("keys", "list").out();
      assertThat(list).contains("derived" + i);

      Path data = home.resolve("data");
      Files.write(data, ("message " + i).getBytes(StandardCharsets.US_ASCII));
      Path sig = home.resolve("sig" + i);
      cli.ok("sign", "--key-ref", String.valueOf(ref), "--in", data.toString(), "--out", sig.toString());
      Signature v = Signature.getInstance("SHA256withECDSA", BC);
      v.initVerify(printed);
      v.update(Files.readAllBytes(data));
      assertThat(v.verify(Files.readAllBytes(sig))).as(curve).isTrue();
    }
  }

  @Test
  void ecDerive_toAGivenRef_withAGivenId() throws Exception {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    CliRunner.Result r = cli.ok("derive", "--mechanism", "ec-derive", "--id", "01", "--offset", "05",
        "--to", "7", "--new-id", "a7", "--label", "seven");
    assertThat(r.out()).contains("key ref 7, id a7");
    String json = cli.ok("keys", "list", "--json").out();
    assertThat(json.replaceAll("\\s", "")).contains("\"keyRef\":7,\"id\":\"a7\",\"label\":\"seven\"");
    // a derived key's default id is OpenSC's: SHA-1 of the derived point's X
    ECPublicKey q = exportPublic("01", false);
    CliRunner.Result d = cli.ok("derive", "--mechanism", "ec-derive", "--id", "01", "--offset", "06");
    ECPoint p = expected("secp256r1", q, BigInteger.valueOf(6));
    byte[] x = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, p.getAffineXCoord().toBigInteger());
    String sha1 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(x));
    assertThat(d.out()).contains("key ref 2, id " + sha1);
  }

  @Test
  void ecDerive_refusals_areOneLine_nonZero_andChangeNothing() throws Exception {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    cli.ok("keys", "generate", "--type", "rsa:1024", "--id", "02");
    String n = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
    String before = cli.ok("keys", "list", "--json").out();
    String[][] bad = {
      {"--id", "01", "--offset", "xyz"},
      {"--id", "01", "--offset", "00"},
      {"--id", "01", "--offset", n},
      {"--id", "01", "--offset", "ff" + n},
      {"--id", "01", "--offset", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"},
      {"--id", "02", "--offset", "01"},
      {"--id", "01", "--offset", "01", "--to", "2"},
      {"--id", "01", "--offset", "01", "--to", "0"},
      {"--id", "01", "--offset", "01", "--new-id", "02"},
      {"--id", "01", "--offset", "01", "--peer", "x"},
    };
    for (String[] args : bad) {
      String[] full = new String[args.length + 3];
      full[0] = "derive";
      full[1] = "--mechanism";
      full[2] = "ec-derive";
      System.arraycopy(args, 0, full, 3, args.length);
      CliRunner.Result r = cli.run(full);
      String what = String.join(" ", args);
      assertThat(r.exit()).as(what).isNotZero();
      assertThat(r.err().strip()).as(what).isNotEmpty().doesNotContain("\n").doesNotContain("Exception");
      assertThat(r.out()).as(what).doesNotContain("Derived");
      assertThat(cli.ok("keys", "list", "--json").out()).as(what).isEqualTo(before);
    }
    assertThat(cli.run("derive", "--mechanism", "ec-derive", "--id", "01", "--offset", "xyz").err())
        .contains("--offset must be hex digits");
    assertThat(cli.run("derive", "--mechanism", "ec-derive", "--id", "01", "--offset", n).err())
        .contains("curve order");
    assertThat(cli.run("derive", "--mechanism", "ec-derive", "--id", "02", "--offset", "01").err())
        .contains("RSA").contains("EC");
    assertThat(cli.run("derive", "--mechanism", "ec-derive", "--id", "01", "--offset", "01", "--to", "2").err())
        .contains("in use");
  }

  /**
   * The derived key's public key is in CE as a CV request it signed itself, so export-public, keys
   * list and a derivation from the derived key see it (OpenSC 0.27 needs it to sign).
   */
  @Test
  void ecDerive_storesTheDerivedPublicKey_inASelfSignedCvRequest() throws Exception {
    cli.ok("keys", "generate", "--type", "ec:secp256r1", "--id", "01");
    ECPublicKey q = exportPublic("01", false);
    cli.ok("derive", "--mechanism", "ec-derive", "--id", "01", "--offset", "02", "--label", "one");
    ECPublicKey one = exportPublic("2", true);
    ECPoint want = expected("secp256r1", q, BigInteger.TWO);
    assertThat(one.getW().getAffineX()).isEqualTo(want.getAffineXCoord().toBigInteger());
    assertThat(cli.ok("keys", "list").out()).contains("EC secp256r1");

    CliRunner.Result r = cli.ok("derive", "--mechanism", "ec-derive", "--key-ref", "2", "--offset", "03");
    ECPoint five = expected("secp256r1", q, BigInteger.valueOf(5));
    assertThat(pemKey(r.out()).getW().getAffineY()).isEqualTo(five.getAffineYCoord().toBigInteger());

    // CE02: 67 { 7F21 { 7F4E body, 5F37 inner }, 42 CAR, 5F37 outer }, both by the derived key
    byte[] ce;
    try (io.hsmkit.token.Token t = io.hsmkit.token.Token.open(
        io.hsmkit.client.token.TokenSpec.parse("emulated:" + home.resolve("token")),
        java.util.Map.copyOf(cli.env))) {
      var s = t.session();
      s.select();
      ce = s.readFile(0xCE02).orElseThrow();
    }
    io.hsmkit.apdu.Tlv req = io.hsmkit.apdu.Tlv.parseFirst(ce);
    assertThat(req.tag()).isEqualTo(0x67);
    var parts = req.children();
    io.hsmkit.apdu.Tlv cvc = parts.get(0);
    byte[] body = cvc.children().get(0).encode();
    byte[] inner = cvc.children().get(1).value();
    assertThat(verifyPlain(one, body, inner)).isTrue();
    byte[] signed = concat(cvc.encode(), parts.get(1).encode());
    assertThat(verifyPlain(one, signed, parts.get(2).value())).isTrue();
    assertThat(io.hsmkit.client.keys.CvRequests.publicKey(ce)).isEqualTo(one);
  }

  private static boolean verifyPlain(ECPublicKey key, byte[] data, byte[] plain) throws Exception {
    Signature v = Signature.getInstance("SHA256withPLAIN-ECDSA", BC);
    v.initVerify(key);
    v.update(data);
    return v.verify(plain);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void ecDerive_fromAnAesKey_isRefused() throws Exception {
    // through the client: the CLI's keys generate --type aes comes with the AES commands
    try (io.hsmkit.token.Token t = io.hsmkit.token.Token.open(
        io.hsmkit.client.token.TokenSpec.parse("emulated:" + home.resolve("token")),
        java.util.Map.copyOf(cli.env))) {
      var s = t.session();
      s.select();
      s.verifyPin("358138".getBytes(StandardCharsets.US_ASCII));
      new io.hsmkit.client.keys.KeyManager(s)
          .generate(io.hsmkit.client.keys.KeySpec.parse("aes:128"), new byte[] {0x0a}, "aes");
    }
    String before = cli.ok("keys", "list", "--json").out();
    CliRunner.Result r = cli.run("derive", "--mechanism", "ec-derive", "--id", "0a", "--offset", "01");
    assertThat(r.exit()).isEqualTo(2); // a key of the wrong type is the caller's mistake
    assertThat(r.err().strip()).contains("AES").contains("EC").doesNotContain("\n");
    assertThat(cli.ok("keys", "list", "--json").out()).isEqualTo(before);
  }

  @Test
  void ecdh_staysTheDefault() throws Exception {
    CliRunner.Result r = cli.run("derive", "--id", "01", "--offset", "01");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--peer");
  }
}
