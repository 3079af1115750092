package io.hsmkit.card.cvc;

import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A CV certificate taken apart for verification (docs/protocol.md#pka): the {@code 7F4E} body as
 * it was signed, its CAR, CHR, public key template and dates, and the signature.
 *
 * @param signedBody the complete {@code 7F4E} TLV, which the signature covers
 * @param expires the expiration date ({@code 5F24}), empty in a request
 */
public record ParsedCvc(byte[] signedBody, List<Tlv> body, Optional<String> car, String chr,
    Optional<LocalDate> expires, byte[] signature) {

  /** From the contents of a {@code 7F21} (body and signature, no {@code 7F21} header). */
  public static ParsedCvc ofContents(byte[] contents) throws TlvException {
    List<Tlv> parts = Tlv.parseAll(contents);
    if (parts.size() != 2 || parts.get(0).tag() != Tags.Cvc.BODY
        || parts.get(1).tag() != Tags.Cvc.SIGNATURE) {
      throw new TlvException("a CVC is 7F4E then 5F37");
    }
    List<Tlv> body = parts.get(0).children();
    Optional<String> car = Tlv.find(body, Tags.Cvc.CAR).map(t -> ascii(t.value()));
    String chr = Tlv.find(body, Tags.Cvc.CHR).map(t -> ascii(t.value()))
        .orElseThrow(() -> new TlvException("CVC without CHR"));
    Optional<LocalDate> expires = Optional.empty();
    Optional<Tlv> exp = Tlv.find(body, Tags.Cvc.EXPIRATION_DATE);
    if (exp.isPresent()) {
      expires = Optional.of(date(exp.get().value()));
    }
    return new ParsedCvc(parts.get(0).encode(), body, car, chr, expires, parts.get(1).value());
  }

  /** From a whole {@code 7F21} TLV. */
  public static ParsedCvc of(byte[] cvcTlv) throws TlvException {
    Tlv cvc = Tlv.parseFirst(cvcTlv);
    if (cvc.tag() != Tags.Cvc.CVC) {
      throw new TlvException("not a CVC");
    }
    return ofContents(cvc.value());
  }

  private static LocalDate date(byte[] d) throws TlvException {
    if (d.length != 6) {
      throw new TlvException("bad CVC date");
    }
    for (byte b : d) {
      if (b < 0 || b > 9) {
        throw new TlvException("bad CVC date");
      }
    }
    try {
      return LocalDate.of(2000 + d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
    } catch (DateTimeException e) {
      throw new TlvException("bad CVC date");
    }
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
