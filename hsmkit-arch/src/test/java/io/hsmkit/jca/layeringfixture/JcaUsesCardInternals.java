package io.hsmkit.jca.layeringfixture;

import io.hsmkit.card.dispatch.CommandContext;

/** Forbidden on purpose (LayeringTest): the card's internals are no other module's business. */
public class JcaUsesCardInternals {
  CommandContext context;
}
