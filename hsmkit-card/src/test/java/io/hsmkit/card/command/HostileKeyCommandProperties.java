package io.hsmkit.card.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsmkit.apdu.CommandApdu;
import io.hsmkit.apdu.TlvWriter;
import io.hsmkit.card.crypto.Curve;
import io.hsmkit.card.state.CardState;
import io.hsmkit.card.state.KeyRecord;
import io.hsmkit.proptest.Gen;
import io.hsmkit.proptest.Property;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile GENERATE SYMMETRIC KEY (00 48), CIPHER (80 78) and DERIVE EC KEY (80 76) on a logged-in
 * card that holds AES, EC and RSA keys, so that the random P1/P2/Lc/data reach past the PIN check
 * into the handlers: every answer is a status word of the command's documented set
 * (docs/protocol.md#generate-symmetric, #cipher, #derive-ec), never {@code 6F00}; a refusal
 * changes nothing; a success changes only what the command makes (the key at P1 for 48, a new key
 * at a free P2 for 76, nothing for 78); and after every case the card still computes the NIST
 * CMAC with its reference key and, every 50 cases, signs with its EC key.
 */
class HostileKeyCommandProperties {
  private static final AtomicLong CASES = new AtomicLong();
  /** Successes per command (48, 78, 76): the cases reach past every check, not only refusals. */
  private static final java.util.Map<Integer, AtomicLong> ACCEPTED = new java.util.TreeMap<>(
      java.util.Map.of(0x48, new AtomicLong(), 0x78, new AtomicLong(), 0x76, new AtomicLong()));
  private static final HexFormat HEX = HexFormat.of();

  /** Reference keys no case may overwrite: the NIST AES key and the EC key the checks sign with. */
  private static final int NIST_AES = 7;
  private static final int EC_ANY = 3;
  private static final int EC_SIGN_ONLY = 4;
  private static final int EC_DERIVE_ONLY = 5;
  private static final int RSA = 6;
  private static final int AES_CMAC_ONLY = 1;
  private static final Set<Integer> RESERVED = Set.of(NIST_AES, EC_ANY);

  /** SP 800-38B D.1, example 2: CMAC of the first 16-byte block under the NIST key. */
  private static final byte[] NIST_BLOCK = HEX.parseHex("6bc1bee22e409f96e93d7e117393172a");
  private static final byte[] NIST_TAG = HEX.parseHex("070a16b46b4d4144f79bdd9dd04a287c");

  private static final Set<Integer> ENVELOPE = Set.of(0x6700, 0x6E00, 0x6D00);
  // 6A88: tag 92 names a key-domain slot that holds no domain (docs/protocol.md#key-domains)
  private static final Set<Integer> GSK_SW = Set.of(0x9000, 0x6A80, 0x6A86, 0x6A88);
  private static final Set<Integer> CIPHER_SW = Set.of(0x9000, 0x6A80, 0x6A81, 0x6A86, 0x6A88);
  private static final Set<Integer> DERIVE_SW =
      Set.of(0x9000, 0x6A80, 0x6A86, 0x6A88, 0x6A89, 0x6985);

  private static final BigInteger N = Curve.SECP256R1.x9().getN();

  @AfterAll
  static void report() {
    System.out.println("[hsmkit-summary] hostile AES / derive APDUs: cases fuzzed = " + CASES.get()
        + ", accepted 48 / 78 / 76 = " + ACCEPTED.get(0x48) + " / " + ACCEPTED.get(0x78) + " / "
        + ACCEPTED.get(0x76));
  }

  private static KeyTestCard card() {
    KeyTestCard t = AesKeysTest.nistCard(); // NIST key at 7, logged in
    AesKeysTest.generate(t, AES_CMAC_ONLY, 0xB2, "910118").ok();
    t.generateEc(EC_ANY, Curve.SECP256R1);
    t.generate(EC_SIGN_ONLY, GenerateAsymmetricKeyPairCommandTest.concat(
        t.openScEcRequest(Curve.SECP256R1), new TlvWriter().add(0x91, new byte[] {0x70}).toByteArray())).ok();
    t.generate(EC_DERIVE_ONLY, GenerateAsymmetricKeyPairCommandTest.concat(
        t.openScEcRequest(Curve.SECP256R1), new TlvWriter().add(0x91, new byte[] {(byte) 0x98}).toByteArray())).ok();
    t.generateRsa(RSA, 1024);
    return t;
  }

  @Test
  void hostileAesAndDeriveCommands_answerTheirStatusWords_andRefusalsChangeNothing() {
    KeyTestCard t = card();
    Property.forAll(
        Property.tries(3_000),
        gen -> {
          Case c = hostile(gen);
          CASES.incrementAndGet();
          CardState before = t.card.state();
          byte[] out = t.card.process(c.apdu());
          assertThat(out.length).isGreaterThanOrEqualTo(2);
          int sw = ((out[out.length - 2] & 0xFF) << 8) | (out[out.length - 1] & 0xFF);
          CardState after = t.card.state();
          String what = c.describe();
          assertThat(sw).as(what).isNotEqualTo(0x6F00);
          assertThat(ENVELOPE.contains(sw) || c.allowed().contains(sw))
              .as(what + " answered %04X", sw).isTrue();
          if (sw != 0x9000) {
            assertThat(after).as(what + " refused with %04X", sw).isEqualTo(before);
          } else {
            ACCEPTED.get(c.ins()).incrementAndGet();
            successChangedOnlyItsKey(c, before, after, out.length - 2);
          }
          assertUsable(t, CASES.get() % 50 == 0);
        });
    assertThat(ACCEPTED.values()).allSatisfy(n -> assertThat(n.get()).isPositive());
  }

  /** What a success may change: 78 nothing, 48 the key at P1, 76 one new key at a free P2. */
  private static void successChangedOnlyItsKey(Case c, CardState before, CardState after, int dataLength) {
    String what = c.describe();
    switch (c.ins()) {
      case 0x78 -> {
        assertThat(after).as(what).isEqualTo(before);
        if (c.p2() == 0x18) {
          assertThat(dataLength).as(what).isEqualTo(16);
        } else if (!c.mutated()) {
          assertThat(dataLength).as(what).isEqualTo(c.dataLength());
        }
      }
      case 0x48 -> {
        KeyRecord k = after.key(c.p1());
        assertThat(k.type()).as(what).isEqualTo(KeyRecord.KeyType.AES);
        assertThat(k.sizeBits()).as(what).isEqualTo(128 + 64 * (c.p2() - 0xB0));
        assertThat(dataLength).as(what).isZero();
      }
      case 0x76 -> {
        assertThat(before.key(c.p2())).as(what + ": derived over a key").isNull();
        KeyRecord k = after.key(c.p2());
        assertThat(k.type()).as(what).isEqualTo(KeyRecord.KeyType.EC);
        assertThat(before.key(c.p1()).type()).as(what).isEqualTo(KeyRecord.KeyType.EC);
        assertThat(dataLength).as(what).isZero();
      }
      default -> throw new AssertionError(what);
    }
    for (int ref : RESERVED) {
      assertThat(after.key(ref)).as(what + " touched reference key " + ref).isEqualTo(before.key(ref));
    }
  }

  private static void assertUsable(KeyTestCard t, boolean sign) {
    KeyTestCard.Reply mac = t.send(AesKeysTest.cipher(0x18, NIST_AES, NIST_BLOCK));
    assertThat(mac.sw()).isEqualTo(0x9000);
    assertThat(mac.data()).isEqualTo(NIST_TAG);
    if (sign) {
      byte[] message = "still usable".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      KeyTestCard.Reply s = t.sign(EC_ANY, 0x73, message);
      assertThat(s.sw()).isEqualTo(0x9000);
      try {
        assertThat(EcdsaSignatures.verify(Curve.SECP256R1, "SHA256", t.publicKey(EC_ANY), message,
            s.data())).isTrue();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  /** One hostile command, what it may answer, and a line that names it in a failure. */
  record Case(
      int ins, int p1, int p2, int dataLength, boolean mutated, byte[] apdu, Set<Integer> allowed) {
    String describe() {
      return HEX.formatHex(apdu.length > 48 ? java.util.Arrays.copyOf(apdu, 48) : apdu)
          + (apdu.length > 48 ? "… (" + apdu.length + " bytes)" : "");
    }
  }

  private static Case hostile(Gen gen) {
    int which = gen.between(0, 2);
    int ins = which == 0 ? 0x48 : which == 1 ? 0x78 : 0x76;
    int p1;
    int p2;
    byte[] data;
    Set<Integer> allowed;
    switch (ins) {
      case 0x48 -> {
        p1 = gen.between(0, 3) == 0 ? gen.oneOfInts(0, 1, 4, 6, 0xFF) : gen.between(0, 255);
        while (RESERVED.contains(p1)) {
          p1 = gen.between(0, 255);
        }
        p2 = gen.between(0, 3) > 0 ? gen.oneOfInts(0xB0, 0xB1, 0xB2) : gen.between(0, 255);
        data = gskData(gen);
        allowed = GSK_SW;
      }
      case 0x78 -> {
        p1 = gen.between(0, 3) > 0
            ? gen.oneOfInts(NIST_AES, AES_CMAC_ONLY, EC_ANY, RSA, 0, 0x99) : gen.between(0, 255);
        p2 = gen.between(0, 3) > 0 ? gen.oneOfInts(0x10, 0x11, 0x18, 0x99) : gen.between(0, 255);
        int len = gen.oneOfInts(0, 1, 15, 16, 17, 32, 48, 1024, gen.between(0, 1100));
        data = gen.bytes(len, len);
        allowed = CIPHER_SW;
      }
      default -> {
        p1 = gen.between(0, 3) > 0
            ? gen.oneOfInts(EC_ANY, EC_ANY, EC_DERIVE_ONLY, EC_SIGN_ONLY, RSA, NIST_AES, 0, 0x99)
            : gen.between(0, 255);
        p2 = gen.between(0, 3) > 0 ? gen.oneOfInts(0, NIST_AES, EC_ANY, gen.between(8, 255),
            gen.between(8, 255), gen.between(8, 255))
            : gen.between(0, 255);
        data = deriveData(gen);
        allowed = DERIVE_SW;
      }
    }
    int cla = gen.between(0, 9) == 0 ? gen.between(0, 255) : (ins == 0x48 ? 0x00 : 0x80);
    int ne = gen.oneOfInts(-1, 0, 1, 16, 256, 65536);
    boolean ext = data.length > 255 || ne > 256 || gen.bool();
    byte[] apdu = new CommandApdu(cla, ins, p1, p2, data, ne == 0 ? -1 : ne, ext).toBytes();
    boolean mutated = gen.between(0, 7) == 0;
    if (mutated) {
      apdu = mutate(gen, apdu);
    }
    return new Case(ins, p1, p2, data.length, mutated, apdu, allowed);
  }

  /** Empty, a good or bad algorithm list, the refused 90 / 92, junk. */
  private static byte[] gskData(Gen gen) {
    return switch (gen.between(0, 6)) {
      case 0 -> new byte[0];
      case 1 -> tlv(0x91, gen.bytes(1, 16));
      case 2 -> tlv(0x91, gen.bytes(0, 40));
      case 3 -> tlv(0x90, gen.bytes(0, 6));
      case 4 -> tlv(0x92, gen.bytes(0, 2));
      case 5 -> concat(tlv(0x91, new byte[] {0x10, 0x11, 0x18}), gen.bytes(1, 10));
      default -> gen.bytes(0, 60);
    };
  }

  /** 98 with an offset of any length, 0, n, n - 1, another tag, nothing. */
  private static byte[] deriveData(Gen gen) {
    return switch (gen.between(0, 7)) {
      case 0 -> new byte[0];
      case 1 -> concat(new byte[] {(byte) 0x98}, gen.bytes(0, 70));
      case 7 -> concat(new byte[] {(byte) 0x98}, gen.bytes(1, 32));
      case 2 -> concat(new byte[] {(byte) 0x98}, new byte[gen.between(1, 33)]);
      case 3 -> concat(new byte[] {(byte) 0x98}, N.toByteArray());
      case 4 -> concat(new byte[] {(byte) 0x98}, N.subtract(BigInteger.ONE).toByteArray());
      case 5 -> concat(new byte[] {(byte) gen.between(0, 255)}, gen.bytes(1, 33));
      default -> gen.bytes(0, 80);
    };
  }

  /** Truncates, extends or flips one byte of a well-formed APDU (the header stays). */
  private static byte[] mutate(Gen gen, byte[] apdu) {
    return switch (apdu.length <= 5 ? 1 : gen.between(0, 2)) {
      case 0 -> java.util.Arrays.copyOf(apdu, gen.between(4, apdu.length));
      case 1 -> concat(apdu, gen.bytes(1, 4));
      default -> {
        byte[] m = apdu.clone();
        int i = gen.between(4, m.length - 1);
        m[i] ^= (byte) gen.between(1, 255);
        yield m;
      }
    };
  }

  private static byte[] tlv(int tag, byte[] value) {
    return new TlvWriter().add(tag, value).toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    return GenerateAsymmetricKeyPairCommandTest.concat(a, b);
  }
}
