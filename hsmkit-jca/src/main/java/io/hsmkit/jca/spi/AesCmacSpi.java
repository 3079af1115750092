package io.hsmkit.jca.spi;

import io.hsmkit.client.HsmException;
import io.hsmkit.client.keys.KeyInfo;
import io.hsmkit.client.keys.KeyOperations;
import io.hsmkit.jca.CardLink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.ProviderException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.MacSpi;

/**
 * {@code AESCMAC} (NIST SP 800-38B, the full 16-byte tag) with an AES key of the card: CIPHER
 * {@code 80 78 <ref> 18} (docs/protocol.md#cipher). The card MACs one command's data, so the
 * message is collected here and sent at {@code doFinal}; messages longer than {@link
 * KeyOperations#CMAC_MAX} bytes are refused with a {@link ProviderException} at the update that
 * passes the limit.
 */
public final class AesCmacSpi extends MacSpi {
  private final CardLink link;
  private final ByteArrayOutputStream message = new ByteArrayOutputStream();
  private KeyInfo key;

  public AesCmacSpi(CardLink link) {
    this.link = link;
  }

  @Override
  protected int engineGetMacLength() {
    return 16;
  }

  @Override
  protected void engineInit(Key k, AlgorithmParameterSpec params)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (params != null) {
      throw new InvalidAlgorithmParameterException("AES-CMAC takes no parameters");
    }
    key = link.requireAesKey(k, "AES-CMAC");
    engineReset();
  }

  @Override
  protected void engineUpdate(byte input) {
    engineUpdate(new byte[] {input}, 0, 1);
  }

  @Override
  protected void engineUpdate(byte[] input, int off, int len) {
    if (key == null) {
      throw new IllegalStateException("not initialized");
    }
    if (message.size() + len > KeyOperations.CMAC_MAX) {
      throw new ProviderException("the card MACs at most " + KeyOperations.CMAC_MAX
          + " bytes in one command; this message would have " + (message.size() + len));
    }
    message.write(input, off, len);
  }

  @Override
  protected byte[] engineDoFinal() {
    if (key == null) {
      throw new IllegalStateException("not initialized");
    }
    byte[] m = message.toByteArray();
    KeyInfo k = key;
    try {
      return link.call("compute an AES-CMAC", s -> new KeyOperations(s).cmacAes(k, m));
    } catch (HsmException e) {
      throw JcaErrors.card(e);
    } catch (IOException e) {
      throw JcaErrors.transport(e);
    } finally {
      Arrays.fill(m, (byte) 0);
      engineReset();
    }
  }

  /** Drops the collected message (and overwrites the buffer's copy). */
  @Override
  protected void engineReset() {
    int n = message.size();
    message.reset();
    message.write(new byte[n], 0, n);
    message.reset();
  }
}
