package dev.rollcall.bench;

import java.util.Locale;

/** The load shapes of docs/benchmarks.md, each one command. */
enum Scenario {
  /** N idle heroes joined and tracked; reports server memory per connection. */
  CAPACITY("N idle heroes join the lobby and stay; server heap and RSS per connection"),
  /** N heroes, one sends notify_all at the rate; deliveries/s and latency. */
  FANOUT("N heroes in the lobby, one of them sends notify_all at --rate per second"),
  /** N heroes send notify_direct to random heroes at the rate (in total); latency. */
  DIRECT("N heroes send notify_direct to random heroes, --rate messages per second in all"),
  /** N connected sockets join at once; time until every roster is complete. */
  STORM("N connected sockets join the lobby at once; time until every roster is complete"),
  /** N heroes join at a steady ramp over worker processes and nodes; joins/s as the lobby grows. */
  GROW(
      "N heroes join at a steady ramp; joins/s per tenth of N, bytes per join, heap per"
          + " connection on each node, time until every node's count is exact");

  final String description;

  Scenario(String description) {
    this.description = description;
  }

  String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Scenario parse(String value) {
    for (Scenario scenario : values()) {
      if (scenario.id().equals(value.toLowerCase(Locale.ROOT))
          || (scenario == FANOUT && value.equalsIgnoreCase("fan-out"))
          || (scenario == STORM && value.equalsIgnoreCase("join-storm"))) {
        return scenario;
      }
    }
    throw new UsageException(
        "unknown scenario: " + value + " (capacity, fanout, direct, storm, grow)");
  }
}
