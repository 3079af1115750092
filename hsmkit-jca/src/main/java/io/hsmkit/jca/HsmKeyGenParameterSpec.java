package io.hsmkit.jca;

import java.security.spec.AlgorithmParameterSpec;

/**
 * Key generation on the card with the PKCS#15 label and id OpenSC shows ({@code pkcs11-tool -O}):
 * the label becomes the KeyStore alias.
 *
 * @param label the key label, or null/empty for none (the alias then is the hex id)
 * @param id the PKCS#11 id, or null for OpenSC's default (SHA-1 of the modulus or of the EC
 *     point's X coordinate)
 * @param keySpec the key parameters: {@link java.security.spec.ECGenParameterSpec} for EC, {@link
 *     java.security.spec.RSAKeyGenParameterSpec} for RSA, or null for the generator's default
 */
public record HsmKeyGenParameterSpec(String label, byte[] id, AlgorithmParameterSpec keySpec)
    implements AlgorithmParameterSpec {

  public HsmKeyGenParameterSpec {
    id = id == null ? null : id.clone();
  }

  @Override
  public byte[] id() {
    return id == null ? null : id.clone();
  }
}
