package io.hsmkit.card.dispatch;

import java.util.Map;
import java.util.Optional;

/** INS to handler. Immutable; built once per card OS. */
public final class CommandTable {
  private final CommandHandler[] handlers = new CommandHandler[256];

  private CommandTable(Map<Integer, CommandHandler> entries) {
    entries.forEach((ins, h) -> handlers[ins] = h);
  }

  public static CommandTable of(Map<Integer, CommandHandler> entries) {
    return new CommandTable(entries);
  }

  public Optional<CommandHandler> lookup(int ins) {
    return Optional.ofNullable(handlers[ins & 0xFF]);
  }
}
