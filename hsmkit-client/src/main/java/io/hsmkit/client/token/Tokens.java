package io.hsmkit.client.token;

import io.hsmkit.client.PcscTransport;
import io.hsmkit.client.SmartCardHsmSession;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Opens a token by SPEC: PC/SC readers here, other kinds through a {@link TokenOpener}. */
public final class Tokens {
  /** The one line a program without {@code hsmkit-token} gets for an {@code emulated:} SPEC. */
  public static final String NO_EMULATOR =
      "emulated tokens need hsmkit-token on the classpath (io.hsmkit:hsmkit-token)";

  private Tokens() {}

  /**
   * Opens {@code spec}.
   *
   * @throws IOException with a one-line reason, e.g. {@link #NO_EMULATOR}
   */
  public static OpenToken open(TokenSpec spec, Map<String, String> env) throws IOException {
    if (spec.kind() == TokenSpec.Kind.PCSC) {
      PcscTransport t = PcscTransport.open(spec.value());
      return new Pcsc(new SmartCardHsmSession(t), t);
    }
    return opener(spec.kind()).open(spec, env);
  }

  /**
   * The registered opener of {@code kind}: seen by this class's loader (a plain class path, {@code
   * keytool -providerpath}) or else by the thread's context loader (application servers). An
   * entry that is not an opener of this loader's {@code TokenOpener} (another copy of hsmkit in
   * another loader) is skipped, as is one that cannot be loaded.
   */
  private static TokenOpener opener(TokenSpec.Kind kind) throws IOException {
    ClassLoader own = Tokens.class.getClassLoader();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    for (ClassLoader loader : context == null || context == own
        ? List.of(own) : List.of(own, context)) {
      Iterator<TokenOpener> it = ServiceLoader.load(TokenOpener.class, loader).iterator();
      for (int errors = 0; errors < MAX_BAD_ENTRIES; ) {
        TokenOpener o;
        try {
          if (!it.hasNext()) {
            break;
          }
          o = it.next();
        } catch (ServiceConfigurationError e) {
          errors++;
          continue;
        }
        if (o.kind() == kind) {
          return o;
        }
      }
    }
    throw new IOException(NO_EMULATOR);
  }

  private static final int MAX_BAD_ENTRIES = 16;

  private record Pcsc(SmartCardHsmSession session, PcscTransport transport) implements OpenToken {
    @Override
    public String description() {
      return "reader \"" + transport.readerName() + "\"";
    }

    @Override
    public void close() throws IOException {
      transport.close();
    }
  }
}
