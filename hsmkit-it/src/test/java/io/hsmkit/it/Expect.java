package io.hsmkit.it;

import java.math.BigInteger;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code expect} sessions for sc-hsm-tool's interactive m-of-n password-share dialogues (scripts
 * in test resources {@code io/hsmkit/it/expect/}), and the parsing of the shares it shows.
 */
final class Expect {
  private static final Pattern SHARE = Pattern.compile(
      "Prime\\s*: ([0-9a-f:]+)\\s*\\nShare ID\\s*: (\\d+)\\s*\\nShare value : ([0-9a-f:]+)");

  private Expect() {}

  /** One password share as sc-hsm-tool shows it (hex with colons; the ID in decimal). */
  record Share(String prime, int id, String value) {
    /** The text a custodian notes down; also hsmkit's {@code --share-file} format. */
    String noted() {
      return "Prime       : " + prime + "\nShare ID    : " + id + "\nShare value : " + value + "\n";
    }
  }

  static Tool.Result run(String script, Map<String, String> env, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("expect");
    argv.add(resource(script).toString());
    argv.addAll(List.of(args));
    Map<String, String> all = new HashMap<>(env);
    all.put("TERM", "xterm"); // sc-hsm-tool clears the screen between shares with clear(1)
    return Tool.run(argv, all, Duration.ofMinutes(4));
  }

  /** The shares shown in an expect session's output, by share ID. */
  static Map<Integer, Share> shares(String sessionOutput) {
    String text = sessionOutput.replace("\r", "").replaceAll("\u001B\\[[0-9;]*[A-Za-z]", "");
    Matcher m = SHARE.matcher(text);
    Map<Integer, Share> out = new LinkedHashMap<>();
    while (m.find()) {
      out.put(Integer.parseInt(m.group(2)), new Share(m.group(1), Integer.parseInt(m.group(2)),
          m.group(3)));
    }
    return out;
  }

  /** Everything in the shares, to mask them in assertion messages. */
  static List<String> secrets(Iterable<Share> shares) {
    List<String> s = new ArrayList<>();
    for (Share sh : shares) {
      s.add(sh.value());
    }
    return s;
  }

  /**
   * The shared secret (the share-file password as a number), by Lagrange interpolation at 0 —
   * written here independently of hsmkit's PasswordShares.
   */
  static BigInteger secret(List<Share> shares) {
    BigInteger p = hex(shares.get(0).prime());
    BigInteger s = BigInteger.ZERO;
    for (Share i : shares) {
      BigInteger num = BigInteger.ONE;
      BigInteger den = BigInteger.ONE;
      for (Share j : shares) {
        if (j != i) {
          num = num.multiply(BigInteger.valueOf(-j.id()));
          den = den.multiply(BigInteger.valueOf(i.id() - j.id()));
        }
      }
      s = s.add(hex(i.value()).multiply(num).multiply(den.mod(p).modInverse(p)));
    }
    return s.mod(p);
  }

  static BigInteger hex(String colonHex) {
    return new BigInteger(colonHex.replace(":", ""), 16);
  }

  private static Path resource(String script) {
    URL url = Expect.class.getResource("expect/" + script);
    if (url == null) {
      throw new IllegalStateException("expect script " + script + " missing from test resources");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
