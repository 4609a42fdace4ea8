package dev.rollcall.dispatch.offers;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A node's way to ask the driver, wherever it runs: a request over PubSub with a correlation id,
 * the answer back on this node's {@link DispatchWire#REPLIES}. A driver that does not answer within
 * the timeout (none elected yet, or the one that was died) gives {@link DispatchWire#UNAVAILABLE}.
 *
 * <p>Thread-safe; {@link #ask} blocks its caller (a channel's virtual thread) up to the timeout.
 */
public final class DriverRequests implements AutoCloseable {
  private final PubSub pubSub;
  private final Duration timeout;
  private final ConcurrentHashMap<String, CompletableFuture<Answer>> waiting =
      new ConcurrentHashMap<>();
  private final Subscriber replies = this::reply;

  public DriverRequests(PubSub pubSub, Duration timeout) {
    this.pubSub = pubSub;
    this.timeout = timeout;
    pubSub.subscribe(DispatchWire.REPLIES, replies);
  }

  /**
   * Sends {@code kind} ({@code report}, {@code accept}, {@code decline}, {@code resolve}) for
   * {@code hero} and waits for the driver's answer.
   */
  public Answer ask(String kind, String hero, Map<String, Object> fields) {
    String ref = UUID.randomUUID().toString();
    var answer = new CompletableFuture<Answer>();
    waiting.put(ref, answer);
    try {
      Map<String, Object> payload = new HashMap<>(fields);
      payload.put("ref", ref);
      payload.put("node", pubSub.node());
      payload.put("hero", hero);
      pubSub.broadcast(DispatchWire.REQUESTS, new Broadcast(DispatchWire.REQUESTS, kind, payload));
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return Answer.refused(DispatchWire.UNAVAILABLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.refused(DispatchWire.UNAVAILABLE);
    } catch (RuntimeException e) {
      // PubSub refused the request (Redis down): the driver cannot hear it.
      return Answer.refused(DispatchWire.UNAVAILABLE);
    } finally {
      waiting.remove(ref);
    }
  }

  private void reply(Delivery delivery) {
    if (delivery.message() instanceof Broadcast reply
        && reply.payload() instanceof Map<?, ?> payload
        && payload.get("ref") instanceof String ref) {
      var answer = waiting.remove(ref);
      if (answer != null) {
        answer.complete(decode(payload));
      }
    }
  }

  static Map<String, Object> encode(String ref, Answer answer) {
    Map<String, Object> payload = new HashMap<>();
    payload.put("ref", ref);
    switch (answer) {
      case Answer.Ok ok -> {
        payload.put("status", "ok");
        payload.put("response", ok.response());
      }
      case Answer.Refused refused -> {
        payload.put("status", "error");
        payload.put("reason", refused.reason());
      }
      case Answer.None none -> payload.put("status", "ok");
    }
    return payload;
  }

  private static Answer decode(Map<?, ?> payload) {
    if ("ok".equals(payload.get("status"))) {
      Map<String, Object> response = new HashMap<>();
      if (payload.get("response") instanceof Map<?, ?> map) {
        map.forEach((k, v) -> response.put(String.valueOf(k), v));
      }
      return new Answer.Ok(response);
    }
    return Answer.refused(
        payload.get("reason") instanceof String reason ? reason : DispatchWire.UNAVAILABLE);
  }

  @Override
  public void close() {
    pubSub.unsubscribe(DispatchWire.REPLIES, replies);
    waiting.values().forEach(f -> f.complete(Answer.refused(DispatchWire.UNAVAILABLE)));
  }
}
