package dev.rollcall.presence.tracker;

import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.LocalPubSub;
import dev.rollcall.pubsub.MessageCodec;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Several nodes in one JVM, each with its own {@link LocalPubSub}, joined by a network that can
 * drop, duplicate, delay (and so reorder) and partition messages. Tracker messages cross it encoded
 * and decoded by {@link TrackerCodec}, as a real node-crossing PubSub carries them. Thread-safe.
 */
public final class SimulatedNetwork implements AutoCloseable {
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private final Map<String, Integer> sides = new ConcurrentHashMap<>();
  private final Set<String> isolated = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService wire =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("simulated-network").unstarted(r));
  private final MessageCodec codec = new TrackerCodec();
  private final boolean immediate;
  private volatile double dropRate;
  private volatile double duplicateRate;
  private volatile long maxDelayMicros;
  public final AtomicLong sent = new AtomicLong();
  public final AtomicLong bytes = new AtomicLong();

  /** A network with a wire thread, so messages arrive concurrently with what the nodes do. */
  public SimulatedNetwork() {
    this(false);
  }

  private SimulatedNetwork(boolean immediate) {
    this.immediate = immediate;
  }

  /**
   * A network that hands each message over on the sender's thread, for replicas on a {@link
   * ManualClock}: the test's thread then runs everything, deterministically. No delays.
   */
  static SimulatedNetwork immediate() {
    return new SimulatedNetwork(true);
  }

  /** Faults for every message from now on. */
  public SimulatedNetwork faults(double dropRate, double duplicateRate, long maxDelayMillis) {
    this.dropRate = dropRate;
    this.duplicateRate = duplicateRate;
    this.maxDelayMicros = maxDelayMillis * 1000;
    return this;
  }

  /** Only nodes on the same side talk; a node not named is on side 0. */
  public void partition(Set<String> side1) {
    sides.clear();
    side1.forEach(node -> sides.put(node, 1));
  }

  public void heal() {
    sides.clear();
  }

  /** Cuts {@code node} off from everyone (a crash, as far as the others can tell). */
  public void isolate(String node) {
    isolated.add(node);
  }

  /** Connects an isolated node again (it restarted). */
  public void rejoin(String node) {
    isolated.remove(node);
  }

  public PubSub node(String name) {
    return nodes.computeIfAbsent(name, Node::new);
  }

  private boolean connected(String from, String to) {
    return !isolated.contains(from)
        && !isolated.contains(to)
        && sides.getOrDefault(from, 0).equals(sides.getOrDefault(to, 0));
  }

  private void send(String from, String to, String topic, Object message) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (!connected(from, to) || random.nextDouble() < dropRate) {
      return;
    }
    Object carried = message;
    if (codec.handles(message)) {
      byte[] encoded = codec.encode(message);
      sent.incrementAndGet();
      bytes.addAndGet(encoded.length);
      carried = codec.decode(encoded);
    }
    int copies = random.nextDouble() < duplicateRate ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      Object delivered = carried;
      Runnable arrive =
          () -> {
            Node target = nodes.get(to);
            if (target != null && connected(from, to)) {
              target.local.deliver(new Delivery(topic, delivered, null));
            }
          };
      if (immediate) {
        arrive.run();
        continue;
      }
      long delay = maxDelayMicros == 0 ? 0 : random.nextLong(maxDelayMicros);
      wire.schedule(arrive, delay, TimeUnit.MICROSECONDS);
    }
  }

  @Override
  public void close() {
    wire.shutdownNow();
    nodes.values().forEach(node -> node.local.close());
  }

  /** One node's PubSub: local delivery plus the simulated wire to the others. */
  private final class Node implements PubSub {
    final String name;
    final LocalPubSub local;

    Node(String name) {
      this.name = name;
      this.local = new LocalPubSub(name);
    }

    @Override
    public String node() {
      return name;
    }

    @Override
    public void subscribe(String topic, Subscriber subscriber) {
      local.subscribe(topic, subscriber);
    }

    @Override
    public void unsubscribe(String topic, Subscriber subscriber) {
      local.unsubscribe(topic, subscriber);
    }

    @Override
    public void unsubscribeAll(Subscriber subscriber) {
      local.unsubscribeAll(subscriber);
    }

    @Override
    public void broadcast(String topic, Object message) {
      local.broadcast(topic, message);
      toOthers(topic, message);
    }

    @Override
    public void broadcastFrom(Subscriber from, String topic, Object message) {
      local.broadcastFrom(from, topic, message);
      toOthers(topic, message);
    }

    private void toOthers(String topic, Object message) {
      for (String other : nodes.keySet()) {
        if (!other.equals(name)) {
          send(name, other, topic, message);
        }
      }
    }

    @Override
    public void localBroadcast(String topic, Object message) {
      local.localBroadcast(topic, message);
    }

    @Override
    public void directBroadcast(String node, String topic, Object message) {
      if (node.equals(name)) {
        local.directBroadcast(node, topic, message);
      } else {
        send(name, node, topic, message);
      }
    }

    /** Tracker messages always cross encoded by {@link TrackerCodec}; nothing else crosses. */
    @Override
    public void register(MessageCodec codec) {}

    @Override
    public int subscriberCount(String topic) {
      return local.subscriberCount(topic);
    }

    @Override
    public void close() {
      local.close();
    }
  }
}
