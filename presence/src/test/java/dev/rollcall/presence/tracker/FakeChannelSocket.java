package dev.rollcall.presence.tracker;

import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.ExitReason;
import dev.rollcall.pubsub.PubSub;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The part of a channel that presence uses (its id, its topic, its exit), until the channels server
 * lands; everything else is refused. Thread-safe.
 */
final class FakeChannelSocket implements ChannelSocket {
  private final String id;
  private final String topic;
  private final List<Consumer<ExitReason>> exitHooks = new CopyOnWriteArrayList<>();

  FakeChannelSocket(String id, String topic) {
    this.id = id;
    this.topic = topic;
  }

  /** The channel ends: runs its exit hooks once, as a channel process does. */
  void exit(ExitReason reason) {
    List<Consumer<ExitReason>> hooks = List.copyOf(exitHooks);
    exitHooks.clear();
    hooks.forEach(hook -> hook.accept(reason));
  }

  int exitHooks() {
    return exitHooks.size();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public String joinRef() {
    return "1";
  }

  @Override
  public String socketId() {
    return null;
  }

  @Override
  public Map<String, String> connectParams() {
    return Map.of();
  }

  @Override
  public Map<String, Object> assigns() {
    return new HashMap<>();
  }

  @Override
  public void push(String event, Object payload) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void broadcast(String event, Object payload) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void broadcastFrom(String event, Object payload) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void subscribe(String topic) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void unsubscribe(String topic) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void intercept(java.util.Set<String> events) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void skipBroadcasts(java.util.Set<String> events) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void send(Object message) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void disconnect() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void onExit(Consumer<ExitReason> hook) {
    exitHooks.add(hook);
  }

  @Override
  public PubSub pubSub() {
    throw new UnsupportedOperationException();
  }
}
