package io.hsmkit.card.dispatch;

import io.hsmkit.apdu.Ins;
import java.util.Map;
import java.util.Optional;

/** Handler by INS ({@link Ins}, the shared table). Immutable; built once per card OS. */
public final class CommandTable {
  private final CommandHandler[] handlers = new CommandHandler[256];

  private CommandTable(Map<Ins, CommandHandler> entries) {
    entries.forEach((ins, h) -> handlers[ins.code()] = h);
  }

  public static CommandTable of(Map<Ins, CommandHandler> entries) {
    return new CommandTable(entries);
  }

  public Optional<CommandHandler> lookup(int ins) {
    return Optional.ofNullable(handlers[ins & 0xFF]);
  }
}
