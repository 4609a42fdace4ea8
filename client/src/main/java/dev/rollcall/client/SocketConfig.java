package dev.rollcall.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a {@link Socket} connects and retries: phoenix.js's {@code Socket} options, with its
 * defaults.
 *
 * @param params query parameters added to the endpoint URL (phoenix.js {@code params})
 * @param authToken sent as phoenix.js does, as a second {@code Sec-WebSocket-Protocol}; null for
 *     none
 * @param timeout how long a push (and a join) waits for its reply before {@code "timeout"}
 * @param heartbeatInterval period of heartbeats; a heartbeat still unanswered after one more period
 *     closes the connection and reconnects
 * @param reconnectAfter delay before reconnect try n (1, 2, ...) after the connection was lost
 * @param rejoinAfter delay before rejoin try n of a channel that errored
 * @param connectTimeout limit for TCP connect, and again for the WebSocket upgrade
 * @param maxFramePayload largest frame accepted from the server
 * @param trustManagers for {@code wss://}: whom to trust; null for the JDK's default trust store
 *     (tests with a self-signed certificate pass a factory that trusts it)
 */
public record SocketConfig(
    Map<String, String> params,
    String authToken,
    Duration timeout,
    Duration heartbeatInterval,
    IntFunction<Duration> reconnectAfter,
    IntFunction<Duration> rejoinAfter,
    Duration connectTimeout,
    int maxFramePayload,
    TrustManagerFactory trustManagers) {

  private static final List<Duration> RECONNECT =
      millis(10, 50, 100, 150, 200, 250, 500, 1000, 2000);
  private static final Duration RECONNECT_LAST = Duration.ofSeconds(5);
  private static final List<Duration> REJOIN = millis(1000, 2000, 5000);
  private static final Duration REJOIN_LAST = Duration.ofSeconds(10);

  public SocketConfig {
    params = Map.copyOf(Objects.requireNonNull(params, "params"));
    requirePositive(timeout, "timeout");
    requirePositive(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(reconnectAfter, "reconnectAfter");
    Objects.requireNonNull(rejoinAfter, "rejoinAfter");
    requirePositive(connectTimeout, "connectTimeout");
    if (maxFramePayload < 1024) {
      throw new IllegalArgumentException("maxFramePayload must be at least 1024");
    }
  }

  /**
   * phoenix.js's defaults: 10 s push timeout, 30 s heartbeat, reconnect after 10, 50, 100, 150,
   * 200, 250, 500, 1000, 2000 ms then every 5 s, rejoin after 1, 2, 5 s then every 10 s; plus a 10
   * s connect timeout and 64 MiB frames (a presence_state of many thousands of users is megabytes).
   */
  public static SocketConfig defaults() {
    return new SocketConfig(
        Map.of(),
        null,
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        SocketConfig::defaultReconnectAfter,
        SocketConfig::defaultRejoinAfter,
        Duration.ofSeconds(10),
        64 << 20,
        null);
  }

  /** phoenix.js's reconnect backoff for try {@code n} (from 1). */
  public static Duration defaultReconnectAfter(int n) {
    return n >= 1 && n <= RECONNECT.size() ? RECONNECT.get(n - 1) : RECONNECT_LAST;
  }

  /** phoenix.js's rejoin backoff for try {@code n} (from 1). */
  public static Duration defaultRejoinAfter(int n) {
    return n >= 1 && n <= REJOIN.size() ? REJOIN.get(n - 1) : REJOIN_LAST;
  }

  public SocketConfig withParams(Map<String, String> value) {
    return new SocketConfig(
        value,
        authToken,
        timeout,
        heartbeatInterval,
        reconnectAfter,
        rejoinAfter,
        connectTimeout,
        maxFramePayload,
        trustManagers);
  }

  public SocketConfig withAuthToken(String value) {
    return new SocketConfig(
        params,
        value,
        timeout,
        heartbeatInterval,
        reconnectAfter,
        rejoinAfter,
        connectTimeout,
        maxFramePayload,
        trustManagers);
  }

  public SocketConfig withTimeout(Duration value) {
    return new SocketConfig(
        params,
        authToken,
        value,
        heartbeatInterval,
        reconnectAfter,
        rejoinAfter,
        connectTimeout,
        maxFramePayload,
        trustManagers);
  }

  public SocketConfig withHeartbeatInterval(Duration value) {
    return new SocketConfig(
        params,
        authToken,
        timeout,
        value,
        reconnectAfter,
        rejoinAfter,
        connectTimeout,
        maxFramePayload,
        trustManagers);
  }

  public SocketConfig withReconnectAfter(IntFunction<Duration> value) {
    return new SocketConfig(
        params,
        authToken,
        timeout,
        heartbeatInterval,
        value,
        rejoinAfter,
        connectTimeout,
        maxFramePayload,
        trustManagers);
  }

  public SocketConfig withRejoinAfter(IntFunction<Duration> value) {
    return new SocketConfig(
        params,
        authToken,
        timeout,
        heartbeatInterval,
        reconnectAfter,
        value,
        connectTimeout,
        maxFramePayload,
        trustManagers);
  }

  public SocketConfig withConnectTimeout(Duration value) {
    return new SocketConfig(
        params,
        authToken,
        timeout,
        heartbeatInterval,
        reconnectAfter,
        rejoinAfter,
        value,
        maxFramePayload,
        trustManagers);
  }

  public SocketConfig withMaxFramePayload(int value) {
    return new SocketConfig(
        params,
        authToken,
        timeout,
        heartbeatInterval,
        reconnectAfter,
        rejoinAfter,
        connectTimeout,
        value,
        trustManagers);
  }

  public SocketConfig withTrustManagers(TrustManagerFactory value) {
    return new SocketConfig(
        params,
        authToken,
        timeout,
        heartbeatInterval,
        reconnectAfter,
        rejoinAfter,
        connectTimeout,
        maxFramePayload,
        value);
  }

  private static List<Duration> millis(long... values) {
    return java.util.Arrays.stream(values).mapToObj(Duration::ofMillis).toList();
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
