package io.hsmkit.apdu;

import java.io.IOException;

/**
 * The one transport interface: an encoded command APDU in, an encoded response APDU out. Both the
 * in-process card and PC/SC readers implement it; logging, retries and the like are decorators.
 */
public interface ApduTransport extends AutoCloseable {

  byte[] transmit(byte[] command) throws IOException;

  default ResponseApdu transmit(CommandApdu command) throws IOException {
    return ResponseApdu.parse(transmit(command.toBytes()));
  }

  @Override
  default void close() throws IOException {}
}
