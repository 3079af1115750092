package io.hsmkit.client.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenSpecTest {

  @Test
  void parse_allForms() {
    assertThat(TokenSpec.parse("emulated:/tmp/x")).isEqualTo(new TokenSpec(TokenSpec.Kind.EMULATED, "/tmp/x"));
    assertThat(TokenSpec.parse("pcsc")).isEqualTo(new TokenSpec(TokenSpec.Kind.PCSC, ""));
    assertThat(TokenSpec.parse("pcsc:Virtual PCD 00 01").value()).isEqualTo("Virtual PCD 00 01");
    assertThatThrownBy(() -> TokenSpec.parse("emulated:")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenSpec.parse("usb")).hasMessageContaining("emulated:DIR");
  }

  @Test
  void default_prefersHsmkitToken_thenHome_thenUserHome() {
    assertThat(TokenSpec.defaultFrom(Map.of("HSMKIT_TOKEN", "pcsc:Nitrokey")).toString()).isEqualTo("pcsc:Nitrokey");
    assertThat(TokenSpec.defaultFrom(Map.of("HSMKIT_HOME", "/srv/h")))
        .isEqualTo(new TokenSpec(TokenSpec.Kind.EMULATED, Path.of("/srv/h", "token").toString()));
    assertThat(TokenSpec.defaultFrom(Map.of()).value())
        .isEqualTo(Path.of(System.getProperty("user.home"), ".hsmkit", "token").toString());
  }
}
