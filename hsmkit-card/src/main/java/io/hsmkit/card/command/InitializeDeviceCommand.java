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
import io.hsmkit.card.dkek.Dkek;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.PkaState;
import io.hsmkit.card.state.StateDraft;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * INITIALIZE DEVICE (80 50), docs/protocol.md#initialize.
 *
 * <ol>
 *   <li>Parse and check every TLV before anything is touched: a malformed request costs no SO-PIN
 *       try.
 *   <li>First initialization: the SO-PIN in tag 82 becomes the SO-PIN. Re-initialization: tag 82
 *       must match the current SO-PIN (a try is spent first; a blocked SO-PIN can never
 *       re-initialize).
 *   <li>Wipe every key but the device key and every EF but 2F02; set options, retry counter,
 *       the DKEK configuration (tag 92 absent = none, 0 = random, n = n shares), the key-domain
 *       slots (tag 97) and public key authentication (tag 93; registered keys are wiped too).
 *   <li>Make a new master key and wrap it under Argon2id(user PIN) and Argon2id(SO-PIN) with the
 *       environment's KDF cost and extra secret (SECURITY.md "Keys at rest"); the DKEK is sealed
 *       under it.
 * </ol>
 */
final class InitializeDeviceCommand implements CommandHandler {
  static final int DEFAULT_RETRIES = 3;
  static final int OPTION_TRANSPORT_PIN = 0x0002;

  /**
   * Tag {@code 93 02 M N} (public key authentication, docs/protocol.md#pka): M keys to register,
   * N to log in, {@code 1 <= N <= M <= 90} as sc-hsm-tool checks; null when absent.
   */
  private static int[] publicKeyAuth(List<Tlv> tlvs) throws SwException {
    Optional<Tlv> t = Tlv.find(tlvs, Tags.Initialize.PUBLIC_KEY_AUTH);
    if (t.isEmpty()) {
      return null;
    }
    byte[] v = t.get().value();
    if (v.length != 2) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    int m = v[0] & 0xFF;
    int n = v[1] & 0xFF;
    if (m < 1 || m > 90 || n < 1 || n > m) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    return new int[] {m, n};
  }

  @Override
  public Response handle(CommandContext ctx, CommandApdu apdu) throws SwException {
    if (apdu.p1p2() != 0) {
      throw new SwException(StatusWord.INCORRECT_P1P2);
    }
    byte[] data = apdu.data();
    List<Tlv> tlvs;
    try {
      tlvs = Tlv.parseAll(data);
    } catch (TlvException e) {
      throw new SwException(StatusWord.WRONG_DATA);
    } finally {
      Arrays.fill(data, (byte) 0);
    }
    Set<Integer> seen = new HashSet<>();
    for (Tlv t : tlvs) {
      if (!seen.add(t.tag())) {
        throw new SwException(StatusWord.WRONG_DATA);
      }
      switch (t.tag()) {
        case Tags.Initialize.OPTIONS, Tags.Initialize.USER_PIN, Tags.Initialize.SO_PIN,
            Tags.Initialize.RETRY_COUNTER, Tags.Initialize.DKEK_SHARES,
            Tags.Initialize.KEY_DOMAINS, Tags.Initialize.PUBLIC_KEY_AUTH -> {}
        // biometric servers (95, 96) are not emulated
        case Tags.Initialize.BIO_SERVER_1,
            Tags.Initialize.BIO_SERVER_2 -> throw new SwException(StatusWord.FUNCTION_NOT_SUPPORTED);
        default -> throw new SwException(StatusWord.WRONG_DATA);
      }
    }
    int options = 0;
    Optional<Tlv> opt = Tlv.find(tlvs, Tags.Initialize.OPTIONS);
    if (opt.isPresent()) {
      if (opt.get().length() != 2) {
        throw new SwException(StatusWord.WRONG_DATA);
      }
      byte[] o = opt.get().value();
      options = ((o[0] & 0xFF) << 8) | (o[1] & 0xFF);
    }
    byte[] userPin =
        Tlv.find(tlvs, Tags.Initialize.USER_PIN).orElseThrow(() -> new SwException(StatusWord.WRONG_DATA)).value();
    byte[] soPin =
        Tlv.find(tlvs, Tags.Initialize.SO_PIN).orElseThrow(() -> new SwException(StatusWord.WRONG_DATA)).value();
    byte[] mk = null;
    byte[] dkek = null;
    try {
      if (userPin.length < PinCheck.USER_PIN_MIN || userPin.length > PinCheck.USER_PIN_MAX) {
        throw new SwException(StatusWord.WRONG_DATA);
      }
      if (soPin.length != PinCheck.SO_PIN_LENGTH) {
        throw new SwException(StatusWord.WRONG_DATA);
      }
      int retries = DEFAULT_RETRIES;
      Optional<Tlv> rc = Tlv.find(tlvs, Tags.Initialize.RETRY_COUNTER);
      if (rc.isPresent()) {
        if (rc.get().length() != 1) {
          throw new SwException(StatusWord.WRONG_DATA);
        }
        retries = rc.get().value()[0] & 0xFF;
        if (retries < 1 || retries > 15) {
          throw new SwException(StatusWord.WRONG_DATA);
        }
      }
      int dkekShares = -1;
      Optional<Tlv> dk = Tlv.find(tlvs, Tags.Initialize.DKEK_SHARES);
      if (dk.isPresent()) {
        if (dk.get().length() != 1) {
          throw new SwException(StatusWord.WRONG_DATA);
        }
        dkekShares = dk.get().value()[0] & 0xFF;
      }

      int keyDomains = keyDomains(tlvs);
      int[] pka = publicKeyAuth(tlvs);

      CardState current = ctx.state();
      if (current.initialized()) {
        PinCheck.wipe(PinCheck.verifySo(ctx, soPin));
      }
      ctx.security().clear();
      ctx.crypto().forgetPreparedKeys();
      ctx.keyring().forgetPin();
      ctx.keyring().forgetDkek();
      mk = ctx.keyring().newMasterKey();
      StateDraft s = ctx.edit();
      s.wipeForInitialize();
      s.setInitialized(true);
      s.setOptions(options);
      s.setVault(ctx.keyring().newVault(mk, userPin, soPin));
      s.setPka(pka == null ? null : new PkaState(pka[0], pka[1], List.of(),
          ctx.keyring().sealForPka(s.state().vault(), mk)));
      s.setSoTriesLeft(CardState.SO_PIN_MAX_TRIES);
      s.setUserRetryMax(retries);
      s.setUserTriesLeft(retries);
      s.setTransportPin((options & OPTION_TRANSPORT_PIN) != 0);
      s.setPendingShares(List.of());
      s.setKeyDomainSlots(keyDomains);
      if (dkekShares < 0) {
        s.setDkek(-1, 0, new byte[0], new byte[0]);
      } else {
        dkek = dkekShares == 0 ? ctx.crypto().randomBytes(Dkek.LENGTH) : new byte[Dkek.LENGTH];
        s.setDkek(dkekShares, 0, ctx.keyring().sealDkek(mk, dkek), Dkek.kcv(dkek));
        ctx.keyring().rememberDkek(s.state(), dkek);
      }
      return Response.ok();
    } finally {
      PinCheck.wipe(mk);
      PinCheck.wipe(dkek);
      Arrays.fill(userPin, (byte) 0);
      Arrays.fill(soPin, (byte) 0);
    }
  }

  /**
   * Tag 97 (docs/protocol.md#key-domains): 1..255 key-domain slots, slot 0 being the DKEK of tag
   * 92; 0 when absent. One byte on the wire, so 255 is the most (a real card offers up to 255).
   */
  static int keyDomains(List<Tlv> tlvs) throws SwException {
    Optional<Tlv> kd = Tlv.find(tlvs, Tags.Initialize.KEY_DOMAINS);
    if (kd.isEmpty()) {
      return 0;
    }
    if (kd.get().length() != 1 || kd.get().value()[0] == 0) {
      throw new SwException(StatusWord.WRONG_DATA);
    }
    return kd.get().value()[0] & 0xFF;
  }
}
