package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.TaAlgorithm;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.cvc.AuthenticatedRequest;
import io.hsmkit.card.cvc.Cvc;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.KeyRecord;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;

/**
 * GENERATE ASYMMETRIC KEY PAIR (00 46 keyId signerId), docs/protocol.md#generate.
 *
 * <ol>
 *   <li>Initialized card ({@code 6A88}) and verified user PIN ({@code 6982}).
 *   <li>P1 is the new key's id, 1..255; 0 would replace the device key and is {@code 6A86}. P2
 *       names the key for the outer signature (0 = device key); it must exist ({@code 6A88}) and
 *       differ from P1 ({@code 6A86}).
 *   <li>Parse the request ({@link KeyPairRequest}) and generate the key.
 *   <li>Answer the authenticated request {@code 67} (docs/protocol.md#traps trap 8): CPI, CAR (when given) and CHR
 *       echoed, the full public key template, inner signature by the new key, outer CAR = the
 *       signer's CHR (device CHR from 2F02 for P2 = 0) unless the request gave {@code 45}, outer
 *       signature by the signer. With a 256-bit device key an RSA-4096 answer stays under
 *       OpenSC's 1200 bytes.
 *   <li>Store the key and, like the real card, the answer in EF {@code CE<id>} (OpenSC rewrites
 *       it).
 * </ol>
 *
 * <p>An id already in use is <em>overwritten</em>, not refused with 6A89 (which the protocol notes
 * only infer): CardContact's own key store regenerates a key under the id of an existing key with
 * the same label ({@code HSMKeyStore.generateRSAKeyPair}), pico-hsm overwrites, and OpenSC only
 * ever targets free ids, so overwriting is the behaviour every known client expects.
 */
final class GenerateAsymmetricKeyPairCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    ctx.requireInitialized();
    ctx.requireUserPin();
    int keyId = apdu.p1();
    int signerId = apdu.p2();
    if (keyId == 0 || signerId == keyId) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    KeyRecord signer = ctx.state().key(signerId);
    if (signer == null) {
      throw new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND);
    }
    if (!KeyUse.asymmetric(signer)) {
      throw new SwException(StatusWord.CONDITIONS_OF_USE_NOT_SATISFIED);
    }
    KeyPairRequest request = KeyPairRequest.parse(apdu.data());
    ManageKeyDomainCommand.requireDomain(ctx.state(), request.domain());
    byte[] outerCar = outerCar(ctx, request, signerId);

    CardCrypto crypto = ctx.crypto();
    KeyPair pair;
    KeyRecord record;
    byte[] oid;
    if (request.spec() instanceof KeyPairRequest.Rsa rsa) {
      pair = crypto.generateRsa(rsa.bits());
      oid = TaAlgorithm.RSA_V1_5_SHA_256.der();
      int bits = ((RSAPublicKey) pair.getPublic()).getModulus().bitLength();
      record = record(keyId, KeyRecord.KeyType.RSA, bits, "", pair, request);
    } else {
      var curve = ((KeyPairRequest.Ec) request.spec()).curve();
      pair = crypto.generateEc(curve);
      oid = TaAlgorithm.ECDSA_SHA_256.der();
      record =
          record(keyId, KeyRecord.KeyType.EC, curve.fieldBits(), curve.curveName(), pair, request);
    }

    byte[] body =
        AuthenticatedRequest.body(
            request.cpi(), request.car(), Cvc.publicKeyTemplate(pair.getPublic(), oid),
            request.chr());
    byte[] cvc = Cvc.certificate(body, crypto.signForCvc(pair.getPrivate(), body));
    byte[] outerSignature =
        crypto.signForCvc(
            ctx.prepared(signer).privateKey(), AuthenticatedRequest.outerSignedData(cvc, outerCar));
    byte[] response = AuthenticatedRequest.encode(cvc, outerCar, outerSignature);

    ctx.edit().putKey(ctx.seal(record));
    ctx.edit().setKeyDomain(keyId, request.domain());
    ctx.edit().putFile((FileIds.EE_CERT_PREFIX << 8) | keyId, response);
    return Response.ok(response);
  }

  private static KeyRecord record(
      int id, KeyRecord.KeyType type, int bits, String curve, KeyPair pair,
      KeyPairRequest request) {
    return new KeyRecord(
        id, type, bits, curve, pair.getPrivate().getEncoded(), pair.getPublic().getEncoded(),
        request.algorithms());
  }

  /**
   * The outer CAR names the key that made the outer signature: tag 45 of the request if given,
   * else the device CHR (P2 = 0), else the CHR in the signer's own request or certificate in
   * {@code CE<P2>}. A signer without either cannot be named: {@code 6A80}.
   */
  private static byte[] outerCar(CommandContext ctx, KeyPairRequest request, int signerId)
      throws SwException {
    if (request.outerCar().isPresent()) {
      return request.outerCar().get();
    }
    if (signerId == 0) {
      return ctx.deviceChr().getBytes(StandardCharsets.US_ASCII);
    }
    byte[] ce = ctx.state().file((FileIds.EE_CERT_PREFIX << 8) | signerId);
    return holderReference(ce).orElseThrow(() -> new SwException(StatusWord.WRONG_DATA));
  }

  /** The CHR of a {@code 67} request or {@code 7F21} certificate; empty for anything else. */
  private static Optional<byte[]> holderReference(byte[] file) {
    if (file == null || file.length == 0) {
      return Optional.empty();
    }
    try {
      Tlv t = Tlv.parseFirst(file);
      if (t.tag() == Cvc.TAG_AUTHENTICATED_REQUEST) {
        Optional<Tlv> inner = Tlv.find(t.children(), Cvc.TAG_CVC);
        if (inner.isEmpty()) {
          return Optional.empty();
        }
        t = inner.get();
      }
      if (t.tag() != Cvc.TAG_CVC) {
        return Optional.empty();
      }
      Optional<Tlv> body = Tlv.find(t.children(), Cvc.TAG_BODY);
      if (body.isEmpty()) {
        return Optional.empty();
      }
      return Tlv.find(body.get().children(), Cvc.TAG_CHR).map(Tlv::value);
    } catch (TlvException e) {
      return Optional.empty();
    }
  }
}
