package io.hsmkit.apdu.layeringfixture;

import io.hsmkit.client.SmartCardHsmSession;

/** Forbidden on purpose (LayeringTest): the codec depends on nothing of ours. */
public class ApduUsesClient {
  SmartCardHsmSession session;
}
