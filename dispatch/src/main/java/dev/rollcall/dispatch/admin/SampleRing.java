package dev.rollcall.dispatch.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last {@code capacity} cluster totals, oldest first: what a freshly opened dashboard's chart
 * shows at once. Thread-safe: added to by the dashboard's thread, read by joining channels.
 */
public final class SampleRing {
  private final Sample[] samples;
  private int next;
  private int size;

  /** Cluster totals at one moment (epoch milliseconds). */
  public record Sample(
      long at, long connections, double messagesInPerSecond, double messagesOutPerSecond) {

    Map<String, Object> toWire() {
      Map<String, Object> wire = new LinkedHashMap<>();
      wire.put("at", at);
      wire.put("connections", connections);
      wire.put("messages_in_per_s", messagesInPerSecond);
      wire.put("messages_out_per_s", messagesOutPerSecond);
      return wire;
    }
  }

  public SampleRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    samples = new Sample[capacity];
  }

  public synchronized void add(Sample sample) {
    samples[next] = sample;
    next = (next + 1) % samples.length;
    size = Math.min(size + 1, samples.length);
  }

  /** Oldest first. */
  public synchronized List<Sample> list() {
    List<Sample> list = new ArrayList<>(size);
    int first = (next - size + samples.length) % samples.length;
    for (int i = 0; i < size; i++) {
      list.add(samples[(first + i) % samples.length]);
    }
    return list;
  }
}
