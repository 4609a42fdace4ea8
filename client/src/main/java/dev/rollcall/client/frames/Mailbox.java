package dev.rollcall.client.frames;

import dev.rollcall.protocol.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Received messages waiting for a test to take them, like a process mailbox with selective receive.
 * The event loop puts, any thread takes; guarded by its own monitor.
 */
final class Mailbox {
  private final List<Message> messages = new ArrayList<>();

  synchronized void put(Message message) {
    messages.add(message);
    notifyAll();
  }

  /** The first matching message, removed; null if none arrives in time. */
  synchronized Message take(Predicate<Message> matching, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    while (true) {
      for (; checked < messages.size(); checked++) {
        if (matching.test(messages.get(checked))) {
          return messages.remove(checked);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  synchronized List<Message> drain() {
    var all = new ArrayList<>(messages);
    messages.clear();
    return all;
  }

  synchronized List<Message> snapshot() {
    return List.copyOf(messages);
  }
}
