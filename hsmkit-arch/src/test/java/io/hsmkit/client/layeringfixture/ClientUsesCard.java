package io.hsmkit.client.layeringfixture;

import io.hsmkit.card.CardOs;

/** Forbidden on purpose (LayeringTest): the client talks to any card through APDUs only. */
public class ClientUsesCard {
  CardOs card;
}
