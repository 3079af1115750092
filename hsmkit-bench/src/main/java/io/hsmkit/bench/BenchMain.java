package io.hsmkit.bench;

import io.hsmkit.card.crypto.CryptoProviders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs JMH with the usual command line and then prints the tables of BENCHMARKS.md: for {@link
 * CardOps} {@code operation | card ops/s | raw ops/s | ratio}, for {@link ProviderOps} one row per
 * operation and one column per provider.
 *
 * <p>Own options, taken out before JMH sees the rest: {@code --table FILE} also writes the tables
 * (Markdown) to FILE; {@code --rounds N} runs everything N times over. Without a benchmark
 * pattern it runs {@code CardOps}. Scores are medians over the measurement iterations (± half the
 * interquartile range).
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    List<String> jmhArgs = new ArrayList<>();
    Path table = null;
    int rounds = 1;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--table") && i + 1 < args.length) {
        table = Path.of(args[++i]);
      } else if (args[i].equals("--rounds") && i + 1 < args.length) {
        rounds = Integer.parseInt(args[++i]);
      } else {
        jmhArgs.add(args[i]);
      }
    }
    CommandLineOptions cli = new CommandLineOptions(jmhArgs.toArray(String[]::new));
    if (cli.shouldHelp() || cli.shouldList() || cli.shouldListWithParams()
        || cli.shouldListProfilers() || cli.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
      return;
    }
    List<RunResult> results = new ArrayList<>();
    ChainedOptionsBuilder b = new OptionsBuilder().parent(cli);
    if (cli.getIncludes().isEmpty()) {
      b.include(CardOps.class.getName());
    }
    for (int round = 0; round < rounds; round++) {
      results.addAll(new Runner(b.build()).run());
    }

    boolean accpOff =
        Stream.concat(
                cli.getJvmArgs().orElse(List.of()).stream(),
                cli.getJvmArgsAppend().orElse(List.of()).stream())
            .anyMatch(a -> a.equals("-D" + CryptoProviders.ACCP_PROPERTY + "=false"));
    String report = environment(accpOff) + "\n" + cardTable(results) + providerTable(results);
    System.out.println();
    System.out.println(report);
    if (table != null) {
      Files.writeString(table, report, StandardCharsets.UTF_8);
    }
  }

  /** Machine, JDK and provider versions, as a Markdown list. */
  static String environment(boolean accpOff) {
    StringBuilder b = new StringBuilder();
    b.append("- CPU: ").append(cpuModel()).append(", ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores visible to the JVM\n");
    b.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.runtime.version")).append('\n');
    CryptoProviders forks = accpOff ? CryptoProviders.fallback() : CryptoProviders.detect();
    b.append("- Card providers: ").append(forks.describe());
    if (accpOff) {
      b.append(" (forks run with -D").append(CryptoProviders.ACCP_PROPERTY).append("=false)");
    }
    b.append('\n');
    b.append("- Versions: ");
    CryptoProviders.accpIfAvailable()
        .ifPresent(p -> b.append("ACCP ").append(p.getVersionStr()).append(", "));
    Provider bc = CryptoProviders.bouncyCastle();
    b.append("Bouncy Castle ").append(bc.getVersionStr()).append(", JMH ")
        .append(org.openjdk.jmh.util.Utils.class.getPackage().getImplementationVersion() == null
            ? "1.37" : org.openjdk.jmh.util.Utils.class.getPackage().getImplementationVersion())
        .append('\n');
    return b.toString();
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }

  /**
   * Throughput of one benchmark over all its measurement iterations (of every round): the median,
   * robust against the load spikes of a shared machine, with half the interquartile range as
   * spread.
   */
  private record Score(double value, double error) {
    static Score of(List<RunResult> runs) {
      return of(runs, null);
    }

    /** Over the primary result, or the secondary result {@code label} (a method of a group). */
    static Score of(List<RunResult> runs, String label) {
      List<Double> xs = new ArrayList<>();
      for (RunResult r : runs) {
        for (BenchmarkResult br : r.getBenchmarkResults()) {
          for (IterationResult ir : br.getIterationResults()) {
            Result<?> res =
                label == null ? ir.getPrimaryResult() : ir.getSecondaryResults().get(label);
            if (res != null && !Double.isNaN(res.getScore())) {
              xs.add(res.getScore());
            }
          }
        }
      }
      return summarise(xs);
    }

    static Score summarise(List<Double> values) {
      if (values.isEmpty()) {
        return null;
      }
      List<Double> xs = new ArrayList<>(values);
      Collections.sort(xs);
      return new Score(quantile(xs, 0.5), (quantile(xs, 0.75) - quantile(xs, 0.25)) / 2);
    }

    static double quantile(List<Double> sorted, double q) {
      double pos = q * (sorted.size() - 1);
      int lo = (int) Math.floor(pos);
      int hi = (int) Math.ceil(pos);
      return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (pos - lo);
    }
  }

  static String cardTable(Collection<RunResult> results) {
    Map<String, List<RunResult>> rows = new LinkedHashMap<>();
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().startsWith(CardOps.class.getName() + ".")) {
        rows.computeIfAbsent(r.getParams().getParam("op"), k -> new ArrayList<>()).add(r);
      }
    }
    if (rows.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    b.append("| operation | card ops/s | raw ops/s | ratio card/raw | card overhead µs/op |\n");
    b.append("| --- | ---: | ---: | ---: | ---: |\n");
    for (var e : rows.entrySet()) {
      Score card = Score.of(e.getValue(), "card");
      Score raw = Score.of(e.getValue(), "raw");
      Score ratio = ratios(e.getValue());
      b.append("| ").append(e.getKey()).append(" | ").append(fmt(card)).append(" | ")
          .append(fmt(raw)).append(" | ");
      if (card != null && raw != null && ratio != null) {
        b.append(String.format(Locale.ROOT, "%.3f ± %.3f", ratio.value(), ratio.error()))
            .append(" | ")
            .append(String.format(Locale.ROOT, "%.2f", 1e6 / card.value() - 1e6 / raw.value()));
      } else {
        b.append("– | –");
      }
      b.append(" |\n");
    }
    return b.toString();
  }

  /**
   * card / raw of each measurement iteration (both ran in the same second), summarised like a
   * {@link Score}: the median and half the interquartile range.
   */
  static Score ratios(List<RunResult> runs) {
    List<Double> xs = new ArrayList<>();
    for (RunResult r : runs) {
      for (BenchmarkResult br : r.getBenchmarkResults()) {
        for (IterationResult ir : br.getIterationResults()) {
          Result<?> c = ir.getSecondaryResults().get("card");
          Result<?> w = ir.getSecondaryResults().get("raw");
          if (c != null && w != null && w.getScore() > 0) {
            xs.add(c.getScore() / w.getScore());
          }
        }
      }
    }
    return Score.summarise(xs);
  }

  static String providerTable(Collection<RunResult> results) {
    Map<String, Map<String, Score>> rows = new LinkedHashMap<>();
    TreeMap<String, Boolean> providers = new TreeMap<>();
    for (RunResult r : results) {
      if (!r.getParams().getBenchmark().startsWith(ProviderOps.class.getName() + ".")) {
        continue;
      }
      String op = r.getParams().getParam("op");
      String provider = r.getParams().getParam("provider");
      providers.put(provider, true);
      rows.computeIfAbsent(op, k -> new LinkedHashMap<>()).put(provider, Score.of(List.of(r)));
    }
    if (rows.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("\n| raw operation, ops/s |");
    providers.keySet().forEach(p -> b.append(' ').append(p).append(" |"));
    b.append(" fastest |\n| --- |");
    providers.keySet().forEach(p -> b.append(" ---: |"));
    b.append(" --- |\n");
    for (var e : rows.entrySet()) {
      b.append("| ").append(e.getKey()).append(" |");
      String best = null;
      double bestScore = -1;
      for (String p : providers.keySet()) {
        Score s = e.getValue().get(p);
        b.append(' ').append(fmt(s)).append(" |");
        if (s != null && s.value() > bestScore) {
          bestScore = s.value();
          best = p;
        }
      }
      b.append(' ').append(best).append(" |\n");
    }
    return b.toString();
  }

  private static double sq(double x) {
    return x * x;
  }

  private static String fmt(Score s) {
    if (s == null) {
      return "–";
    }
    if (s.value() >= 100) {
      return String.format(Locale.ROOT, "%,.0f ± %,.0f", s.value(), s.error());
    }
    return String.format(Locale.ROOT, "%.2f ± %.2f", s.value(), s.error());
  }
}
