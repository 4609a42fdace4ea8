/**
 * Topic-based publish/subscribe, inside a node and across nodes.
 *
 * <p>{@link dev.rollcall.pubsub.PubSub} is the whole contract: channels and the presence tracker
 * speak only to it, so a node does not know where a subscriber lives. {@link
 * dev.rollcall.pubsub.LocalPubSub} is the in-process default; the Redis implementation carries the
 * same messages between nodes.
 */
package dev.rollcall.pubsub;
