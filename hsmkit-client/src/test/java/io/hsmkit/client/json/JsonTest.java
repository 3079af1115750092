package io.hsmkit.client.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.hsmkit.proptest.Property;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void writeThenParse_roundTrips() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kcv", "2AFA121E8764A1E3");
    m.put("n", 3L);
    m.put("ok", true);
    m.put("none", null);
    m.put("keys", List.of(Map.of("label", "a \"quoted\"\nlabel\u0001"), List.of()));
    assertThat(Json.parse(Json.write(m))).isEqualTo(m);
  }

  @Test
  void parse_rejectsGarbage() {
    assertThatThrownBy(() -> Json.parse("{\"a\": }")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("[1, 2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("{} x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anyString_roundTrips() {
    Property.forAll(
        500,
        gen -> {
          String s = gen.string(80);
          assertThat(Json.parse(Json.write(s))).isEqualTo(s);
        });
  }

  @Test
  void parse_randomText_onlyIllegalArgument() {
    Property.forAll(
        500,
        gen -> {
          try {
            Json.parse(gen.string(80));
          } catch (IllegalArgumentException expected) {
            // clean rejection
          }
        });
  }
}
