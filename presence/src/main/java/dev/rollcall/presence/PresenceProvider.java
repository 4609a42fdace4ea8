package dev.rollcall.presence;

import dev.rollcall.pubsub.PubSub;
import java.util.ServiceLoader;

/**
 * How {@link Presence#start} finds the implementation without this package depending on it: the
 * presence module provides one (its tracker) through {@link ServiceLoader}. Applications call
 * {@link Presence#start}; they never need this.
 */
public interface PresenceProvider {

  /** Starts presence on this node, replicating through {@code pubSub}. */
  Presence start(PubSub pubSub, PresenceConfig config, PresenceFetch fetch);

  /** The provider on the class or module path; an error names what is missing. */
  static PresenceProvider installed() {
    return ServiceLoader.load(PresenceProvider.class, PresenceProvider.class.getClassLoader())
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no "
                        + PresenceProvider.class.getName()
                        + " found: is the rollcall presence module on the class or module path?"));
  }
}
