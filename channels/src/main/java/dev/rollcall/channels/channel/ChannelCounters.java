package dev.rollcall.channels.channel;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Endpoint-wide channel figures: live channel count and the serial that names each channel.
 * Thread-safe (atomics).
 */
public final class ChannelCounters {
  /** JVM-wide, so two endpoints in one process (tests, embedded nodes) never share a channel id. */
  private static final AtomicLong serial = new AtomicLong();

  private final LongAdder live = new LongAdder();

  long nextSerial() {
    return serial.incrementAndGet();
  }

  void started() {
    live.increment();
  }

  void ended() {
    live.decrement();
  }

  /** Channels joined or joining right now, on every socket of the endpoint. */
  public long live() {
    return live.sum();
  }
}
