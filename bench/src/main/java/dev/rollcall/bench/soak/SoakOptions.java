package dev.rollcall.bench.soak;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How long and how hard a soak runs.
 *
 * @param duration how long heroes churn (10 minutes by default)
 * @param heroes concurrent heroes, each one connection at a time
 * @param ramp heroes start spread over this time (a real crowd does not arrive in one instant)
 * @param hold longest time a hero stays joined before leaving (each stay is random up to this)
 * @param notifyChance chance per second of a joined hero sending a notification
 * @param sample how often node resources are printed
 * @param jar the launcher jar ({@code dispatch/target/rollcall-dispatch.jar})
 * @param nodeJvm JVM options of each node
 */
record SoakOptions(
    Duration duration,
    int heroes,
    Duration ramp,
    Duration hold,
    double notifyChance,
    Duration sample,
    Path jar,
    String nodeJvm) {

  static SoakOptions parse(String[] args) {
    Duration duration = Duration.ofMinutes(10);
    int heroes = 5000;
    Duration ramp = Duration.ofSeconds(60);
    Duration hold = Duration.ofSeconds(20);
    double notifyChance = 0.02;
    Duration sample = Duration.ofSeconds(15);
    Path jar = Path.of("dispatch/target/rollcall-dispatch.jar");
    String nodeJvm = "-Xmx1g -XX:+UseG1GC";
    for (int i = 0; i + 1 < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--duration" -> duration = seconds(value);
        case "--heroes" -> heroes = Integer.parseInt(value);
        case "--ramp" -> ramp = seconds(value);
        case "--hold" -> hold = seconds(value);
        case "--notify-chance" -> notifyChance = Double.parseDouble(value);
        case "--sample" -> sample = seconds(value);
        case "--jar" -> jar = Path.of(value);
        case "--node-jvm" -> nodeJvm = value;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    return new SoakOptions(duration, heroes, ramp, hold, notifyChance, sample, jar, nodeJvm);
  }

  /** {@code 90s}, {@code 10m} or plain seconds. */
  private static Duration seconds(String value) {
    if (value.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
    }
    return Duration.ofSeconds(Long.parseLong(value.replaceAll("s$", "")));
  }
}
