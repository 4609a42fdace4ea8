package dev.rollcall.dispatch.api;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disconnecting a hero wherever their sockets are: a request goes to every node over PubSub, and
 * each node closes the connections it holds for that hero. Thread-safe; deliveries run on PubSub's
 * threads.
 */
public final class HeroDisconnects implements Subscriber, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeroDisconnects.class);

  static final String TOPIC = "rollcall:operations";
  static final String EVENT = "disconnect_hero";

  private final PubSub pubSub;
  private final Predicate<String> disconnectHere;

  /**
   * @param disconnectHere closes this node's connections of the hero with this name; whether it
   *     held any
   */
  public HeroDisconnects(PubSub pubSub, Predicate<String> disconnectHere) {
    this.pubSub = pubSub;
    this.disconnectHere = disconnectHere;
    pubSub.subscribe(TOPIC, this);
  }

  /** Asks every node, this one included, to close the sockets of {@code hero}. */
  public void request(String hero) {
    pubSub.broadcast(TOPIC, new Broadcast(TOPIC, EVENT, Map.of("hero", hero)));
  }

  @Override
  public void deliver(Delivery delivery) {
    if (!(delivery.message() instanceof Broadcast broadcast)
        || !EVENT.equals(broadcast.event())
        || !(broadcast.payload() instanceof Map<?, ?> payload)
        || !(payload.get("hero") instanceof String hero)) {
      return;
    }
    if (disconnectHere.test(hero)) {
      log.info("disconnected hero {} on request of the API", hero);
    }
  }

  @Override
  public void close() {
    pubSub.unsubscribe(TOPIC, this);
  }
}
