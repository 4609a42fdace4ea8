package dev.rollcall.channels.transport;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.channel.Outbound;
import dev.rollcall.channels.channel.ReadGate;
import dev.rollcall.channels.channel.SocketSession;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.Serializer;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.Subscriber;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-poll session (after Phoenix's LongPoll.Server): the same {@link SocketSession} a
 * WebSocket has, fed by POSTs instead of frames, and a buffer of encoded frames that the next poll
 * takes.
 *
 * <p>Threading: confined to one event loop ({@link #executor}); producers on any thread encode on
 * their own thread and hand the frame over with {@code execute}, so what one thread writes reaches
 * the buffer in order.
 */
final class LongPollSession implements Outbound, ReadGate {
  private static final Logger log = LoggerFactory.getLogger(LongPollSession.class);

  /** Memo key of a broadcast's encoded text for one serializer (fastlane, as for WebSockets). */
  private record FastlaneKey(Serializer serializer) {}

  private static final ConcurrentHashMap<Serializer, FastlaneKey> FASTLANE_KEYS =
      new ConcurrentHashMap<>();

  /** Memo value of a broadcast that could not be encoded. */
  private static final String UNENCODABLE = new String("unencodable");

  /** How a poll or a POST is answered: {@code status} and, for polls, the messages. */
  interface Answer {
    /** False once the request's HTTP connection is gone: its messages stay buffered. */
    boolean waiting();

    void send(int status, List<String> messages);
  }

  private final String topic;
  private final Serializer serializer;
  private final EventExecutor executor;
  private final LongPollSessions sessions;
  private final EndpointStats stats;
  private final FastlaneKey fastlaneKey;
  private final AtomicBoolean ending = new AtomicBoolean();
  private final List<String> buffer = new ArrayList<>();
  private final ArrayDeque<Runnable> postsWhilePaused = new ArrayDeque<>();
  private SocketSession session;
  private Subscriber topicSubscriber;
  private Subscriber idSubscriber;
  private Answer parkedPoll;
  private ScheduledFuture<?> parkedPollTimeout;
  private long lastPollNanos = System.nanoTime();
  private boolean readingPaused;
  private boolean ended;

  LongPollSession(
      String topic,
      Serializer serializer,
      EventExecutor executor,
      LongPollSessions sessions,
      EndpointStats stats) {
    this.topic = topic;
    this.serializer = serializer;
    this.executor = executor;
    this.sessions = sessions;
    this.stats = stats;
    this.fastlaneKey = FASTLANE_KEYS.computeIfAbsent(serializer, FastlaneKey::new);
  }

  void attach(SocketSession session) {
    this.session = session;
  }

  SocketSession session() {
    return session;
  }

  String topic() {
    return topic;
  }

  EventExecutor executor() {
    return executor;
  }

  void topicSubscriber(Subscriber subscriber) {
    this.topicSubscriber = subscriber;
  }

  Subscriber topicSubscriber() {
    return topicSubscriber;
  }

  void idSubscriber(Subscriber subscriber) {
    this.idSubscriber = subscriber;
  }

  Subscriber idSubscriber() {
    return idSubscriber;
  }

  // ---- requests, on the executor

  /**
   * A poll: what is buffered now, else the first frames that arrive within the window, else 204. A
   * newer poll replaces a parked one, which gets its 204 at once.
   */
  void poll(Answer answer, long windowMillis) {
    lastPollNanos = System.nanoTime();
    if (ended) {
      answer.send(410, List.of());
      return;
    }
    if (parkedPoll != null) {
      answerParked(204);
    }
    if (!buffer.isEmpty()) {
      flushTo(answer);
      return;
    }
    parkedPoll = answer;
    parkedPollTimeout =
        executor.schedule(
            () -> {
              parkedPollTimeout = null;
              answerParked(204);
            },
            windowMillis,
            TimeUnit.MILLISECONDS);
  }

  /**
   * A POST: each line is one frame ({@code [} starts a JSON text frame, anything else is base64 of
   * a binary frame). A line that does not decode ends the session, as an invalid frame closes a
   * WebSocket; the lines before it were handled. While the channels are behind ({@link
   * #pauseReading}) the POST waits, and with it the client's next one.
   */
  void post(List<String> lines, Answer answer) {
    if (ended) {
      answer.send(410, List.of());
      return;
    }
    if (readingPaused) {
      postsWhilePaused.add(() -> post(lines, answer));
      return;
    }
    for (int i = 0; i < lines.size(); i++) {
      if (readingPaused) {
        List<String> rest = lines.subList(i, lines.size());
        postsWhilePaused.add(() -> post(rest, answer));
        return;
      }
      Message message = decode(lines.get(i));
      if (message == null) {
        answer.send(400, List.of());
        end("invalid frame");
        return;
      }
      stats.messagesIn.increment();
      session.handle(message);
      if (ended) {
        answer.send(410, List.of());
        return;
      }
    }
    answer.send(200, List.of());
  }

  private Message decode(String line) {
    try {
      if (line.startsWith("[") || line.startsWith("{")) {
        return serializer.decodeText(line);
      }
      return serializer.decodeBinary(Base64.getDecoder().decode(line.strip()));
    } catch (ProtocolException | IllegalArgumentException e) {
      log.info("ending long-poll session {}: invalid frame: {}", topic, e.getMessage());
      return null;
    } catch (RuntimeException e) {
      log.info("ending long-poll session {}: invalid frame: {}", topic, e.toString());
      return null;
    }
  }

  /** True if the session was not polled for {@code maxQuietNanos} and has no poll waiting. */
  boolean quietFor(long maxQuietNanos) {
    return parkedPoll == null && System.nanoTime() - lastPollNanos > maxQuietNanos;
  }

  private void flushTo(Answer answer) {
    List<String> messages = List.copyOf(buffer);
    buffer.clear();
    stats.messagesOut.add(messages.size());
    answer.send(200, messages);
  }

  private void answerParked(int status) {
    Answer answer = parkedPoll;
    parkedPoll = null;
    if (parkedPollTimeout != null) {
      parkedPollTimeout.cancel(false);
      parkedPollTimeout = null;
    }
    if (answer != null) {
      answer.send(status, List.of());
    }
  }

  private void buffered(String frame) {
    if (ended) {
      return;
    }
    buffer.add(frame);
    if (parkedPoll != null) {
      Answer answer = parkedPoll;
      if (!answer.waiting()) {
        answerParked(204);
        return;
      }
      parkedPoll = null;
      if (parkedPollTimeout != null) {
        parkedPollTimeout.cancel(false);
        parkedPollTimeout = null;
      }
      // After the frames queued behind this one, so a burst goes out in one answer.
      executor.execute(
          () -> {
            if (buffer.isEmpty()) {
              poll(answer, 0);
            } else {
              flushTo(answer);
            }
          });
    }
  }

  /**
   * Ends the session once (on the executor): its channels terminate, a waiting poll gets {@code
   * 410}, and later requests with its token too.
   */
  void end(String why) {
    if (ended) {
      return;
    }
    ended = true;
    ending.set(true);
    log.debug("long-poll session {} ends: {}", topic, why);
    answerParked(410);
    buffer.clear();
    postsWhilePaused.clear();
    if (readingPaused) {
      readingPaused = false;
    }
    session.closed();
    sessions.ended(this);
  }

  boolean ended() {
    return ended;
  }

  // ---- Outbound, from any thread

  @Override
  public Serializer serializer() {
    return serializer;
  }

  @Override
  public void write(Message message) {
    if (!ending.get()) {
      String frame = text(serializer.encode(message));
      executor.execute(() -> buffered(frame));
    }
  }

  @Override
  public void writeBroadcast(Delivery delivery, Broadcast broadcast) {
    if (ending.get()) {
      return;
    }
    String frame = delivery.memo(fastlaneKey, key -> encodeBroadcast(key.serializer(), broadcast));
    if (frame != UNENCODABLE) {
      executor.execute(() -> buffered(frame));
    }
  }

  private String encodeBroadcast(Serializer serializer, Broadcast broadcast) {
    stats.fastlaneEncodes.increment();
    try {
      return text(
          serializer.encode(
              new Message(null, null, broadcast.topic(), broadcast.event(), broadcast.payload())));
    } catch (RuntimeException e) {
      log.error(
          "dropping broadcast {} on {}: cannot encode its payload: {}",
          broadcast.event(),
          broadcast.topic(),
          e.toString());
      return UNENCODABLE;
    }
  }

  /** Text frames as they are; binary frames as base64, the way clients post them. */
  private static String text(Serializer.Encoded encoded) {
    return encoded.binary()
        ? Base64.getEncoder().encodeToString(encoded.bytes())
        : new String(encoded.bytes(), StandardCharsets.UTF_8);
  }

  @Override
  public void execute(Runnable task) {
    executor.execute(task);
  }

  /** The long-poll equivalent of a close frame: the session ends after what is queued. */
  @Override
  public void close(int code, String reason) {
    ending.set(true);
    executor.execute(() -> end(code + " " + reason));
  }

  // ---- ReadGate, on the executor

  @Override
  public void pauseReading() {
    readingPaused = true;
  }

  @Override
  public void resumeReading() {
    readingPaused = false;
    while (!readingPaused && !postsWhilePaused.isEmpty()) {
      postsWhilePaused.poll().run();
    }
  }
}
