package dev.rollcall.channels.transport;

import dev.rollcall.channels.channel.CloseCodes;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes WebSockets that sent nothing for {@code idleTimeout}, with 1001 (phoenix.js reconnects).
 * One periodic sweep for the whole endpoint instead of an idle handler and a timer per connection:
 * a connection only stamps the time of its last inbound frame. A connection is closed between
 * {@code idleTimeout} and {@code idleTimeout + period} after its last frame.
 *
 * <p>Runs on one event loop; reads each connection's volatile stamp.
 */
final class IdleSweep implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(IdleSweep.class);

  private final Set<Connection> connections;
  private final long idleNanos;

  IdleSweep(Set<Connection> connections, Duration idleTimeout) {
    this.connections = connections;
    this.idleNanos = idleTimeout.toNanos();
  }

  /** A quarter of the timeout, at most 5 s: precise enough, and cheap for 100k connections. */
  static Duration period(Duration idleTimeout) {
    Duration quarter = idleTimeout.dividedBy(4);
    return quarter.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : quarter;
  }

  @Override
  public void run() {
    long now = System.nanoTime();
    for (Connection connection : connections) {
      if (now - connection.lastReadNanos() > idleNanos
          && !connection.closing()
          && !connection.readingPaused()) {
        log.debug("closing idle socket from {}", connection.channel().remoteAddress());
        connection.close(CloseCodes.GOING_AWAY, "idle timeout");
      }
    }
  }
}
