package dev.rollcall.client.frames;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link PhoenixClient} runs: its event loop threads and the limits every socket shares.
 *
 * @param eventLoopThreads threads serving all sockets (one is enough for thousands of idle ones)
 * @param connectTimeout TCP connect limit
 * @param handshakeTimeout time from TCP connect to the 101 answer
 * @param maxFramePayload largest frame accepted from the server; large because a presence_state for
 *     tens of thousands of heroes is megabytes
 */
public record ClientConfig(
    int eventLoopThreads, Duration connectTimeout, Duration handshakeTimeout, int maxFramePayload) {

  public ClientConfig {
    if (eventLoopThreads < 1) {
      throw new IllegalArgumentException("eventLoopThreads must be ≥ 1");
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    if (maxFramePayload < 1024) {
      throw new IllegalArgumentException("maxFramePayload must be ≥ 1024");
    }
  }

  public static ClientConfig defaults() {
    return new ClientConfig(1, Duration.ofSeconds(10), Duration.ofSeconds(10), 64 << 20);
  }

  public ClientConfig withEventLoopThreads(int threads) {
    return new ClientConfig(threads, connectTimeout, handshakeTimeout, maxFramePayload);
  }

  public ClientConfig withTimeouts(Duration connect, Duration handshake) {
    return new ClientConfig(eventLoopThreads, connect, handshake, maxFramePayload);
  }
}
