package io.hsmkit.card.cvc;

import io.hsmkit.apdu.TlvWriter;
import java.util.Optional;

/**
 * The authenticated CV request the card answers GENERATE ASYMMETRIC KEY PAIR with
 * (docs/protocol.md#generate):
 *
 * <pre>
 * 67 { 7F21 { 7F4E body, 5F37 inner signature }, 42 outer CAR, 5F37 outer signature }
 * </pre>
 *
 * The inner signature (new key, over the {@code 7F4E} TLV) proves possession; the outer one (the
 * device key, over {@code 7F21 TLV || 42 TLV}) proves the key was made by this device.
 */
public final class AuthenticatedRequest {
  private AuthenticatedRequest() {}

  /**
   * {@code 7F4E { 5F29 cpi, [42 car,] 7F49 ..., 5F20 chr }}: the fields OpenSC decodes, in order.
   * Without a CAR in the command the body has no {@code 42} either, as on the real card
   * (docs/interop.md, "Key generation without a CAR").
   */
  public static byte[] body(
      byte[] cpi, Optional<byte[]> car, byte[] publicKeyTemplate, byte[] chr) {
    return new TlvWriter()
        .nest(
            Cvc.TAG_BODY,
            w -> {
              w.add(Cvc.TAG_CPI, cpi);
              car.ifPresent(c -> w.add(Cvc.TAG_CAR, c));
              w.raw(publicKeyTemplate).add(Cvc.TAG_CHR, chr);
            })
        .toByteArray();
  }

  /** What the outer signature covers: the complete {@code 7F21} TLV, then the {@code 42} TLV. */
  public static byte[] outerSignedData(byte[] cvc, byte[] outerCar) {
    return new TlvWriter().raw(cvc).add(Cvc.TAG_CAR, outerCar).toByteArray();
  }

  /** {@code 67 { cvc, 42 outerCar, 5F37 outerSignature }}. */
  public static byte[] encode(byte[] cvc, byte[] outerCar, byte[] outerSignature) {
    return new TlvWriter()
        .nest(
            Cvc.TAG_AUTHENTICATED_REQUEST,
            w -> w.raw(outerSignedData(cvc, outerCar)).add(Cvc.TAG_SIGNATURE, outerSignature))
        .toByteArray();
  }
}
