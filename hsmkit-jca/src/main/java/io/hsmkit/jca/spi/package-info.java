/**
 * The engines behind {@link io.hsmkit.jca.SmartCardHsmProvider}. Reach them through the JCA
 * ({@code Signature.getInstance(alg, provider)} …); they are public only because the provider
 * constructs them from another package.
 */
package io.hsmkit.jca.spi;
