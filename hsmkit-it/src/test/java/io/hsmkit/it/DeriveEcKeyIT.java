package io.hsmkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * {@code hsmkit derive --mechanism ec-derive} on a served card: OpenSC lists the derived key with
 * its label and id (from the PrKD the host writes) and its public key (from the CV request in
 * {@code CExx}), pkcs11-tool signs with it (0.27 needs that public key to size the signature), and
 * the signature verifies under the public key hsmkit printed, which is {@code Q + offset·G} of the
 * key pkcs11-tool generated.
 */
class DeriveEcKeyIT extends InteropTestBase {
  private static final String PIN = "648219";
  private static final String OFFSET =
      "a9fb57dba1eea9bc3e660a909d838d726e3bf623d5262028201348 1d1f6e5376".replace(" ", "");

  @Test
  void derivedKey_isListedByOpenSc_andSignsWithPkcs11Tool() throws Exception {
    OpenSc.ok(OpenSc.scHsmInitialize(SO_PIN, PIN));
    OpenSc.ok(OpenSc.keygen(PIN, "EC:prime256v1", "01", "base"));
    Path baseDer = temp.resolve("base.der");
    OpenSc.ok(OpenSc.readPublicKey("01", baseDer));
    BouncyCastleProvider bc = new BouncyCastleProvider();
    ECPublicKey q = (ECPublicKey) KeyFactory.getInstance("EC", bc)
        .generatePublic(new X509EncodedKeySpec(Files.readAllBytes(baseDer)));

    Tool.Result d = harness.hsmkit(Map.of("HSMKIT_PIN", PIN), "--token", "pcsc", "derive",
        "--mechanism", "ec-derive", "--id", "01", "--offset", OFFSET, "--new-id", "0d",
        "--label", "derived-it");
    assertThat(d.exit()).as(d.describe()).isZero();
    assertThat(d.stdout()).as(d.describe())
        .contains("Derived EC secp256r1 key: key ref 2, id 0d, label \"derived-it\"");
    String out = d.stdout();
    Path pem = temp.resolve("derived.pem");
    Files.writeString(pem, out.substring(out.indexOf("-----BEGIN PUBLIC KEY-----")));
    ECPublicKey printed = (ECPublicKey) KeyFactory.getInstance("EC", bc)
        .generatePublic(new X509EncodedKeySpec(Openssl.pemToDer(pem)));
    X9ECParameters x9 = CustomNamedCurves.getByName("secp256r1");
    ECPoint want = x9.getCurve().createPoint(q.getW().getAffineX(), q.getW().getAffineY())
        .add(x9.getG().multiply(new BigInteger(OFFSET, 16))).normalize();
    assertThat(printed.getW().getAffineX()).isEqualTo(want.getAffineXCoord().toBigInteger());
    assertThat(printed.getW().getAffineY()).isEqualTo(want.getAffineYCoord().toBigInteger());

    Tool.Result dump = OpenSc.ok("pkcs15-tool", "--dump", "--pin", PIN);
    assertThat(OpenSc.dumpBlock(dump.stdout(), "Private EC Key [derived-it]")).as(dump.describe())
        .contains("Key ref        : 2 (0x02)", "ID             : 0d");
    Tool.Result objects = OpenSc.ok(OpenSc.pkcs11Login(PIN));
    assertThat(objects.stdout()).as(objects.describe()).contains("label:      derived-it");

    // the derived public key is in CE02 (a CV request the key signed itself): OpenSC reads it
    Path derivedDer = temp.resolve("derived.der");
    OpenSc.ok(OpenSc.readPublicKey("0d", derivedDer));
    assertThat(Files.readAllBytes(derivedDer)).isEqualTo(Openssl.pemToDer(pem));

    Path data = temp.resolve("data.txt");
    Files.writeString(data, "signed by a derived key\n");
    Path sig = temp.resolve("derived.sig");
    OpenSc.ok(OpenSc.sign(PIN, "ECDSA-SHA256", "0d", data, sig, "--signature-format", "openssl"));
    Openssl.assertDgstVerifies("sha256", pem, sig, data);
    // and not under the base key
    Openssl.assertDgstRejects("sha256", Openssl.derToPem(baseDer), sig, data);
  }
}
