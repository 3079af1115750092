package io.hsmkit.apdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shared protocol tables: every entry round-trips, codes are unique, the docs agree. */
class ProtocolTablesTest {
  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest
  @EnumSource(Ins.class)
  void ins_roundTripsThroughItsCode(Ins ins) throws Exception {
    assertThat(Ins.byCode(ins.code())).contains(ins);
    assertThat(ins.cla()).isIn(Ins.CLA_ISO, Ins.CLA_PROPRIETARY);
    CommandApdu c = CommandApdu.parse(ins.apdu(0x01, 0x02).toBytes());
    assertThat(c.cla()).isEqualTo(ins.cla());
    assertThat(c.ins()).isEqualTo(ins.code());
    assertThat(c.p1p2()).isEqualTo(0x0102);
  }

  @Test
  void ins_codesUnique_andUnknownCodesEmpty() {
    assertThat(Arrays.stream(Ins.values()).map(Ins::code).distinct().count())
        .isEqualTo(Ins.values().length);
    int known = 0;
    for (int code = 0; code <= 0xFF; code++) {
      known += Ins.byCode(code).isPresent() ? 1 : 0;
    }
    assertThat(known).isEqualTo(Ins.values().length);
    assertThat(Ins.byCode(-1)).isEmpty();
    assertThat(Ins.byCode(0x100)).isEmpty();
  }

  /** The frames of the real device exchanges and of OpenSC, built from the table. */
  @Test
  void ins_buildsTheWireBytesOpenScSends() {
    assertThat(Ins.SELECT.apdu(0x04, 0x00, Aid.SMARTCARD_HSM.bytes(), 256).toHexUnsafe())
        .isEqualTo("00A404000BE82B0601040181C31F020100");
    assertThat(Ins.VERIFY.apdu(0x00, 0x81).toHexUnsafe()).isEqualTo("00200081");
    assertThat(Ins.SIGN.apdu(0x01, AlgorithmId.EC_RAW.id(), new byte[32], 512, true).toHexUnsafe())
        .isEqualTo("80680170000020" + "00".repeat(32) + "0200");
    assertThat(Ins.WRAP_KEY.apdu(0x01, AlgorithmId.WRAP.id(), new byte[0], 65536, true)
            .toHexUnsafe())
        .isEqualTo("80720192000000");
    assertThat(Ins.ENUMERATE_OBJECTS.apdu(0, 0, new byte[0], 65536).toHexUnsafe())
        .isEqualTo("80580000000000");
    assertThat(Ins.GET_CHALLENGE.apdu(0, 0, new byte[0], 8).toHexUnsafe()).isEqualTo("0084000008");
  }

  @ParameterizedTest
  @EnumSource(AlgorithmId.class)
  void algorithm_roundTripsThroughIdAndOperation(AlgorithmId a) {
    assertThat(AlgorithmId.of(a.id(), a.operation())).contains(a);
    for (AlgorithmId.Operation other : AlgorithmId.Operation.values()) {
      if (other != a.operation()) {
        assertThat(AlgorithmId.of(a.id(), other)).isEmpty();
      }
    }
    assertThat(a.id()).isBetween(0, 0xFF);
  }

  @Test
  void algorithm_idsUnique() {
    assertThat(Arrays.stream(AlgorithmId.values()).map(AlgorithmId::id).distinct().count())
        .isEqualTo(AlgorithmId.values().length);
  }

  /** The ids and their meaning, as in OpenSC's card-sc-hsm.h (docs/protocol.md#sign). */
  @Test
  void algorithm_wireValuesAndMeaning() {
    Map<AlgorithmId, String> expected = new HashMap<>();
    for (AlgorithmId a : AlgorithmId.values()) {
      expected.put(a, String.format("%02X %s %s %s %s", a.id(), a.operation(), a.keyKind(),
          a.scheme(), a.messageHash().map(Hash::name).orElse("-")));
    }
    assertThat(expected.values()).containsExactlyInAnyOrder(
        "20 SIGN RSA RSA_RAW -", "21 DECIPHER RSA RSA_DECRYPT -",
        "30 SIGN RSA RSA_PKCS1 -", "31 SIGN RSA RSA_PKCS1 SHA1", "33 SIGN RSA RSA_PKCS1 SHA256",
        "34 SIGN RSA RSA_PKCS1 SHA384", "35 SIGN RSA RSA_PKCS1 SHA512",
        "40 SIGN RSA RSA_PSS -", "41 SIGN RSA RSA_PSS SHA1", "43 SIGN RSA RSA_PSS SHA256",
        "44 SIGN RSA RSA_PSS SHA384", "45 SIGN RSA RSA_PSS SHA512",
        "70 SIGN EC ECDSA -", "71 SIGN EC ECDSA SHA1", "72 SIGN EC ECDSA SHA224",
        "73 SIGN EC ECDSA SHA256", "74 SIGN EC ECDSA SHA384", "75 SIGN EC ECDSA SHA512",
        "80 DECIPHER EC ECDH -", "92 WRAP ANY KEY_WRAP -", "93 UNWRAP ANY KEY_WRAP -",
        "10 CIPHER AES AES_CBC_ENCRYPT -", "11 CIPHER AES AES_CBC_DECRYPT -",
        "18 CIPHER AES AES_CMAC -");
    assertThat(AlgorithmId.Operation.SIGN.ins()).isEqualTo(Ins.SIGN);
    assertThat(AlgorithmId.Operation.DECIPHER.ins()).isEqualTo(Ins.DECIPHER);
    assertThat(AlgorithmId.Operation.WRAP.ins()).isEqualTo(Ins.WRAP_KEY);
    assertThat(AlgorithmId.Operation.UNWRAP.ins()).isEqualTo(Ins.UNWRAP_KEY);
  }

  @ParameterizedTest
  @EnumSource(Hash.class)
  void hash_roundTripsByLengthAndName(Hash h) {
    assertThat(Hash.byLength(h.length())).contains(h);
    assertThat(Hash.byJcaName(h.jcaName())).contains(h);
    assertThat(h.jcaName().replace("-", "")).isEqualTo(h.shortName());
    assertThat(h.oid()).matches("[0-2](\\.\\d+)+");
  }

  @Test
  void hash_lengthsNamesAndOidsUnique() {
    List<Hash> all = List.of(Hash.values());
    assertThat(all.stream().map(Hash::length).distinct().count()).isEqualTo(all.size());
    assertThat(all.stream().map(Hash::oid).distinct().count()).isEqualTo(all.size());
    assertThat(Hash.byLength(16)).isEmpty();
    assertThat(Hash.byJcaName("SHA256")).isEmpty();
  }

  @Test
  void tags_uniqueWithinEachGroup() throws Exception {
    for (Class<?> group : Tags.class.getDeclaredClasses()) {
      List<Integer> values = intConstants(group);
      assertThat(values).as(group.getSimpleName()).isNotEmpty().doesNotHaveDuplicates();
    }
    List<Integer> listed = Arrays.stream(Tags.all()).boxed().toList();
    List<Integer> declared = new ArrayList<>();
    for (Class<?> group : Tags.class.getDeclaredClasses()) {
      declared.addAll(intConstants(group));
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(declared);
  }

  @Test
  void fileIds_prefixesUnique_andOfRoundTrips() throws Exception {
    List<Integer> prefixes = new ArrayList<>();
    for (Field f : FileIds.class.getFields()) {
      if (f.getName().endsWith("_PREFIX")) {
        prefixes.add(f.getInt(null));
      }
    }
    assertThat(prefixes).hasSize(8).doesNotHaveDuplicates();
    for (int p : prefixes) {
      int fid = FileIds.of(p, 0x2A);
      assertThat(FileIds.hasPrefix(fid, p)).isTrue();
      assertThat(fid & 0xFF).isEqualTo(0x2A);
    }
    assertThat(FileIds.of(FileIds.KEY_PREFIX, 1)).isEqualTo(0xCC01);
    assertThatThrownBy(() -> FileIds.of(0xCC, 0x100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FileIds.of(0x100, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(TaAlgorithm.class)
  void taAlgorithm_roundTripsThroughItsDer(TaAlgorithm a) {
    assertThat(TaAlgorithm.byDer(a.der())).contains(a);
    byte[] copy = a.der();
    copy[copy.length - 1] ^= 1;
    assertThat(a.matches(copy)).isFalse();
    assertThat(a.matches(a.der())).isTrue();
  }

  /** BSI TR-03110 id-TA OIDs as OpenSC's card-sc-hsm.h / pkcs15-sc-hsm.c write them. */
  @Test
  void taAlgorithm_bytes() {
    assertThat(HEX.formatHex(TaAlgorithm.ECDSA_SHA_256.der())).isEqualTo("04007f00070202020203");
    assertThat(HEX.formatHex(TaAlgorithm.RSA_V1_5_SHA_256.der())).isEqualTo("04007f00070202020102");
    assertThat(TaAlgorithm.byDer(new byte[0])).isEmpty();
  }

  @Test
  void pinReferences_asOpenScNamesThem() throws Exception {
    assertThat(intConstants(PinReferences.class)).containsExactlyInAnyOrder(0x81, 0x88, 0x85, 0x86);
  }

  @Test
  void aid_isImmutable() {
    byte[] copy = Aid.SMARTCARD_HSM.bytes();
    copy[0] = 0;
    assertThat(Aid.SMARTCARD_HSM).hasToString("E82B0601040181C31F0201");
    assertThat(Aid.SMARTCARD_HSM.matches(HEX.parseHex("E82B0601040181C31F0201"))).isTrue();
    assertThat(Aid.SMARTCARD_HSM.matches(copy)).isFalse();
    assertThat(Aid.SMARTCARD_HSM.matches(HEX.parseHex("E82B0601040181C31F02"))).isFalse();
    byte[] given = HEX.parseHex("A000000001");
    Aid a = Aid.of(given);
    given[0] = 0;
    assertThat(a).isEqualTo(Aid.of(HEX.parseHex("A000000001"))).hasToString("A000000001");
    assertThat(a.hashCode()).isEqualTo(Aid.of(HEX.parseHex("A000000001")).hashCode());
    assertThatThrownBy(() -> Aid.of(new byte[4])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Aid.of(new byte[17])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noPublicMutableArrayConstants() {
    List<Class<?>> classes = new ArrayList<>(List.of(Ins.class, Aid.class, AlgorithmId.class,
        Hash.class, Tags.class, FileIds.class, CurveName.class, StatusWord.class,
        TaAlgorithm.class));
    classes.addAll(List.of(Tags.class.getDeclaredClasses()));
    for (Class<?> c : classes) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType().isArray()) {
          assertThat(Modifier.isPublic(f.getModifiers())).as(c.getSimpleName() + "." + f.getName())
              .isFalse();
        }
      }
    }
  }

  /** docs/protocol.md's command table lists exactly these INS / CLA pairs. */
  @Test
  void docsCommandTable_matchesIns() throws IOException {
    Path doc = Path.of("..", "docs", "protocol.md");
    String text = Files.readString(doc);
    String table = text.substring(text.indexOf("### 2.2 Command table"), text.indexOf("## 3."));
    Matcher m = Pattern.compile("(?m)^\\| ([0-9A-F]{2}) \\| ([0-9A-F]{2}) \\|").matcher(table);
    Map<Integer, Integer> documented = new HashMap<>();
    while (m.find()) {
      documented.put(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16));
    }
    Map<Integer, Integer> table2 =
        Arrays.stream(Ins.values()).collect(Collectors.toMap(Ins::code, Ins::cla));
    assertThat(documented).isEqualTo(table2);
  }

  private static List<Integer> intConstants(Class<?> c) throws IllegalAccessException {
    List<Integer> out = new ArrayList<>();
    for (Field f : c.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
        out.add(f.getInt(null));
      }
    }
    return out;
  }
}
