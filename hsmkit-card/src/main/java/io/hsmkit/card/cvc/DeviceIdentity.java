package io.hsmkit.card.cvc;

import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.InstallationRoot;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.state.KeyRecord;
import java.security.KeyPair;
import java.time.LocalDate;

/**
 * The identity a card gets once, when its state is first made: the device authentication key
 * ({@code CC00}), EF.C_DevAut ({@code 2F02}) = device CVC followed by the issuing DICA CVC
 * (docs/protocol.md#devaut), and the root CVC the card trusts (its SRCA).
 *
 * <p>The chain comes from an {@link InstallationRoot}: cards of one installation share it and so
 * can register each other's keys for public key authentication (SECURITY.md "Card identity and
 * PKA trust"). A card made without one gets a root of its own, trusted by no other card. The
 * device key is brainpoolP256r1, as on a Nitrokey HSM 2.
 */
public final class DeviceIdentity {
  private final KeyRecord deviceKey;
  private final byte[] devAut;
  private final String chr;
  private final byte[] rootCvc;

  private DeviceIdentity(KeyRecord deviceKey, byte[] devAut, String chr, byte[] rootCvc) {
    this.deviceKey = deviceKey;
    this.devAut = devAut;
    this.chr = chr;
    this.rootCvc = rootCvc;
  }

  /** A new identity under a root of its own (a card alone, trusted by no other card). */
  public static DeviceIdentity create(CardCrypto crypto, LocalDate today) {
    return create(crypto, today, InstallationRoot.create(crypto, today));
  }

  /**
   * Makes a new identity whose device CVC {@code root}'s DICA signs. The device CHR is {@code DEHK}
   * + 7 random digits + {@code 00000}; OpenSC shows the first 11 characters as the token serial
   * number (docs/protocol.md#bind).
   */
  public static DeviceIdentity create(CardCrypto crypto, LocalDate today, InstallationRoot root) {
    int n = crypto.random().nextInt(10_000_000);
    String serial = String.format("DEHK%07d", n);
    String chr = serial + "00000";

    KeyPair device = crypto.generateEc(Curve.BRAINPOOLP256R1);
    byte[] devBody =
        InstallationRoot.body(root.dicaChr(), device.getPublic(), chr, today, today.plusYears(20));
    byte[] devCert = root.signDevice(crypto, devBody);
    byte[] dicaCert = root.dicaCvc();

    byte[] devAut = new byte[devCert.length + dicaCert.length];
    System.arraycopy(devCert, 0, devAut, 0, devCert.length);
    System.arraycopy(dicaCert, 0, devAut, devCert.length, dicaCert.length);

    KeyRecord key =
        new KeyRecord(
            0, KeyRecord.KeyType.EC, 256, Curve.BRAINPOOLP256R1.curveName(),
            device.getPrivate().getEncoded(), device.getPublic().getEncoded(), new byte[0]);
    return new DeviceIdentity(key, devAut, chr, root.rootCvc());
  }

  /** The root CVC this card trusts as its SRCA. */
  public byte[] rootCvc() {
    return rootCvc.clone();
  }

  public KeyRecord deviceKey() {
    return deviceKey;
  }

  /** EF 2F02 content: device CVC followed by DICA CVC. */
  public byte[] devAut() {
    return devAut.clone();
  }

  /** The device certificate holder reference, e.g. {@code DEHK012345600000}. */
  public String chr() {
    return chr;
  }
}
