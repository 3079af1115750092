package io.hsmkit.card.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.CurveName;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.junit.jupiter.api.Test;

class CurveTest {
  @Test
  void everyTableNameHasItsCurveWithBouncyCastlesParameters() {
    for (CurveName n : CurveName.all()) {
      Curve c = Curve.of(n).orElseThrow();
      assertThat(c.curveName()).isEqualTo(n.canonical());
      assertThat(c.prime())
          .isEqualTo(ECNamedCurveTable.getByName(n.canonical()).getCurve().getField()
              .getCharacteristic());
      assertThat(Curve.byPrime(c.primeBytes())).contains(c);
      assertThat(Curve.byOid(c.oid())).contains(c);
    }
    assertThat(Curve.all()).hasSameSizeAs(CurveName.all());
  }

  @Test
  void aliasesReachTheCard() {
    assertThat(Curve.byName("prime256v1")).contains(Curve.SECP256R1);
    assertThat(Curve.byName("P-521")).contains(Curve.SECP521R1);
    assertThat(Curve.byName("secp224r1")).isEmpty();
  }
}
