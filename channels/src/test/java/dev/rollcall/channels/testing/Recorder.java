package dev.rollcall.channels.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the test channels saw happen (join, terminate, exit hooks), in order. Thread-safe. */
public final class Recorder {
  private final List<String> events = new CopyOnWriteArrayList<>();

  public void record(String event) {
    events.add(event);
  }

  public List<String> events() {
    return List.copyOf(events);
  }
}
