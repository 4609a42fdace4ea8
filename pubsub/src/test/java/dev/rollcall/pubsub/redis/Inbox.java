package dev.rollcall.pubsub.redis;

import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.Subscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A subscriber that keeps what it receives, in order. Thread-safe. */
final class Inbox implements Subscriber {
  private final String name;
  private final ConcurrentLinkedQueue<Object> messages = new ConcurrentLinkedQueue<>();

  Inbox(String name) {
    this.name = name;
  }

  @Override
  public void deliver(Delivery delivery) {
    messages.add(delivery.message());
  }

  List<Object> messages() {
    return new ArrayList<>(messages);
  }

  int size() {
    return messages.size();
  }

  @Override
  public String toString() {
    return name + messages;
  }
}
