package dev.rollcall.channels.transport;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Endpoint-wide transport counters. Thread-safe. */
final class EndpointStats {
  final AtomicInteger connections = new AtomicInteger();
  final LongAdder messagesIn = new LongAdder();
  final LongAdder messagesOut = new LongAdder();

  /** Encodes done for broadcasts (fastlane): one per broadcast and serializer, not per client. */
  final LongAdder fastlaneEncodes = new LongAdder();

  /** Takes a connection slot unless {@code max} are taken. */
  boolean tryOpen(int max) {
    while (true) {
      int now = connections.get();
      if (now >= max) {
        return false;
      }
      if (connections.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void closed() {
    connections.decrementAndGet();
  }
}
