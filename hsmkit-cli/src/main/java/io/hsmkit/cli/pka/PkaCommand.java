package io.hsmkit.cli.pka;

import io.hsmkit.apdu.AlgorithmId;
import io.hsmkit.apdu.Tags;
import io.hsmkit.apdu.Tlv;
import io.hsmkit.apdu.TlvException;
import io.hsmkit.cli.support.CliException;
import io.hsmkit.cli.support.TokenCommand;
import io.hsmkit.cli.support.UserPinOption;
import io.hsmkit.client.HsmException;
import io.hsmkit.client.PublicKeyAuthentication;
import io.hsmkit.client.SmartCardHsmSession;
import io.hsmkit.client.token.TokenSpec;
import io.hsmkit.token.Token;
import io.hsmkit.token.TokenException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.util.BigIntegers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsmkit pka register | status | authenticate}: public key authentication (n-of-m,
 * docs/protocol.md#pka), with the APDUs and texts of {@code sc-hsm-tool --register-public-key /
 * --public-key-auth-status}.
 */
@Command(name = "pka", description = "Public key authentication (n-of-m): register keys of other cards, show the status, authenticate.",
    subcommands = {PkaCommand.Export.class, PkaCommand.Register.class, PkaCommand.Status.class,
        PkaCommand.Authenticate.class})
public final class PkaCommand {
  private PkaCommand() {}

  static void print(TokenCommand c, PublicKeyAuthentication.Status s) {
    s.lines().forEach(c.ctxOut()::println);
  }

  @Command(name = "status", description = "Show the public key authentication status (as sc-hsm-tool --public-key-auth-status).")
  public static final class Status extends TokenCommand {
    @Override
    protected int run(Token token) throws IOException, HsmException {
      token.session().select();
      Optional<PublicKeyAuthentication.Status> s = token.session().pka().status();
      if (s.isEmpty()) {
        throw new CliException(1, "the device was not initialized for public key authentication"
            + " (hsmkit init --public-key-auth M --required-pub-keys N)");
      }
      print(this, s.get());
      return 0;
    }
  }

  @Command(name = "register", description = "Register the public key of an export file (sc-hsm-tool --export-for-pub-key-auth) of another card.")
  public static final class Register extends TokenCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The export file.")
    Path file;

    @Override
    protected int run(Token token) throws IOException, HsmException {
      byte[] data;
      try {
        data = Files.readAllBytes(file);
      } catch (IOException e) {
        throw CliException.usage("cannot read " + file + ": " + e.getMessage());
      }
      token.session().select();
      print(this, token.session().pka().register(data));
      return 0;
    }
  }

  @Command(name = "export", description = "Write the export file of a key for registration on another card (as sc-hsm-tool --export-for-pub-key-auth).")
  public static final class Export extends TokenCommand {
    @Option(names = "--key-ref", required = true, description = "Key reference (1..255).")
    int keyRef;

    @Parameters(index = "0", paramLabel = "FILE", description = "New export file (never overwritten).")
    Path file;

    @Override
    protected void validate() {
      if (keyRef < 1 || keyRef > 255) {
        throw CliException.usage("--key-ref must be between 1 and 255");
      }
      if (Files.exists(file)) {
        throw CliException.usage(file + " exists; an export file is never overwritten");
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession s = token.session();
      s.select();
      byte[] request = s.readFile(0xCE00 | keyRef)
          .orElseThrow(() -> new HsmException("no key " + keyRef + " (no request in CE"
              + String.format("%02X", keyRef) + ")", null));
      byte[] devAut = s.readFile(0x2F02)
          .orElseThrow(() -> new HsmException("the device has no EF.C_DevAut", null));
      chrOfRequest(request); // refuses a file that is not an authenticated request
      int reqLen;
      try {
        reqLen = Tlv.encodedLength(request);
      } catch (TlvException e) {
        throw new HsmException("the key's request does not decode", null);
      }
      // 30 { CE content, device CVC, DICA CVC }: sc-hsm-tool.c export_key()
      byte[] body = new byte[reqLen + devAut.length];
      System.arraycopy(request, 0, body, 0, reqLen);
      System.arraycopy(devAut, 0, body, reqLen, devAut.length);
      byte[] out = new io.hsmkit.apdu.TlvWriter().add(0x30, body).toByteArray();
      Files.write(file, out, java.nio.file.StandardOpenOption.CREATE_NEW);
      ctxOut().println("Key ref " + keyRef + " exported to " + file
          + " (device chain of " + chrOfFirstCvc(devAut) + ").");
      return 0;
    }
  }

  /** The key on the other card that authenticates, and its token. */
  static final class Custodian {
    @Option(names = "--with", required = true, paramLabel = "TOKEN",
        description = "The token that holds the registered key (emulated:DIR or pcsc[:READER]).")
    String token;

    @Option(names = "--key-ref", required = true,
        description = "Key reference of the registered key on that token (1..255).")
    int keyRef;
  }

  @Command(name = "authenticate", description = "Authenticate to the device with a registered key held by another token (its user PIN: --pin, HSMKIT_PIN or prompt). The login lasts as long as this connection.")
  public static final class Authenticate extends TokenCommand {
    @ArgGroup(exclusive = false, multiplicity = "1")
    Custodian custodian;

    @picocli.CommandLine.Mixin UserPinOption pin;

    @Override
    protected void validate() {
      if (custodian.keyRef < 1 || custodian.keyRef > 255) {
        throw CliException.usage("--key-ref must be between 1 and 255");
      }
    }

    @Override
    protected int run(Token token) throws IOException, HsmException {
      SmartCardHsmSession a = token.session();
      a.select();
      String deviceChr = chrOfFirstCvc(a.readFile(0x2F02)
          .orElseThrow(() -> new HsmException("the device has no EF.C_DevAut", null)));
      TokenSpec spec = TokenSpec.parse(custodian.token);
      requireExisting(spec);
      try (Token b = Token.open(spec, ctx().env())) {
        SmartCardHsmSession s = b.session();
        pin.login(ctx(), s);
        byte[] request = s.readFile(0xCE00 | custodian.keyRef)
            .orElseThrow(() -> new HsmException("no key " + custodian.keyRef + " on "
                + b.description(), null));
        String chr = chrOfRequest(request);
        int n = fieldBytes(request);
        PublicKeyAuthentication.Status st = a.pka().authenticate(chr, deviceChr,
            data -> plain(s.sign(custodian.keyRef, AlgorithmId.EC_SHA256, data), n));
        ctxOut().println("Authenticated " + chr + ".");
        print(this, st);
        return 0;
      } catch (TokenException e) {
        throw new CliException(1, e.getMessage());
      }
    }
  }

  static String chrOfFirstCvc(byte[] certs) throws HsmException {
    try {
      Tlv cvc = Tlv.parseFirst(certs);
      Tlv body = Tlv.find(cvc.children(), Tags.Cvc.BODY).orElseThrow(() -> new TlvException("no body"));
      return new String(Tlv.find(body.children(), Tags.Cvc.CHR)
          .orElseThrow(() -> new TlvException("no CHR")).value(), StandardCharsets.US_ASCII);
    } catch (TlvException e) {
      throw new HsmException("EF.C_DevAut does not decode: " + e.getMessage(), null);
    }
  }

  /** The CHR of the request's inner CVC (what the registration is named by). */
  static String chrOfRequest(byte[] request) throws HsmException {
    try {
      Tlv req = Tlv.parseFirst(request);
      Tlv cvc = Tlv.find(req.children(), Tags.Cvc.CVC).orElseThrow(() -> new TlvException("no CVC"));
      return chrOfFirstCvc(cvc.encode());
    } catch (TlvException e) {
      throw new HsmException("the key's request does not decode: " + e.getMessage(), null);
    }
  }

  /** The field length of the request's EC key (its prime, tag 81), for the signature's form. */
  static int fieldBytes(byte[] request) throws HsmException {
    try {
      Tlv req = Tlv.parseFirst(request);
      Tlv cvc = Tlv.find(req.children(), Tags.Cvc.CVC).orElseThrow(() -> new TlvException("no CVC"));
      Tlv body = Tlv.find(cvc.children(), Tags.Cvc.BODY).orElseThrow(() -> new TlvException("no body"));
      Tlv key = Tlv.find(body.children(), Tags.Cvc.PUBLIC_KEY)
          .orElseThrow(() -> new TlvException("no public key"));
      Tlv prime = Tlv.find(key.children(), Tags.EcPublicKey.PRIME)
          .orElseThrow(() -> new HsmException("only EC keys authenticate here", null));
      byte[] p = prime.value();
      int n = p.length;
      for (int i = 0; i < p.length && p[i] == 0; i++) {
        n--;
      }
      return n;
    } catch (TlvException e) {
      throw new HsmException("the key's request does not decode: " + e.getMessage(), null);
    }
  }

  /** DER ECDSA signature to the plain {@code r || s} (each {@code n} bytes) CVCs use. */
  static byte[] plain(byte[] der, int n) throws HsmException {
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(der);
      BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
      BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
      byte[] out = new byte[2 * n];
      System.arraycopy(BigIntegers.asUnsignedByteArray(n, r), 0, out, 0, n);
      System.arraycopy(BigIntegers.asUnsignedByteArray(n, s), 0, out, n, n);
      return out;
    } catch (RuntimeException e) {
      throw new HsmException("the signature is not ECDSA (only EC keys authenticate here)", null);
    }
  }

}
