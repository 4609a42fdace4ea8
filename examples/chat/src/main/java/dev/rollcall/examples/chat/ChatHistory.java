package dev.rollcall.examples.chat;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last {@value #KEEP} messages of each room, as every node hears them: it subscribes to a room
 * the first time someone joins it here, so a message sent on another node is kept here too. A room
 * stays followed while the node runs. Thread-safe: each room's queue is locked while used.
 */
public final class ChatHistory implements Subscriber {
  static final int KEEP = 50;

  private final PubSub pubSub;
  private final Map<String, ArrayDeque<Map<?, ?>>> rooms = new ConcurrentHashMap<>();

  public ChatHistory(PubSub pubSub) {
    this.pubSub = pubSub;
  }

  /** Starts keeping {@code room}'s messages, once. */
  public void follow(String room) {
    if (rooms.putIfAbsent(room, new ArrayDeque<>()) == null) {
      pubSub.subscribe(room, this);
    }
  }

  @Override
  public void deliver(Delivery delivery) {
    if (delivery.message() instanceof Broadcast broadcast
        && broadcast.event().equals("new_msg")
        && broadcast.payload() instanceof Map<?, ?> message) {
      add(broadcast.topic(), message);
    }
  }

  void add(String room, Map<?, ?> message) {
    ArrayDeque<Map<?, ?>> messages = rooms.computeIfAbsent(room, r -> new ArrayDeque<>());
    synchronized (messages) {
      messages.addLast(message);
      if (messages.size() > KEEP) {
        messages.removeFirst();
      }
    }
  }

  /** Oldest first. */
  public List<Map<?, ?>> recent(String room) {
    ArrayDeque<Map<?, ?>> messages = rooms.get(room);
    if (messages == null) {
      return List.of();
    }
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }
}
