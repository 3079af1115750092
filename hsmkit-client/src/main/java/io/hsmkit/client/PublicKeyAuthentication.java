package io.hsmkit.client;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.Ins;
import io.hsmkit.apdu.ResponseApdu;
import io.hsmkit.apdu.StatusWord;
import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.apdu.TlvWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Public key authentication (n-of-m) from the host, with the APDUs sc-hsm-tool sends
 * (docs/protocol.md#pka): the status, registering a key from an {@code --export-for-pub-key-auth}
 * file, and authenticating with a key held elsewhere.
 */
public final class PublicKeyAuthentication {
  /** One APDU out, its answer back. */
  @FunctionalInterface
  interface Sender {
    ResponseApdu send(CommandApdu c) throws IOException;
  }

  /** The 4-byte status: as sc-hsm-tool prints it. */
  public record Status(int total, int missing, int required, int authenticated) {
    /** The lines sc-hsm-tool prints ({@code print_pka_status()}). */
    public List<String> lines() {
      return List.of(
          "Number of public keys:     " + total,
          "Missing public keys:       " + missing,
          "Required pubkeys for auth: " + required,
          "Authenticated public keys: " + authenticated);
    }
  }

  /** Signs {@code data} with SHA-256 and returns the CVC form ({@code r || s} for EC). */
  @FunctionalInterface
  public interface Signer {
    byte[] sign(byte[] data) throws IOException, HsmException;
  }

  private final Sender sender;

  PublicKeyAuthentication(Sender sender) {
    this.sender = sender;
  }

  /** The status, or empty when the card was not initialized for public key authentication. */
  public Optional<Status> status() throws IOException, HsmException {
    ResponseApdu r = sender.send(Ins.MANAGE_PUBLIC_KEY_AUTHENTICATION.apdu(0, 0, new byte[0], 4));
    if (r.sw().equals(StatusWord.INS_NOT_SUPPORTED)) {
      return Optional.empty();
    }
    SmartCardHsmSession.check(r, "query public key authentication", null);
    return Optional.of(parse(r.data()));
  }

  /**
   * Registers the key of an {@code sc-hsm-tool --export-for-pub-key-auth} file ({@code 30 {
   * request 67, device CVC, DICA CVC }}): the chain is verified by the card, then the request.
   */
  public Status register(byte[] exportFile) throws IOException, HsmException {
    byte[] request;
    byte[] device;
    byte[] dica;
    try {
      Tlv seq = Tlv.parseFirst(exportFile);
      List<Tlv> parts = seq.children();
      if (seq.tag() != 0x30 || parts.size() != 3 || parts.get(0).tag() != Tags.Cvc.AUTHENTICATED_REQUEST
          || parts.get(1).tag() != Tags.Cvc.CVC || parts.get(2).tag() != Tags.Cvc.CVC) {
        throw new HsmException("not a public key export (sc-hsm-tool --export-for-pub-key-auth)",
            null);
      }
      request = parts.get(0).value();
      device = parts.get(1).value();
      dica = parts.get(2).value();
      verifyCertificate(dica);
      verifyCertificate(device);
      String outerCar = ascii(Tlv.find(parts.get(0).children(), Tags.Cvc.CAR)
          .orElseThrow(() -> new TlvException("request without outer CAR")).value());
      SmartCardHsmSession.check(selectKey(0xB6, outerCar), "select the device key " + outerCar,
          null);
    } catch (TlvException e) {
      throw new HsmException("not a public key export: " + e.getMessage(), null);
    }
    ResponseApdu r =
        sender.send(Ins.MANAGE_PUBLIC_KEY_AUTHENTICATION.apdu(0, 0, request, 4));
    if (r.sw().equals(StatusWord.INS_NOT_SUPPORTED)) {
      throw new HsmException("the device was not initialized for public key authentication",
          r.sw());
    }
    if (r.sw().equals(StatusWord.FILE_ALREADY_EXISTS)) {
      throw new HsmException("this key (or another key of the same card) is registered already",
          r.sw());
    }
    if (r.sw().equals(StatusWord.NOT_ENOUGH_MEMORY)) {
      throw new HsmException("every public key slot is taken", r.sw());
    }
    SmartCardHsmSession.check(r, "register the public key", null);
    return parse(r.data());
  }

  /** As card-sc-hsm.c {@code verify_certificate()}: skip a key the card knows. */
  private void verifyCertificate(byte[] cvcContents) throws IOException, HsmException,
      TlvException {
    List<Tlv> body = Tlv.find(Tlv.parseAll(cvcContents), Tags.Cvc.BODY)
        .orElseThrow(() -> new TlvException("CVC without body")).children();
    String chr = ascii(Tlv.find(body, Tags.Cvc.CHR)
        .orElseThrow(() -> new TlvException("CVC without CHR")).value());
    String car = ascii(Tlv.find(body, Tags.Cvc.CAR)
        .orElseThrow(() -> new TlvException("CVC without CAR")).value());
    if (selectKey(0xB6, chr).sw().isSuccess()) {
      return;
    }
    ResponseApdu issuer = selectKey(0xB6, car);
    if (issuer.sw().equals(StatusWord.REFERENCED_DATA_NOT_FOUND)) {
      throw new HsmException("the device does not trust " + car + ", the issuer of " + chr
          + " (a card of another installation? SECURITY.md \"Card identity and PKA trust\")",
          issuer.sw());
    }
    SmartCardHsmSession.check(issuer, "select the issuer key " + car, null);
    ResponseApdu r = sender.send(Ins.PERFORM_SECURITY_OPERATION.apdu(0x00, 0xBE, cvcContents, -1));
    SmartCardHsmSession.check(r, "verify the certificate " + chr, null);
  }

  /**
   * Authenticates the registered key {@code chr}: GET CHALLENGE, then EXTERNAL AUTHENTICATE with
   * {@code signer}'s signature of {@code deviceChr || challenge} ({@code deviceChr}: the CHR of
   * this card's device certificate). Returns the new status.
   */
  public Status authenticate(String chr, String deviceChr, Signer signer)
      throws IOException, HsmException {
    ResponseApdu sel = selectKey(0xA4, chr);
    if (sel.sw().equals(StatusWord.REFERENCED_DATA_NOT_FOUND)) {
      throw new HsmException("no key " + chr + " is registered on the device", sel.sw());
    }
    SmartCardHsmSession.check(sel, "select the key " + chr, null);
    ResponseApdu c = sender.send(Ins.GET_CHALLENGE.apdu(0, 0, new byte[0], 8));
    SmartCardHsmSession.check(c, "get a challenge", null);
    byte[] chrBytes = deviceChr.getBytes(StandardCharsets.US_ASCII);
    byte[] data = new byte[chrBytes.length + c.data().length];
    System.arraycopy(chrBytes, 0, data, 0, chrBytes.length);
    System.arraycopy(c.data(), 0, data, chrBytes.length, c.data().length);
    ResponseApdu r = sender.send(Ins.EXTERNAL_AUTHENTICATE.apdu(0, 0, signer.sign(data), -1));
    if (r.sw().equals(StatusWord.SECURITY_STATUS_NOT_SATISFIED)) {
      throw new HsmException("the device refused the signature of " + chr, r.sw());
    }
    SmartCardHsmSession.check(r, "authenticate " + chr, null);
    return status().orElseThrow(() -> new HsmException("no public key authentication", null));
  }

  private ResponseApdu selectKey(int p2, String chr) throws IOException {
    byte[] d = new TlvWriter().add(0x83, chr.getBytes(StandardCharsets.US_ASCII)).toByteArray();
    return sender.send(Ins.MANAGE_SECURITY_ENVIRONMENT.apdu(0x81, p2, d, -1));
  }

  private static Status parse(byte[] d) throws HsmException {
    if (d.length != 4) {
      throw new HsmException("unexpected public key authentication status of " + d.length
          + " bytes", null);
    }
    return new Status(d[0] & 0xFF, d[1] & 0xFF, d[2] & 0xFF, d[3] & 0xFF);
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
