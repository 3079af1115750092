package io.hsmkit.apdu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CurveNameTest {
  @Test
  void aliasesOperatorsTypeResolveToTheTableName() {
    assertThat(CurveName.byName("prime256v1")).contains(CurveName.SECP256R1);
    assertThat(CurveName.byName("P-256")).contains(CurveName.SECP256R1);
    assertThat(CurveName.byName("nistp384")).contains(CurveName.SECP384R1);
    assertThat(CurveName.byName("prime192v1")).contains(CurveName.SECP192R1);
    assertThat(CurveName.byName("BRAINPOOLP320R1")).contains(CurveName.BRAINPOOLP320R1);
    assertThat(CurveName.byName(" secp256k1 ")).contains(CurveName.SECP256K1);
  }

  @Test
  void curvesOutsideOpenScsTableAreUnknown() {
    assertThat(CurveName.byName("secp224r1")).isEmpty();
    assertThat(CurveName.byName("ed25519")).isEmpty();
    assertThat(CurveName.byName("")).isEmpty();
  }

  @Test
  void tableHasOpenScsTwelveCurvesInOrder() {
    assertThat(CurveName.all()).hasSize(12);
    assertThat(CurveName.all().get(0).canonical()).isEqualTo("secp192r1");
    assertThat(CurveName.all().get(11).canonical()).isEqualTo("secp256k1");
  }
}
