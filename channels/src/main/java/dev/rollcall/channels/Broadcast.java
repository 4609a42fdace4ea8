package dev.rollcall.channels;

/**
 * An event for every subscriber of a topic (Phoenix.Socket.Broadcast), as carried by {@link
 * dev.rollcall.pubsub.PubSub}. A channel subscribed to {@code topic} writes it to its client
 * encoded once per serializer, with join_ref and ref null.
 */
public record Broadcast(String topic, String event, Object payload) {}
