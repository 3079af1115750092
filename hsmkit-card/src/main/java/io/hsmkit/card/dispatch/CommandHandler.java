package io.hsmkit.card.dispatch;

import io.hsmkit.apdu.CommandApdu;

/** One card command (one INS). Handlers hold no state: everything comes from the context. */
@FunctionalInterface
public interface CommandHandler {

  Response handle(CommandContext ctx, CommandApdu apdu) throws SwException;
}
