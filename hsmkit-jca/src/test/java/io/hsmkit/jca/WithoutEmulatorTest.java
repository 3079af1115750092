package io.hsmkit.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider as an application for real devices has it: this module's test class path without
 * hsmkit-token and hsmkit-card (the compile class path has neither; tests add them).
 */
class WithoutEmulatorTest {
  @Test
  void emulatedTokenFailsInOneLineAndNothingOfTheCardIsNeeded(@TempDir Path dir) throws Exception {
    List<URL> urls = new ArrayList<>();
    int dropped = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("hsmkit-token") || entry.contains("hsmkit-card")) {
        dropped++;
      } else {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    assertThat(dropped).isEqualTo(2);
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> loader.loadClass("io.hsmkit.card.CardOs"))
          .isInstanceOf(ClassNotFoundException.class);
      Provider p = (Provider) loader.loadClass(SmartCardHsmProvider.class.getName())
          .getConstructor(String.class)
          .newInstance("emulated:" + dir);
      assertThat(p.getService("Signature", "SHA256withECDSA")).isNotNull();
      KeyStore ks = KeyStore.getInstance(SmartCardHsmProvider.NAME, p);
      assertThatThrownBy(() -> ks.load(null, "648219".toCharArray()))
          .hasStackTraceContaining(
              "emulated tokens need hsmkit-token on the classpath (io.hsmkit:hsmkit-token)");
    }
  }
}
