package io.hsmkit.proptest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PropertyTest {
  @AfterEach
  void clearProperties() {
    System.clearProperty(Property.SEED);
    System.clearProperty(Property.TRIES);
  }

  @Test
  void forAll_runsEveryCase_withDifferentSeeds() {
    Set<Long> firstValues = new HashSet<>();
    int n = Property.forAll(200, gen -> firstValues.add(gen.nextLong()));
    assertThat(n).isEqualTo(200);
    assertThat(firstValues).hasSize(200);
  }

  @Test
  void failingCase_namesItsSeed_andTheSeedReplaysIt() {
    List<Integer> seen = new ArrayList<>();
    Throwable failure =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                Property.forAll(
                    10_000,
                    gen -> {
                      int v = gen.between(0, 999);
                      seen.add(v);
                      assertThat(v).isNotEqualTo(500);
                    }));
    assertThat(failure).isInstanceOf(AssertionError.class).hasMessageContaining("-Dhsmkit.seed=0x");
    assertThat(failure.getCause()).isInstanceOf(AssertionError.class);
    String seed = failure.getMessage().replaceAll("(?s).*-Dhsmkit.seed=(0x[0-9a-f]+).*", "$1");

    System.setProperty(Property.SEED, seed);
    List<Integer> replayed = new ArrayList<>();
    assertThatThrownBy(() -> Property.forAll(10_000, gen -> {
          int v = gen.between(0, 999);
          replayed.add(v);
          assertThat(v).isNotEqualTo(500);
        }))
        .hasMessageContaining("case 1 of 1");
    assertThat(replayed).containsExactly(500);
  }

  @Test
  void parseSeed_takesEveryPrintedSeed() {
    assertThat(Property.parseSeed("0xffffffffffffffff")).isEqualTo(-1L);
    assertThat(Property.parseSeed("0x8000000000000000")).isEqualTo(Long.MIN_VALUE);
    assertThat(Property.parseSeed("0x0000000000000007")).isEqualTo(7L);
    assertThat(Property.parseSeed("-5")).isEqualTo(-5L);
  }

  @Test
  void tries_defaultUnlessTheSystemPropertyIsSet() {
    assertThat(Property.tries(77)).isEqualTo(77);
    System.setProperty(Property.TRIES, "5");
    assertThat(Property.tries(77)).isEqualTo(5);
    System.setProperty(Property.TRIES, "0");
    assertThatThrownBy(() -> Property.tries(77)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gen_staysInBounds_andReachesTheEdges() {
    Gen gen = new Gen(42);
    Set<Integer> lengths = new HashSet<>();
    boolean sawMin = false;
    boolean sawMax = false;
    BigInteger lo = BigInteger.ONE;
    BigInteger hi = BigInteger.TWO.pow(521).subtract(BigInteger.ONE);
    for (int i = 0; i < 2000; i++) {
      int v = gen.between(-3, 3);
      assertThat(v).isBetween(-3, 3);
      byte[] b = gen.bytes(0, 300);
      assertThat(b.length).isBetween(0, 300);
      lengths.add(b.length);
      BigInteger x = gen.between(lo, hi);
      assertThat(x).isBetween(lo, hi);
      sawMin |= x.equals(lo);
      sawMax |= x.equals(hi);
      assertThat(gen.string(20).length()).isBetween(0, 21); // a surrogate pair may end past 20
    }
    assertThat(lengths).contains(0, 300);
    assertThat(sawMin).isTrue();
    assertThat(sawMax).isTrue();
  }

  @Test
  void sameSeed_sameValues() {
    Gen a = new Gen(7);
    Gen b = new Gen(7);
    assertThat(a.bytes(0, 100)).isEqualTo(b.bytes(0, 100));
    assertThat(a.string(50)).isEqualTo(b.string(50));
    assertThat(a.between(BigInteger.ZERO, BigInteger.TEN.pow(40)))
        .isEqualTo(b.between(BigInteger.ZERO, BigInteger.TEN.pow(40)));
  }
}
