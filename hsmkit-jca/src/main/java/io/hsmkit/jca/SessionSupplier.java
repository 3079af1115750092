package io.hsmkit.jca;

import io.hsmkit.client.SmartCardHsmSession;
import java.io.IOException;

/**
 * Opens the card session a {@link SmartCardHsmProvider} works on. The provider calls it once, on
 * first use, and keeps the session until {@link SmartCardHsmProvider#close()} or a transport
 * failure; it selects the applet itself. This is the seam for an in-memory card in tests and for
 * callers that manage their own transport (a plain functional interface, not a
 * callback chain).
 */
@FunctionalInterface
public interface SessionSupplier {

  /** A new session; closing it releases the card. */
  SmartCardHsmSession open() throws IOException;
}
