package io.hsmkit.client;

import io.hsmkit.apdu.ApduTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.TerminalFactory;

/**
 * A card in a PC/SC reader through {@code javax.smartcardio} (a real Nitrokey HSM 2, or the
 * emulator served into pcscd by {@code hsmkit serve}). The card is held exclusively for the life
 * of the transport so no other process can end the login between two commands.
 */
public final class PcscTransport implements ApduTransport {
  /** The JDK looks for {@code libpcsclite.so} where Debian does not put it (multiarch). */
  static final String LIBRARY_PROPERTY = "sun.security.smartcardio.library";

  private static final List<String> LIBRARY_CANDIDATES =
      List.of(
          "/usr/lib/x86_64-linux-gnu/libpcsclite.so.1",
          "/usr/lib/aarch64-linux-gnu/libpcsclite.so.1",
          "/usr/lib64/libpcsclite.so.1",
          "/usr/lib/libpcsclite.so.1",
          "/usr/local/lib/libpcsclite.so.1",
          "/System/Library/Frameworks/PCSC.framework/PCSC");

  private final Card card;
  private final CardChannel channel;
  private final String readerName;

  private PcscTransport(Card card, String readerName) {
    this.card = card;
    this.channel = card.getBasicChannel();
    this.readerName = readerName;
  }

  /**
   * Connects to the first reader with a card whose name contains {@code readerFilter} (any reader
   * when it is null or empty).
   */
  public static PcscTransport open(String readerFilter) throws IOException {
    configureLibrary();
    try {
      TerminalFactory factory = TerminalFactory.getDefault();
      List<CardTerminal> terminals = factory.terminals().list();
      for (CardTerminal t : terminals) {
        boolean matches =
            readerFilter == null || readerFilter.isEmpty() || t.getName().contains(readerFilter);
        if (matches && t.isCardPresent()) {
          Card c = t.connect("*");
          c.beginExclusive();
          return new PcscTransport(c, t.getName());
        }
      }
      throw new IOException(
          readerFilter == null || readerFilter.isEmpty()
              ? "no PC/SC reader with a card (readers: " + names(terminals) + ")"
              : "no PC/SC reader with a card matches \"" + readerFilter + "\" (readers: "
                  + names(terminals) + ")");
    } catch (CardException e) {
      throw new IOException("PC/SC: " + rootMessage(e) + " (is pcscd running?)", e);
    }
  }

  /** Lists the PC/SC readers and whether a card is present. */
  public static List<String> readers() throws IOException {
    configureLibrary();
    try {
      return TerminalFactory.getDefault().terminals().list().stream()
          .map(t -> {
            try {
              return t.getName() + (t.isCardPresent() ? " (card present)" : " (empty)");
            } catch (CardException e) {
              return t.getName() + " (" + rootMessage(e) + ")";
            }
          })
          .toList();
    } catch (CardException e) {
      throw new IOException("PC/SC: " + rootMessage(e) + " (is pcscd running?)", e);
    }
  }

  /**
   * Points the JDK at the system's libpcsclite when the property is not set yet (Debian and
   * Ubuntu install it under a multiarch directory the JDK does not search).
   */
  public static void configureLibrary() {
    if (System.getProperty(LIBRARY_PROPERTY) != null) {
      return;
    }
    for (String candidate : LIBRARY_CANDIDATES) {
      if (Files.exists(Path.of(candidate))) {
        System.setProperty(LIBRARY_PROPERTY, candidate);
        return;
      }
    }
  }

  public String readerName() {
    return readerName;
  }

  @Override
  public byte[] transmit(byte[] command) throws IOException {
    try {
      return channel.transmit(new CommandAPDU(command)).getBytes();
    } catch (CardException | IllegalArgumentException e) {
      throw new IOException("PC/SC transmit failed: " + rootMessage(e), e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      card.endExclusive();
    } catch (CardException | IllegalStateException ignored) {
      // the card may be gone already
    }
    try {
      card.disconnect(false);
    } catch (CardException e) {
      throw new IOException("PC/SC disconnect failed: " + rootMessage(e), e);
    }
  }

  private static String names(List<CardTerminal> terminals) {
    return terminals.isEmpty()
        ? "none"
        : String.join(", ", terminals.stream().map(CardTerminal::getName).toList());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
