package io.hsmkit.card.layeringfixture;

import io.hsmkit.bridge.VpcdClient;

/** Forbidden on purpose (LayeringTest): the card never depends on host code. */
public class CardUsesBridge {
  VpcdClient client;
}
