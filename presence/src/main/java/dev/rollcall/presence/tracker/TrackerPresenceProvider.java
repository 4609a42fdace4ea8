package dev.rollcall.presence.tracker;

import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.PresenceFetch;
import dev.rollcall.presence.PresenceProvider;
import dev.rollcall.pubsub.PubSub;

/** Presence on the tracker, as {@link Presence#start} finds it (listed in META-INF/services). */
public final class TrackerPresenceProvider implements PresenceProvider {
  @Override
  public Presence start(PubSub pubSub, PresenceConfig config, PresenceFetch fetch) {
    return TrackerPresence.start(pubSub, config, fetch);
  }
}
