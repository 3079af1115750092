package io.hsmkit.card.command;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.state.KeyRecord;
import java.util.Arrays;

/**
 * GENERATE SYMMETRIC KEY (00 48 keyId B0|B1|B2), docs/protocol.md#generate-symmetric: a random
 * AES-128/192/256 key, stored sealed like the private keys; the answer is {@code 9000} without
 * data.
 *
 * <ol>
 *   <li>Initialized card ({@code 6A88}) and verified user PIN ({@code 6982}).
 *   <li>P1 1..255 (0 is the device key) and P2 {@code B0}/{@code B1}/{@code B2}, else {@code
 *       6A86}.
 *   <li>Data: empty, or {@code 91} the algorithm list (1..16 ids), and optionally {@code 92 01 kd}
 *       the key domain (docs/protocol.md#key-domains; {@code 6A88} for a slot without a domain).
 *       The key use counter {@code 90} is refused with {@code 6A80}: hsmkit does not count uses,
 *       and accepting it would promise a limit the card does not keep.
 * </ol>
 *
 * <p>An id in use is overwritten, as GENERATE ASYMMETRIC KEY PAIR does; a stale {@code CE<id>}
 * of the old key is removed.
 */
final class GenerateSymmetricKeyCommand implements CommandHandler {

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    ctx.requireInitialized();
    ctx.requireUserPin();
    int keyId = apdu.p1();
    int bytes =
        switch (apdu.p2()) {
          case 0xB0 -> 16;
          case 0xB1 -> 24;
          case 0xB2 -> 32;
          default -> throw new SwException(StatusWord.INCORRECT_P1P2);
        };
    if (keyId == 0) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    byte[] algorithms = algorithmList(apdu.data());
    int domain = domain(apdu.data());
    ManageKeyDomainCommand.requireDomain(ctx.state(), domain);
    byte[] secret = ctx.crypto().randomBytes(bytes);
    try {
      KeyRecord record =
          new KeyRecord(
              keyId, KeyRecord.KeyType.AES, bytes * 8, "", secret, new byte[0], algorithms);
      ctx.edit().putKey(ctx.seal(record));
      ctx.edit().setKeyDomain(keyId, domain);
      ctx.edit().deleteFile((FileIds.EE_CERT_PREFIX << 8) | keyId);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    return Response.ok(new byte[0]);
  }

  /** {@code 92 01 kd}, at most once; 0 when absent. */
  private static int domain(byte[] data) throws SwException {
    if (data.length == 0) {
      return 0;
    }
    try {
      var tags = Tlv.parseAll(data).stream().filter(t -> t.tag() == Tags.Generate.KEY_DOMAIN).toList();
      if (tags.size() > 1) {
        throw new SwException(StatusWord.WRONG_DATA);
      }
      return ManageKeyDomainCommand.domainTag(tags.stream().findFirst());
    } catch (TlvException e) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
  }

  private static byte[] algorithmList(byte[] data) throws SwException {
    if (data.length == 0) {
      return new byte[0];
    }
    byte[] list = null;
    try {
      for (Tlv t : Tlv.parseAll(data)) {
        if (t.tag() == Tags.Generate.KEY_DOMAIN) {
          continue; // domain(data)
        }
        if (t.tag() != Tags.Generate.ALGORITHM_LIST || list != null) {
          throw new SwException(StatusWord.WRONG_DATA);
        }
        list = t.value();
      }
    } catch (TlvException e) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    if (list == null) {
      return new byte[0]; // only a 92 tag
    }
    if (list.length == 0 || list.length > 16) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    return list;
  }
}
