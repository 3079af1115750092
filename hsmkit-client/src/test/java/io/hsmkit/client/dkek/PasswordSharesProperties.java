package io.hsmkit.client.dkek;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PasswordSharesProperties {

  @Property(tries = 200)
  void anyThresholdShares_recombineThePassword_fewerDoNot(
      @ForAll @IntRange(min = 2, max = 5) int threshold, @ForAll @IntRange(min = 0, max = 3) int extra,
      @ForAll long seed) {
    int total = Math.max(3, threshold + extra);
    SecureRandom rnd = new SecureRandom(BigInteger.valueOf(seed).toByteArray());
    PasswordShares.Split s = PasswordShares.split(threshold, total, rnd);
    assertThat(s.prime().bitLength()).isEqualTo(64);
    assertThat(s.password().length).isLessThanOrEqualTo(8);
    assertThat(new BigInteger(1, s.password())).isLessThan(BigInteger.ONE.shiftLeft(63));
    List<PasswordShares.Share> shares = new ArrayList<>(s.shares());
    Collections.shuffle(shares, new java.util.Random(seed));
    assertThat(PasswordShares.combine(s.prime(), shares.subList(0, threshold))).isEqualTo(s.password());
    assertThat(PasswordShares.combine(s.prime(), shares.subList(0, threshold - 1)))
        .isNotEqualTo(s.password());
  }

  @Property(tries = 300)
  void format_parse_roundTrip(@ForAll long v) {
    BigInteger b = BigInteger.valueOf(v).abs();
    assertThat(PasswordShares.parse(PasswordShares.format(b))).isEqualTo(b);
  }

  @Test
  void format_isScHsmToolStyle() {
    assertThat(PasswordShares.format(new BigInteger("f34a189de5197cfb", 16))).isEqualTo("f3:4a:18:9d:e5:19:7c:fb");
  }
}
