package dev.rollcall.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Prints the results of one scenario as a table (one column per server, and their ratio). */
final class ResultTable {
  private ResultTable() {}

  static void print(PrintStream out, Scenario scenario, List<RunResult> results) {
    out.printf(Locale.ROOT, "%n== %s: %s%n", scenario.id(), scenario.description);
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-40s", "figure"));
    for (RunResult result : results) {
      header.append(String.format(Locale.ROOT, "%16s", result.server()));
    }
    if (results.size() == 2) {
      header.append("   ratio (>1: " + results.getFirst().server() + " better)");
    }
    out.println(header);
    for (RunResult.Figure figure : RunResult.Figure.values()) {
      if (results.stream().allMatch(r -> r.get(figure) == null)) {
        continue;
      }
      StringBuilder row =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-40s",
                  figure.label + (figure.unit.isEmpty() ? "" : " (" + figure.unit + ")")));
      for (RunResult result : results) {
        Double value = result.get(figure);
        row.append(String.format(Locale.ROOT, "%16s", value == null ? "-" : format(value)));
      }
      Double ratio = results.size() == 2 ? ratio(figure, results.get(0), results.get(1)) : null;
      if (ratio != null) {
        row.append(String.format(Locale.ROOT, "%12.2fx", ratio));
      }
      out.println(row);
    }
    // Figures a scenario names itself (a grow run's windows and nodes), in the order they came.
    Set<String> named = new LinkedHashSet<>();
    results.forEach(result -> named.addAll(result.figures().keySet()));
    for (RunResult.Figure figure : RunResult.Figure.values()) {
      named.remove(figure.key());
    }
    for (String name : named) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-40s", name));
      for (RunResult result : results) {
        Double value = result.figures().get(name);
        row.append(String.format(Locale.ROOT, "%16s", value == null ? "-" : format(value)));
      }
      out.println(row);
    }
    for (RunResult result : results) {
      if (!result.errors().isEmpty()) {
        out.println(result.server() + " errors: " + result.errors());
      }
    }
  }

  /**
   * Rollcall's figure against the baseline's, oriented so that above 1 means Rollcall is better.
   */
  static Double ratio(RunResult.Figure figure, RunResult rollcall, RunResult baseline) {
    Double a = rollcall.get(figure);
    Double b = baseline.get(figure);
    if (a == null || b == null || a <= 0 || b <= 0) {
      return null;
    }
    return figure.higherIsBetter ? a / b : b / a;
  }

  static Map<String, Double> ratios(RunResult rollcall, RunResult baseline) {
    Map<String, Double> ratios = new LinkedHashMap<>();
    for (RunResult.Figure figure : RunResult.Figure.values()) {
      Double ratio = ratio(figure, rollcall, baseline);
      if (ratio != null) {
        ratios.put(figure.key(), ratio);
      }
    }
    return ratios;
  }

  private static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e12) {
      return String.format(Locale.ROOT, "%,d", (long) value);
    }
    return String.format(Locale.ROOT, Math.abs(value) < 10 ? "%.3f" : "%,.1f", value);
  }
}
