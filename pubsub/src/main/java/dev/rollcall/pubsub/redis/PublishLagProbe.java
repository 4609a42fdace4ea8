package dev.rollcall.pubsub.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Measures publish lag on this node's own broadcasts: from one being handed to the publish queue to
 * its echo arriving back from Redis on this node's subscription. One broadcast is timed at a time
 * (the next publish after the echo starts the next probe), so it costs one allocation per round
 * trip and nothing at all without listeners. Thread-safe: publishers race to start a probe with a
 * compare-and-set; the subscription's thread ends it.
 */
final class PublishLagProbe {
  /** A probe whose echo never came (dropped while Redis was down) is replaced after this. */
  private static final long STALE_NANOS = Duration.ofSeconds(10).toNanos();

  private record Probe(byte[] bytes, long sentNanos) {}

  private final CopyOnWriteArrayList<LongConsumer> listeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<Probe> current = new AtomicReference<>();

  void addListener(LongConsumer listener) {
    listeners.add(listener);
  }

  /** A broadcast's envelope was queued for Redis. */
  void published(byte[] bytes) {
    if (listeners.isEmpty()) {
      return;
    }
    Probe probe = current.get();
    long now = System.nanoTime();
    if (probe == null || now - probe.sentNanos > STALE_NANOS) {
      current.compareAndSet(probe, new Probe(bytes, now));
    }
  }

  /** This node's own broadcast came back from Redis. */
  void echoed(byte[] bytes) {
    Probe probe = current.get();
    if (probe == null
        || !Arrays.equals(probe.bytes, bytes)
        || !current.compareAndSet(probe, null)) {
      return;
    }
    long lag = System.nanoTime() - probe.sentNanos;
    for (LongConsumer listener : listeners) {
      listener.accept(lag);
    }
  }
}
