/**
 * Topic-based publish/subscribe inside a node ({@code dev.rollcall.pubsub}) and across nodes
 * through Redis ({@code dev.rollcall.pubsub.redis}: its configuration, health, statistics and the
 * single-holder lease).
 */
@SuppressWarnings("requires-automatic") // lettuce-core ships no module descriptor
module dev.rollcall.pubsub {
  requires org.slf4j;
  requires lettuce.core;

  exports dev.rollcall.pubsub;
  exports dev.rollcall.pubsub.redis;
}
