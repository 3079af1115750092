package io.hsmkit.card.command;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.card.dispatch.CommandContext;
import io.hsmkit.card.dispatch.CommandHandler;
import io.hsmkit.card.dispatch.Response;
import io.hsmkit.card.dispatch.SwException;
import io.hsmkit.card.seal.Keyring;
import io.hsmkit.card.state.KeyRecord;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * CIPHER (80 78 keyId algorithm), docs/protocol.md#cipher: AES-CBC with a zero IV ({@code 10}
 * encrypt, {@code 11} decrypt; the host applies its own IV to the first block, as CardContact's
 * module does) and AES-CMAC ({@code 18}). In order:
 *
 * <ol>
 *   <li>user PIN verified, else {@code 6982};
 *   <li>P2 one of these ids, else {@code 6A86} (key derivation {@code 99} among them: its KDF is
 *       not known);
 *   <li>the key exists, else {@code 6A88};
 *   <li>it is an AES key whose algorithm list (if any) has P2, else {@code 6A81}, the answer
 *       CardContact's module reads as "operation not allowed for key";
 *   <li>CBC data is one or more whole blocks, else {@code 6A80}.
 * </ol>
 */
final class CipherCommand implements CommandHandler {
  private static final byte[] ZERO_IV = new byte[16];

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    ctx.requireUserPin();
    AlgorithmId algorithm = KeyUse.algorithm(apdu.p2(), AlgorithmId.Operation.CIPHER);
    KeyRecord key = ctx.state().key(apdu.p1());
    if (key == null) {
      throw new SwException(StatusWord.REFERENCED_DATA_NOT_FOUND);
    }
    if (key.type() != KeyRecord.KeyType.AES || !key.allows(algorithm.id())) {
      throw new SwException(StatusWord.FUNCTION_NOT_SUPPORTED);
    }
    byte[] data = apdu.data();
    if (algorithm != AlgorithmId.AES_CMAC && (data.length == 0 || data.length % 16 != 0)) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    byte[] secret = key.sealed() ? Keyring.unseal(key, ctx.masterKey()) : key.privateKey();
    try {
      return Response.ok(
          algorithm == AlgorithmId.AES_CMAC ? cmac(secret, data) : cbc(algorithm, secret, data));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private static byte[] cbc(AlgorithmId algorithm, byte[] secret, byte[] data) {
    try {
      Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
      c.init(
          algorithm == AlgorithmId.AES_CBC_ENCRYPT ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE,
          new SecretKeySpec(secret, "AES"),
          new IvParameterSpec(ZERO_IV));
      return c.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CBC unavailable", e);
    }
  }

  private static byte[] cmac(byte[] secret, byte[] data) {
    CMac mac = new CMac(AESEngine.newInstance());
    mac.init(new KeyParameter(secret));
    mac.update(data, 0, data.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return out;
  }
}
