package dev.rollcall.channels.channel;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Endpoint-wide channel figures: live channel count, the serial that names each channel, and what
 * waits in mailboxes. Thread-safe (atomics).
 */
public final class ChannelCounters {
  /** JVM-wide, so two endpoints in one process (tests, embedded nodes) never share a channel id. */
  private static final AtomicLong serial = new AtomicLong();

  private final LongAdder live = new LongAdder();
  private final LongAdder queuedMail = new LongAdder();
  private final LongAdder queuedInbound = new LongAdder();
  private final LongAdder pausedSockets = new LongAdder();

  long nextSerial() {
    return serial.incrementAndGet();
  }

  void started() {
    live.increment();
  }

  void ended() {
    live.decrement();
  }

  void mailQueued(Mail mail) {
    queuedMail.increment();
    if (mail instanceof Mail.FromClient) {
      queuedInbound.increment();
    }
  }

  void mailTaken(Mail mail) {
    queuedMail.decrement();
    if (mail instanceof Mail.FromClient) {
      queuedInbound.decrement();
    }
  }

  void paused() {
    pausedSockets.increment();
  }

  void resumed() {
    pausedSockets.decrement();
  }

  /** Mail waiting in channel mailboxes right now: client messages and server-side messages. */
  public long queuedMail() {
    return queuedMail.sum();
  }

  /** Client messages read and waiting in channel mailboxes right now, on every socket. */
  public long queuedInbound() {
    return queuedInbound.sum();
  }

  /** Sockets not being read right now because their channels are behind. */
  public long pausedSockets() {
    return pausedSockets.sum();
  }

  /** Channels joined or joining right now, on every socket of the endpoint. */
  public long live() {
    return live.sum();
  }
}
