/**
 * The JCA provider {@code SmartCardHSM}: {@link io.hsmkit.jca.SmartCardHsmProvider}, the key
 * handles it hands out ({@link io.hsmkit.jca.HsmPrivateKey}) and the parameters of key generation
 * on the card ({@link io.hsmkit.jca.HsmKeyGenParameterSpec}).
 */
package io.hsmkit.jca;
