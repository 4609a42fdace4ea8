/**
 * Who is on which topic, replicated between nodes: the {@code Presence} API a channel uses is
 * {@code dev.rollcall.presence}; the tracker shell ({@code tracker}) and the pure delta-state CRDT
 * ({@code crdt}) behind it are internal, the implementation found as a service.
 */
module dev.rollcall.presence {
  requires transitive dev.rollcall.channels;
  requires transitive dev.rollcall.pubsub;
  requires dev.rollcall.protocol;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.rollcall.presence;

  uses dev.rollcall.presence.PresenceProvider;

  provides dev.rollcall.presence.PresenceProvider with
      dev.rollcall.presence.tracker.TrackerPresenceProvider;
}
