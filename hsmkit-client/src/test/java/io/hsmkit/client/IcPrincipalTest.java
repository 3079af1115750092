package io.hsmkit.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class IcPrincipalTest {

  @Test
  void toText_specificationExamples() {
    assertThat(IcPrincipal.toText(new byte[0])).isEqualTo("aaaaa-aa");
    assertThat(IcPrincipal.toText(new byte[] {0x04})).isEqualTo("2vxsx-fae");
    // the management canister and a canister id from the IC interface specification
    assertThat(IcPrincipal.toText(HexFormat.of().parseHex("00000000000000010101")))
        .isEqualTo("rrkah-fqaaa-aaaaa-aaaaq-cai");
  }

  @Test
  void base32_rfc4648Vectors_lowerCaseWithoutPadding() {
    assertThat(IcPrincipal.base32("f".getBytes())).isEqualTo("my");
    assertThat(IcPrincipal.base32("fo".getBytes())).isEqualTo("mzxq");
    assertThat(IcPrincipal.base32("foobar".getBytes())).isEqualTo("mzxw6ytboi");
  }

  @Test
  void ofPublicKey_isSha224PlusSuffixInText_63CharactersLikeDfx() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    byte[] spki = g.generateKeyPair().getPublic().getEncoded();
    String text = IcPrincipal.ofPublicKey(spki);
    // 29 bytes + 4 CRC bytes = 33 bytes = 53 base32 chars, 10 dashes: the runbook's form
    assertThat(text).hasSize(63).matches("([a-z2-7]{5}-){10}[a-z2-7]{3}");
    byte[] p = IcPrincipal.selfAuthenticating(spki);
    assertThat(p).hasSize(29);
    assertThat(p[28]).isEqualTo((byte) 2);
    byte[] sha224 = java.security.MessageDigest.getInstance("SHA-224").digest(spki);
    assertThat(java.util.Arrays.copyOf(p, 28)).isEqualTo(sha224);
  }
}
