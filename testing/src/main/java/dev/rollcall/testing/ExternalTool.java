package dev.rollcall.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The house rule for a test whose external tool (node, redis-server, chromium, a built jar) is
 * missing: locally it skips and says so loudly; under {@code CI=true} it fails, because CI must run
 * every test. Stateless.
 */
public final class ExternalTool {
  private ExternalTool() {}

  /** The executable {@code command} on {@code PATH}, if any. */
  public static Optional<Path> onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, command);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Reports a missing tool and never returns: an {@link AssertionError} under {@code CI=true}, else
   * a banner on stderr and an aborted (skipped) test.
   *
   * @param message what is missing and which tests cannot run
   * @param remedy how to install it, e.g. "apt-get install redis-server"
   */
  public static AssertionError missing(String message, String remedy) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(
          message + " (CI=true: a missing dependency is a failure; " + remedy + ")");
    }
    String bar = "!".repeat(79);
    System.err.printf("%n%s%n!!! SKIPPED: %s%n!!! %s%n%s%n%n", bar, message, remedy, bar);
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }
}
