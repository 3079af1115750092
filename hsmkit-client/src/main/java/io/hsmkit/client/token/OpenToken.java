package io.hsmkit.client.token;

import io.hsmkit.client.SmartCardHsmSession;
import java.io.IOException;

/** A session on an open token; closing it releases the card (and an emulated card's state lock). */
public interface OpenToken extends AutoCloseable {
  SmartCardHsmSession session();

  /** Where the token is, for messages: the state directory or the reader name; never a secret. */
  String description();

  @Override
  void close() throws IOException;
}
