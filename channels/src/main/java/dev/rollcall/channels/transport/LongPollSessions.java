package dev.rollcall.channels.transport;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.Token;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-poll sessions of one endpoint, and how a request reaches its session wherever it lives.
 *
 * <p>A session is named by a private topic ({@code phx:lp:<random><millis>}, as Phoenix names it)
 * that its signed token carries with the node holding it. A request whose session is on another
 * node is published on that topic as a {@link Broadcast} (so it crosses nodes with the codec every
 * cluster already has); the session node acknowledges at once and answers when the poll or the POST
 * is done, on this node's reply topic. No acknowledgement within {@link #PUBSUB_TIMEOUT}: the node
 * is gone, and so is the session ({@code 410}).
 *
 * <p>Thread-safe: sessions are confined to their own event loop; the maps are concurrent.
 */
final class LongPollSessions {
  private static final Logger log = LoggerFactory.getLogger(LongPollSessions.class);

  /** Phoenix's {@code pubsub_timeout_ms}: how long the session's node has to acknowledge. */
  static final Duration PUBSUB_TIMEOUT = Duration.ofSeconds(2);

  /** Phoenix's {@code crypto: [max_age: 1_209_600]}: two weeks. */
  private static final Duration TOKEN_MAX_AGE = Duration.ofDays(14);

  private static final String SALT = "rollcall long-poll session";
  private static final String TOPIC_PREFIX = "phx:lp:";
  private static final String POLL = "lp:poll";
  private static final String POST = "lp:post";
  private static final String ACK = "lp:ack";
  private static final String ANSWER = "lp:answer";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final PubSub pubSub;
  private final EventLoopGroup group;
  private final String secret;
  private final long windowMillis;
  private final EndpointStats stats;
  private final Map<String, LongPollSession> local = new ConcurrentHashMap<>();
  private final Map<String, Remote> remotes = new ConcurrentHashMap<>();
  private final AtomicLong requestIds = new AtomicLong();
  private final String replyTopic;
  private final Subscriber replies = delivery -> replied(delivery.message());
  private final ScheduledFuture<?> sweep;

  /** A request sent to another node's session, waiting for its acknowledgement and answer. */
  private static final class Remote {
    final LongPollSession.Answer answer;
    final EventExecutor timer;

    /** How long the answer may take once acknowledged, and the status if it takes longer. */
    final long answerMillis;

    final int lateStatus;
    volatile ScheduledFuture<?> timeout;

    Remote(LongPollSession.Answer answer, EventExecutor timer, long answerMillis, int lateStatus) {
      this.answer = answer;
      this.timer = timer;
      this.answerMillis = answerMillis;
      this.lateStatus = lateStatus;
    }
  }

  LongPollSessions(
      PubSub pubSub, EventLoopGroup group, String secret, Duration window, EndpointStats stats) {
    this.pubSub = pubSub;
    this.group = group;
    this.secret = secret;
    this.windowMillis = window.toMillis();
    this.stats = stats;
    this.replyTopic = newTopic() + ":replies";
    pubSub.subscribe(replyTopic, replies);
    long maxQuietNanos = TimeUnit.MILLISECONDS.toNanos(windowMillis * 3 / 2);
    long period = Math.max(5, windowMillis / 4);
    this.sweep =
        group
            .next()
            .scheduleAtFixedRate(
                () -> {
                  for (LongPollSession session : local.values()) {
                    session
                        .executor()
                        .execute(
                            () -> {
                              if (session.quietFor(maxQuietNanos)) {
                                session.end("not polled for 1.5 × window");
                              }
                            });
                  }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
  }

  long windowMillis() {
    return windowMillis;
  }

  static String newTopic() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return TOPIC_PREFIX + HexFormat.of().formatHex(bytes) + System.currentTimeMillis();
  }

  /** A new session's token: {@code v1:<node>:<topic>}, signed. */
  String token(LongPollSession session) {
    return Token.sign(
        "v1:" + pubSub.node() + ":" + session.topic(), secret, SALT, Clock.systemUTC().instant());
  }

  /** Registers a session opened on this node and subscribes it to its topic. */
  void opened(LongPollSession session) {
    local.put(session.topic(), session);
    Subscriber requests = delivery -> fromOtherNode(session, delivery.message());
    session.topicSubscriber(requests);
    pubSub.subscribe(session.topic(), requests);
  }

  /** Called once by the session, on its executor, when it ends. */
  void ended(LongPollSession session) {
    if (local.remove(session.topic(), session)) {
      pubSub.unsubscribeAll(session.topicSubscriber());
      if (session.idSubscriber() != null) {
        pubSub.unsubscribeAll(session.idSubscriber());
      }
      stats.closed();
    }
  }

  EventExecutor nextExecutor() {
    return group.next();
  }

  /** Where a token says its session is. */
  sealed interface Lookup {
    /** The token is missing, forged or expired. */
    record Invalid() implements Lookup {}

    /** A session of this node that has ended. */
    record Gone() implements Lookup {}

    record Local(LongPollSession session) implements Lookup {}

    record OtherNode(String topic) implements Lookup {}
  }

  Lookup find(String token) {
    if (token == null
        || !(Token.verify(token, secret, SALT, TOKEN_MAX_AGE, Clock.systemUTC())
            instanceof Token.Verification.Valid valid)) {
      return new Lookup.Invalid();
    }
    String[] parts = valid.data().split(":", 3);
    if (parts.length != 3 || !parts[0].equals("v1") || !parts[2].startsWith(TOPIC_PREFIX)) {
      return new Lookup.Invalid();
    }
    LongPollSession session = local.get(parts[2]);
    if (session != null) {
      return new Lookup.Local(session);
    }
    return parts[1].equals(pubSub.node()) ? new Lookup.Gone() : new Lookup.OtherNode(parts[2]);
  }

  // ---- requests for sessions on other nodes

  void pollRemote(String topic, LongPollSession.Answer answer) {
    sendRemote(topic, POLL, List.of(), answer, windowMillis + PUBSUB_TIMEOUT.toMillis(), 204);
  }

  void postRemote(String topic, List<String> lines, LongPollSession.Answer answer) {
    sendRemote(topic, POST, lines, answer, windowMillis, 408);
  }

  private void sendRemote(
      String topic,
      String event,
      List<String> lines,
      LongPollSession.Answer answer,
      long answerMillis,
      int lateStatus) {
    String id = Long.toString(requestIds.incrementAndGet());
    EventExecutor timer = group.next();
    Remote remote = new Remote(answer, timer, answerMillis, lateStatus);
    remotes.put(id, remote);
    remote.timeout =
        timer.schedule(
            () -> {
              // No acknowledgement: the session's node is gone, and with it the session.
              if (remotes.remove(id, remote)) {
                log.debug("long-poll session {} did not answer: gone", topic);
                answer.send(410, List.of());
              }
            },
            PUBSUB_TIMEOUT.toMillis(),
            TimeUnit.MILLISECONDS);
    pubSub.broadcast(
        topic, new Broadcast(topic, event, Map.of("reply", replyTopic, "req", id, "lines", lines)));
  }

  private void replied(Object message) {
    if (!(message instanceof Broadcast b) || !(b.payload() instanceof Map<?, ?> payload)) {
      return;
    }
    String id = String.valueOf(payload.get("req"));
    Remote remote = remotes.get(id);
    if (remote == null) {
      return;
    }
    switch (b.event()) {
      case ACK -> {
        remote.timeout.cancel(false);
        remote.timeout =
            remote.timer.schedule(
                () -> {
                  if (remotes.remove(id, remote)) {
                    remote.answer.send(remote.lateStatus, List.of());
                  }
                },
                remote.answerMillis,
                TimeUnit.MILLISECONDS);
      }
      case ANSWER -> {
        if (remotes.remove(id, remote)) {
          remote.timeout.cancel(false);
          int status = payload.get("status") instanceof Number n ? n.intValue() : 500;
          remote.answer.send(status, strings(payload.get("messages")));
        }
      }
      default -> {}
    }
  }

  // ---- requests from other nodes, for a session of this one

  private void fromOtherNode(LongPollSession session, Object message) {
    if (!(message instanceof Broadcast b) || !(b.payload() instanceof Map<?, ?> payload)) {
      return;
    }
    if (!(payload.get("reply") instanceof String reply)
        || !(payload.get("req") instanceof String id)) {
      return;
    }
    pubSub.broadcast(reply, new Broadcast(reply, ACK, Map.of("req", id)));
    LongPollSession.Answer answer =
        new LongPollSession.Answer() {
          @Override
          public boolean waiting() {
            return true;
          }

          @Override
          public void send(int status, List<String> messages) {
            pubSub.broadcast(
                reply,
                new Broadcast(
                    reply, ANSWER, Map.of("req", id, "status", status, "messages", messages)));
          }
        };
    List<String> lines = strings(payload.get("lines"));
    switch (b.event()) {
      case POLL -> session.executor().execute(() -> session.poll(answer, windowMillis));
      case POST -> session.executor().execute(() -> session.post(lines, answer));
      default -> {}
    }
  }

  private static List<String> strings(Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    List<String> strings = new ArrayList<>(list.size());
    for (Object item : list) {
      strings.add(String.valueOf(item));
    }
    return strings;
  }

  // ---- shutdown

  /** Ends every session's channels with SHUTDOWN; completes when they have terminated. */
  CompletableFuture<Void> shutdown() {
    List<CompletableFuture<Void>> ends = new ArrayList<>();
    for (LongPollSession session : Set.copyOf(local.values())) {
      CompletableFuture<Void> end = new CompletableFuture<>();
      ends.add(end);
      session
          .executor()
          .execute(
              () ->
                  session
                      .session()
                      .shutdown()
                      .whenComplete(
                          (v, e) ->
                              session
                                  .executor()
                                  .execute(
                                      () -> {
                                        session.end("server shutdown");
                                        end.complete(null);
                                      })));
    }
    return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
  }

  void close() {
    sweep.cancel(false);
    pubSub.unsubscribeAll(replies);
  }

  int count() {
    return local.size();
  }
}
