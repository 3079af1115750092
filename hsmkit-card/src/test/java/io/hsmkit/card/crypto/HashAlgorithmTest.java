package io.hsmkit.card.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DigestInfo handling for SIGN algorithms 30 and 40 (docs/protocol.md#sign). */
class HashAlgorithmTest {
  private static final byte[] HASH32 = new byte[32];

  @ParameterizedTest
  @EnumSource(HashAlgorithm.class)
  void parseDigestInfo_ownEncoding_returnsAlgorithmAndHash(HashAlgorithm h) {
    byte[] hash = h.digest("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    var parsed = HashAlgorithm.parseDigestInfo(h.digestInfo(hash));

    assertThat(parsed).isPresent();
    assertThat(parsed.get().algorithm()).isEqualTo(h);
    assertThat(parsed.get().hash()).isEqualTo(hash);
  }

  @Test
  void digestInfo_sha256_isThePkcs1Prefix() {
    // The 19-byte prefix of RFC 8017 §9.2 note 1 (also pico-hsm's hdr_sha256).
    assertThat(HexFormat.of().formatHex(HashAlgorithm.SHA256.digestInfo(HASH32)))
        .startsWith("3031300d060960864801650304020105000420");
  }

  @Test
  void parseDigestInfo_withoutNullParameters_isAccepted() {
    byte[] noNull = HexFormat.of().parseHex("302f300b0609608648016503040201" + "0420"
        + "00".repeat(32));

    assertThat(HashAlgorithm.parseDigestInfo(noNull)).isPresent();
  }

  @Test
  void parseDigestInfo_trailingByte_isEmpty() {
    byte[] di = HashAlgorithm.SHA256.digestInfo(HASH32);

    assertThat(HashAlgorithm.parseDigestInfo(Arrays.copyOf(di, di.length + 1))).isEmpty();
  }

  @Test
  void parseDigestInfo_hashLengthNotMatchingOid_isEmpty() {
    assertThat(HashAlgorithm.parseDigestInfo(HashAlgorithm.SHA1.digestInfo(HASH32))).isEmpty();
  }

  @Test
  void parseDigestInfo_bareHashOrGarbage_isEmpty() {
    byte[] looksLikeSequence = new byte[32];
    looksLikeSequence[0] = 0x30;
    looksLikeSequence[1] = 0x1E;

    assertThat(HashAlgorithm.parseDigestInfo(HASH32)).isEmpty();
    assertThat(HashAlgorithm.parseDigestInfo(looksLikeSequence)).isEmpty();
    assertThat(HashAlgorithm.parseDigestInfo(new byte[] {0x30})).isEmpty();
  }

  @Test
  void byLength_knownAndUnknownLengths() {
    assertThat(HashAlgorithm.byLength(20)).contains(HashAlgorithm.SHA1);
    assertThat(HashAlgorithm.byLength(48)).contains(HashAlgorithm.SHA384);
    assertThat(HashAlgorithm.byLength(33)).isEmpty();
  }
}
