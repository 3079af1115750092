package io.hsmkit.card.cvc;

import io.hsmkit.apdu.TaAlgorithm;
import io.hsmkit.apdu.TlvWriter;
import io.hsmkit.card.crypto.CardCrypto;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.state.KeyRecord;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.LocalDate;

/**
 * The identity a card gets once, when its state is first made: the device authentication key
 * ({@code CC00}) and EF.C_DevAut ({@code 2F02}) = device CVC followed by the issuing DICA CVC
 * (docs/protocol.md#devaut).
 *
 * <p>Like a real device the chain is DICA-signed and the DICA is signed by a root (SRCA); here
 * both issuers are made on the spot and their private keys thrown away, since OpenSC never
 * verifies the chain (docs/protocol.md#devaut). The device key is brainpoolP256r1, as on a Nitrokey HSM 2.
 */
public final class DeviceIdentity {
  /** Root and issuer names, in the style of the CardContact PKI (≤ 16 characters). */
  static final String SRCA = "DESRCAHK00001";
  static final String DICA = "DEDICAHK00001";

  private final KeyRecord deviceKey;
  private final byte[] devAut;
  private final String chr;

  private DeviceIdentity(KeyRecord deviceKey, byte[] devAut, String chr) {
    this.deviceKey = deviceKey;
    this.devAut = devAut;
    this.chr = chr;
  }

  /**
   * Makes a new identity. The device CHR is {@code DEHK} + 7 random digits + {@code 00000}; OpenSC
   * shows the first 11 characters as the token serial number (docs/protocol.md#bind).
   */
  public static DeviceIdentity create(CardCrypto crypto, LocalDate today) {
    int n = crypto.random().nextInt(10_000_000);
    String serial = String.format("DEHK%07d", n);
    String chr = serial + "00000";

    KeyPair srca = crypto.generateEc(Curve.BRAINPOOLP256R1);
    KeyPair dica = crypto.generateEc(Curve.BRAINPOOLP256R1);
    KeyPair device = crypto.generateEc(Curve.BRAINPOOLP256R1);

    byte[] dicaBody = body(SRCA, dica, DICA, today, today.plusYears(20));
    byte[] dicaCert = Cvc.certificate(dicaBody, crypto.signForCvc(srca.getPrivate(), dicaBody));
    byte[] devBody = body(DICA, device, chr, today, today.plusYears(20));
    byte[] devCert = Cvc.certificate(devBody, crypto.signForCvc(dica.getPrivate(), devBody));

    byte[] devAut = new byte[devCert.length + dicaCert.length];
    System.arraycopy(devCert, 0, devAut, 0, devCert.length);
    System.arraycopy(dicaCert, 0, devAut, devCert.length, dicaCert.length);

    KeyRecord key =
        new KeyRecord(
            0, KeyRecord.KeyType.EC, 256, Curve.BRAINPOOLP256R1.curveName(),
            device.getPrivate().getEncoded(), device.getPublic().getEncoded(), new byte[0]);
    return new DeviceIdentity(key, devAut, chr);
  }

  private static byte[] body(
      String car, KeyPair subject, String chr, LocalDate from, LocalDate until) {
    return new TlvWriter()
        .nest(
            Cvc.TAG_BODY,
            w ->
                w.addByte(Cvc.TAG_CPI, 0)
                    .add(Cvc.TAG_CAR, car.getBytes(StandardCharsets.US_ASCII))
                    .raw(Cvc.publicKeyTemplate(subject.getPublic(), TaAlgorithm.ECDSA_SHA_256.der()))
                    .add(Cvc.TAG_CHR, chr.getBytes(StandardCharsets.US_ASCII))
                    .add(Cvc.TAG_EFFECTIVE_DATE, Cvc.date(from))
                    .add(Cvc.TAG_EXPIRATION_DATE, Cvc.date(until)))
        .toByteArray();
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
