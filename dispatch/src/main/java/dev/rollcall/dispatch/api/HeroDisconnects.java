package dev.rollcall.dispatch.api;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disconnecting a hero wherever their sockets are: a request goes to every node over PubSub, and
 * each node closes the sockets it holds for that hero (their socket id is {@code hero:<id>}, given
 * at connect). Thread-safe; deliveries run on PubSub's threads.
 */
public final class HeroDisconnects implements Subscriber, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeroDisconnects.class);

  static final String TOPIC = "rollcall:operations";
  static final String EVENT = "disconnect_hero";

  private final PubSub pubSub;
  private final Function<String, Optional<String>> localIdentity;
  private final Consumer<String> disconnectSocket;

  /**
   * @param localIdentity the identity holding a hero name on this node (a hero id, or {@code
   *     anonymous:...} for a page that connected without a token)
   * @param disconnectSocket closes every connection with this socket id
   */
  public HeroDisconnects(
      PubSub pubSub,
      Function<String, Optional<String>> localIdentity,
      Consumer<String> disconnectSocket) {
    this.pubSub = pubSub;
    this.localIdentity = localIdentity;
    this.disconnectSocket = disconnectSocket;
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
    localIdentity
        .apply(hero)
        .ifPresent(
            identity -> {
              if (identity.startsWith("anonymous:")) {
                // No socket id to close it by: a tokenless page is not addressable.
                log.warn("cannot disconnect {}: connected without a token", hero);
                return;
              }
              log.info("disconnecting hero {} on request of the API", hero);
              disconnectSocket.accept("hero:" + identity);
            });
  }

  @Override
  public void close() {
    pubSub.unsubscribe(TOPIC, this);
  }
}
