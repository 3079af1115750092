package io.hsmkit.card.dispatch;

import io.hsmkit.apdu.StatusWord;

/** What a handler returns: response data and a success status word (9000 or a warning). */
public record Response(byte[] data, StatusWord sw) {
  private static final byte[] EMPTY = new byte[0];
  private static final Response OK = new Response(EMPTY, StatusWord.NO_ERROR);

  public static Response ok() {
    return OK;
  }

  public static Response ok(byte[] data) {
    return new Response(data, StatusWord.NO_ERROR);
  }
}
