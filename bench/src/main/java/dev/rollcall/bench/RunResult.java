package dev.rollcall.bench;

import java.util.LinkedHashMap;
import java.util.List;
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
    NODES("server nodes", "", true),
    JOINS_PER_SECOND("joins/s, first join to last", "/s", true),
    BYTES_PER_JOIN("bytes received per join (all heroes)", "B", false),
    FULL_PRESENCE_FRAMES("presence_state+diff frames/hero", "", false),
    COUNT_FRAMES("presence_count frames/hero", "", false),
    NODES_EXACT_MS("nodes' lists exact after last join", "ms", false),
    COUNTS_EXACT("heroes whose presence_count is exact", "", true),
    COUNTS_EXACT_MS("presence_counts exact after last join", "ms", false),
    HEAP_PER_CONNECTION_MAX("server heap/connection, worst node", "B", false),
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

  /** One node of a grow run: its name and its memory before the ramp and once the lobby is full. */
  record NodeMemory(String name, ServerProcess.Memory before, ServerProcess.Memory after) {}

  /**
   * The grow scenario's figures. Joins/s per tenth of the heroes asked come from when each join
   * completed; windows the run did not reach are left out. {@code nodesExactNanos} is when every
   * node's list first held every joined hero (0: never, within the wait).
   */
  static RunResult ofGrowth(
      String server,
      int asked,
      WorkerReport report,
      double rampSeconds,
      long nodesExactNanos,
      List<NodeMemory> nodes) {
    Map<String, Double> f = new LinkedHashMap<>();
    put(f, Figure.CONNECTIONS, report.joined());
    put(f, Figure.NODES, nodes.size());
    put(f, Figure.RAMP_SECONDS, rampSeconds);
    Histogram join = WorkerReport.decode(report.joinMicros());
    if (join.getTotalCount() > 0) {
      put(f, Figure.JOIN_P50, join.getValueAtPercentile(50) / 1000.0);
      put(f, Figure.JOIN_P99, join.getValueAtPercentile(99) / 1000.0);
      put(f, Figure.JOIN_MAX, join.getMaxValue() / 1000.0);
    }
    Histogram joinedAt = WorkerReport.decode(report.joinedAtMillis());
    long joins = joinedAt.getTotalCount();
    if (joins > 1 && joinedAt.getMaxValue() > joinedAt.getMinValue()) {
      put(
          f,
          Figure.JOINS_PER_SECOND,
          (joins - 1) * 1000.0 / (joinedAt.getMaxValue() - joinedAt.getMinValue()));
    }
    put(
        f,
        Figure.BYTES_PER_JOIN,
        report.joined() > 0 ? (double) report.bytesReceived() / report.joined() : 0);
    if (report.joined() > 0) {
      put(f, Figure.FULL_PRESENCE_FRAMES, (double) report.fullPresenceFrames() / report.joined());
      put(f, Figure.COUNT_FRAMES, (double) report.countFrames() / report.joined());
    }
    if (nodesExactNanos != 0 && report.lastJoinNanos() != 0) {
      put(f, Figure.NODES_EXACT_MS, Math.max(0, nodesExactNanos - report.lastJoinNanos()) / 1e6);
    }
    if (report.countFrames() > 0) {
      put(f, Figure.COUNTS_EXACT, report.countsExact());
      if (report.countsExact() >= asked && report.lastExactNanos() != 0) {
        put(
            f,
            Figure.COUNTS_EXACT_MS,
            Math.max(0, report.lastExactNanos() - report.lastJoinNanos()) / 1e6);
      }
    }
    long held = 0;
    long grown = 0;
    double worst = -1;
    for (NodeMemory node : nodes) {
      ServerProcess.Memory after = node.after();
      if (after.connections() > 0 && node.before().heapBytes() >= 0 && after.heapBytes() >= 0) {
        double perConnection =
            (double) (after.heapBytes() - node.before().heapBytes()) / after.connections();
        held += after.connections();
        grown += after.heapBytes() - node.before().heapBytes();
        worst = Math.max(worst, perConnection);
      }
    }
    if (held > 0) {
      put(f, Figure.SERVER_CONNECTIONS, held);
      put(f, Figure.HEAP_PER_CONNECTION, (double) grown / held);
      put(f, Figure.HEAP_PER_CONNECTION_MAX, worst);
    }
    put(f, Figure.ERRORS, report.errors().values().stream().mapToInt(Integer::intValue).sum());
    put(f, Figure.DROPS, report.drops());
    put(f, Figure.RECONNECTS, report.reconnects());
    // Figures without a fixed name: each tenth of the lobby, each node.
    long previous = joinedAt.getMinValue();
    for (int tenth = 1; tenth <= 10 && joins > 0; tenth++) {
      long from = (long) asked * (tenth - 1) / 10;
      long to = (long) asked * tenth / 10;
      if (to > joins || to == from) {
        break;
      }
      long at = joinedAt.getValueAtPercentile(100.0 * to / joins);
      double seconds = Math.max(1, at - previous) / 1000.0;
      f.put(
          String.format(
              java.util.Locale.ROOT, "joins/s, lobby %d-%d %%", tenth * 10 - 10, tenth * 10),
          (to - from) / seconds);
      previous = at;
    }
    for (NodeMemory node : nodes) {
      ServerProcess.Memory after = node.after();
      if (after.connections() >= 0) {
        f.put(node.name() + ": connections", (double) after.connections());
      }
      if (after.connections() > 0 && node.before().heapBytes() >= 0 && after.heapBytes() >= 0) {
        f.put(
            node.name() + ": heap/connection (B)",
            (double) (after.heapBytes() - node.before().heapBytes()) / after.connections());
      }
    }
    return new RunResult(server, f, report.errors());
  }

  private static void put(Map<String, Double> figures, Figure figure, double value) {
    figures.put(figure.key(), value);
  }

  Double get(Figure figure) {
    return figures.get(figure.key());
  }
}
