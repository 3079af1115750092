package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.KeyRecord;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.jce.spec.ECNamedCurveSpec;

/**
 * DERIVE EC KEY (80 76 srcId dstId, data {@code 98 offset}), docs/protocol.md#derive-ec: CardContact's
 * CKM_SC_HSM_EC_DERIVE. The new private key is {@code (d + offset) mod n}, stored at {@code dstId}
 * sealed like any key; the answer is {@code 9000} without data (the host writes the key's
 * description, as for a generated key).
 *
 * <ol>
 *   <li>Initialized card ({@code 6A88}) and verified user PIN ({@code 6982}).
 *   <li>{@code dstId} 1..255 and not in use, else {@code 6A86} / {@code 6A89}: a derivation never
 *       overwrites a key.
 *   <li>The source exists ({@code 6A88}), is an EC key other than the device key, and a non-empty
 *       algorithm list of it holds {@code 98}, else {@code 6985}.
 *   <li>Data: {@code 98} then a big-endian offset of 1..field-length bytes with {@code 0 < offset
 *       < n}, and a result other than zero, else {@code 6A80}.
 * </ol>
 */
final class DeriveEcKeyCommand implements CommandHandler {
  /** The algorithm id of EC derivation in a key's algorithm list and in the command's data. */
  static final int ALGO_EC_DERIVE = 0x98;

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    ctx.requireInitialized();
    ctx.requireUserPin();
    int dstId = apdu.p2();
    if (dstId == 0) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    KeyRecord source = ctx.state().key(apdu.p1());
    if (source == null) {
      throw new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND);
    }
    if (apdu.p1() == 0
        || source.type() != KeyRecord.KeyType.EC
        || (source.algorithms().length > 0 && !source.allows(ALGO_EC_DERIVE))) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    if (ctx.state().key(dstId) != null) {
      throw new SwException(StatusWord.FILE_ALREADY_EXISTS);
    }
    Curve curve =
        Curve.byName(source.curve())
            .orElseThrow(() -> new IllegalStateException("stored key of unknown curve"));
    BigInteger n = curve.spec().getOrder();
    byte[] data = apdu.data();
    if (data.length < 2 || data.length > 1 + curve.fieldBytes() || (data[0] & 0xFF) != ALGO_EC_DERIVE) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    BigInteger offset = new BigInteger(1, Arrays.copyOfRange(data, 1, data.length));
    if (offset.signum() == 0 || offset.compareTo(n) >= 0) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    BigInteger d = ((ECPrivateKey) ctx.prepared(source).privateKey()).getS();
    BigInteger derived = d.add(offset).mod(n);
    if (derived.signum() == 0) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    ctx.edit().putKey(ctx.seal(record(dstId, source, curve, derived)));
    ctx.edit().setKeyDomain(dstId, ctx.state().keyDomain(source.id())); // the source's domain
    ctx.edit().deleteFile((FileIds.EE_CERT_PREFIX << 8) | dstId);
    return Response.ok(new byte[0]);
  }

  private static KeyRecord record(int id, KeyRecord source, Curve curve, BigInteger d) {
    try {
      KeyFactory kf = KeyFactory.getInstance("EC", CardCrypto.bouncyCastle());
      var x9 = curve.x9();
      // A named spec, so that both encodings carry the curve's OID as generated keys do.
      var spec =
          new ECNamedCurveSpec(
              curve.oid().getId(), x9.getCurve(), x9.getG(), x9.getN(), x9.getH(), x9.getSeed());
      var q = x9.getG().multiply(d).normalize();
      var w =
          new java.security.spec.ECPoint(
              q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
      byte[] pkcs8 = kf.generatePrivate(new ECPrivateKeySpec(d, spec)).getEncoded();
      byte[] spki = kf.generatePublic(new ECPublicKeySpec(w, spec)).getEncoded();
      try {
        return new KeyRecord(
            id, KeyRecord.KeyType.EC, source.sizeBits(), source.curve(), pkcs8, spki,
            source.algorithms());
      } finally {
        Arrays.fill(pkcs8, (byte) 0);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC key encoding failed for " + curve.curveName(), e);
    }
  }
}
