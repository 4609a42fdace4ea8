package dev.rollcall.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One server's figures for one scenario run, flattened into named numbers for the table and the
 * JSON. Immutable.
 */
record RunResult(String server, Map<String, Double> figures, Map<String, Integer> errors) {

  /** Figure names with their unit and which way is better (for the ratio column). */
  enum Figure {
    CONNECTIONS("connections reached", "", true),
    RAMP_SECONDS("ramp time", "s", false),
    JOIN_P50("join latency p50", "ms", false),
    JOIN_P99("join latency p99", "ms", false),
    JOIN_MAX("join latency max", "ms", false),
    SENT("notifications sent", "", true),
    DELIVERED("deliveries", "", true),
    DELIVERIES_PER_SECOND("deliveries/s", "/s", true),
    DELIVERY_P50("delivery latency p50", "ms", false),
    DELIVERY_P90("delivery latency p90", "ms", false),
    DELIVERY_P99("delivery latency p99", "ms", false),
    DELIVERY_MAX("delivery latency max", "ms", false),
    ROSTERS_COMPLETE("rosters complete", "", true),
    ROSTER_ALL_MS("storm: all rosters complete after", "ms", false),
    PRESENCE_FRAMES_MEAN("storm: presence frames/client mean", "", false),
    PRESENCE_FRAMES_MAX("storm: presence frames/client max", "", false),
    SERVER_CONNECTIONS("connections the server holds", "", true),
    HEAP_PER_CONNECTION("server heap/connection (after GC)", "B", false),
    RSS_PER_CONNECTION("server RSS/connection", "B", false),
    HEAP_FOR_1M("heap for 1M connections (extrapolated)", "GB", false),
    ERRORS("errors", "", false),
    DROPS("dropped connections", "", false),
    RECONNECTS("reconnects", "", false);

    final String label;
    final String unit;
    final boolean higherIsBetter;

    Figure(String label, String unit, boolean higherIsBetter) {
      this.label = label;
      this.unit = unit;
      this.higherIsBetter = higherIsBetter;
    }

    String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  static RunResult of(
      String server,
      Scenario scenario,
      WorkerReport report,
      double rampSeconds,
      ServerProcess.Memory before,
      ServerProcess.Memory after) {
    Map<String, Double> f = new LinkedHashMap<>();
    put(f, Figure.CONNECTIONS, report.joined());
    put(f, Figure.RAMP_SECONDS, rampSeconds);
    Histogram join = WorkerReport.decode(report.joinMicros());
    if (join.getTotalCount() > 0) {
      put(f, Figure.JOIN_P50, join.getValueAtPercentile(50) / 1000.0);
      put(f, Figure.JOIN_P99, join.getValueAtPercentile(99) / 1000.0);
      put(f, Figure.JOIN_MAX, join.getMaxValue() / 1000.0);
    }
    if (scenario == Scenario.FANOUT || scenario == Scenario.DIRECT) {
      Histogram delivery = WorkerReport.decode(report.deliveryMicros());
      put(f, Figure.SENT, report.sent());
      put(f, Figure.DELIVERED, report.delivered());
      put(
          f,
          Figure.DELIVERIES_PER_SECOND,
          report.measuredSeconds() > 0 ? report.delivered() / report.measuredSeconds() : 0);
      if (delivery.getTotalCount() > 0) {
        put(f, Figure.DELIVERY_P50, delivery.getValueAtPercentile(50) / 1000.0);
        put(f, Figure.DELIVERY_P90, delivery.getValueAtPercentile(90) / 1000.0);
        put(f, Figure.DELIVERY_P99, delivery.getValueAtPercentile(99) / 1000.0);
        put(f, Figure.DELIVERY_MAX, delivery.getMaxValue() / 1000.0);
      }
    }
    if (scenario == Scenario.STORM) {
      put(f, Figure.ROSTERS_COMPLETE, report.rostersComplete());
      Histogram rosters = WorkerReport.decode(report.rosterMillis());
      if (rosters.getTotalCount() > 0) {
        put(f, Figure.ROSTER_ALL_MS, rosters.getMaxValue());
      }
      Histogram frames = WorkerReport.decode(report.presenceFrames());
      if (frames.getTotalCount() > 0) {
        put(f, Figure.PRESENCE_FRAMES_MEAN, frames.getMean());
        put(f, Figure.PRESENCE_FRAMES_MAX, frames.getMaxValue());
      }
    }
    if (scenario == Scenario.CAPACITY && report.joined() > 0) {
      // Per connection the server holds when it says (joins whose client timed out are held too),
      // else per joined hero as the clients saw it.
      long connections = after.connections() > 0 ? after.connections() : report.joined();
      if (after.connections() >= 0) {
        put(f, Figure.SERVER_CONNECTIONS, after.connections());
      }
      if (before.heapBytes() >= 0 && after.heapBytes() >= 0) {
        double perConnection = (double) (after.heapBytes() - before.heapBytes()) / connections;
        put(f, Figure.HEAP_PER_CONNECTION, perConnection);
        put(f, Figure.HEAP_FOR_1M, perConnection * 1_000_000 / 1e9);
      }
      if (before.rssBytes() >= 0 && after.rssBytes() >= 0) {
        put(
            f,
            Figure.RSS_PER_CONNECTION,
            (double) (after.rssBytes() - before.rssBytes()) / connections);
      }
    }
    put(f, Figure.ERRORS, report.errors().values().stream().mapToInt(Integer::intValue).sum());
    put(f, Figure.DROPS, report.drops());
    put(f, Figure.RECONNECTS, report.reconnects());
    return new RunResult(server, f, report.errors());
  }

  private static void put(Map<String, Double> figures, Figure figure, double value) {
    figures.put(figure.key(), value);
  }

  Double get(Figure figure) {
    return figures.get(figure.key());
  }
}
