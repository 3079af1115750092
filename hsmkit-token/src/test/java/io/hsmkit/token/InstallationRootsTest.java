package io.hsmkit.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsmkit.card.CardOs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SECURITY.md "Card identity and PKA trust": where an installation's root lives, and who shares it. */
class InstallationRootsTest {
  @TempDir Path temp;

  static byte[] dicaOf(CardOs card) throws Exception {
    byte[] f = card.state().file(0x2F02);
    int n = io.hsmkit.apdu.Tlv.encodedLength(f);
    return Arrays.copyOfRange(f, n, f.length);
  }

  @Test
  void siblingCards_shareTheRoot_otherPlacesDoNot() throws Exception {
    Map<String, String> env = Map.of(CardEnvironments.KDF_ENV, "m=8,t=1,p=1");
    byte[] a;
    byte[] b;
    byte[] c;
    try (CardOs ca = CardEnvironments.openCard(temp.resolve("x/a"), null, env);
        CardOs cb = CardEnvironments.openCard(temp.resolve("x/b"), null, env);
        CardOs cc = CardEnvironments.openCard(temp.resolve("y/c"), null, env)) {
      a = dicaOf(ca);
      b = dicaOf(cb);
      c = dicaOf(cc);
      assertThat(ca.state().trustAnchor()).isEqualTo(cb.state().trustAnchor());
    }
    assertThat(a).isEqualTo(b);
    assertThat(c).isNotEqualTo(a);
    Path root = temp.resolve("x/installation-root");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root)))
        .isEqualTo("rw-------");

    // an explicit root file joins a card elsewhere to the installation
    Map<String, String> shared = Map.of(CardEnvironments.KDF_ENV, "m=8,t=1,p=1",
        InstallationRoots.ENV, root.toString());
    try (CardOs cd = CardEnvironments.openCard(temp.resolve("z/d"), null, shared)) {
      assertThat(dicaOf(cd)).isEqualTo(a);
    }
    // an existing card keeps its chain whatever root is given later
    try (CardOs again = CardEnvironments.openCard(temp.resolve("y/c"), null, shared)) {
      assertThat(dicaOf(again)).isEqualTo(c);
    }
  }

  @Test
  void damagedRootFile_isAClearError() throws Exception {
    Files.createDirectories(temp.resolve("w"));
    Files.write(temp.resolve("w/installation-root"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> CardEnvironments.openCard(temp.resolve("w/a"), null, Map.of()))
        .isInstanceOf(TokenException.class)
        .hasMessageContaining("installation root");
  }
}
