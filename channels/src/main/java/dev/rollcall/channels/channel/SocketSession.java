package dev.rollcall.channels.channel;

import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.ExitReason;
import dev.rollcall.channels.Socket;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ReplyPayload;
import dev.rollcall.pubsub.PubSub;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state of one connected socket, after Phoenix.Socket: which topics are joined, and
 * what each inbound message means (heartbeat, join, leave, push) before it reaches a channel.
 *
 * <p>Confined to the connection's I/O thread: the transport calls {@link #handle}, {@link #closed}
 * and {@link #shutdown} there, and channel processes reach {@link #exited} through {@link
 * Outbound#execute}; the one exception is {@link #inboundTaken}, an atomic count that channel
 * processes decrement from their own threads.
 */
public final class SocketSession {
  private static final Logger log = LoggerFactory.getLogger(SocketSession.class);
  private static final Map<String, Object> EMPTY = Map.of();

  private final Socket socket;
  private final EndpointConfig config;
  private final PubSub pubSub;
  private final Outbound out;
  private final ChannelCounters counters;
  private final Map<String, Object> assigns;
  private final String socketId;
  private final Map<String, String> connectParams;
  private final LongSupplier nanoClock;
  private final TokenBucket bucket;
  private final Map<String, ChannelProcess> channels = new HashMap<>(4);
  private final ReadGate reading;

  /**
   * Messages read from this socket and queued to its channels, not yet taken out of a mailbox;
   * incremented here, decremented by channel processes.
   */
  private volatile int queuedInbound;

  /** A field updater rather than an AtomicInteger, which would cost 16 bytes per socket. */
  private static final AtomicIntegerFieldUpdater<SocketSession> QUEUED_INBOUND =
      AtomicIntegerFieldUpdater.newUpdater(SocketSession.class, "queuedInbound");

  private boolean readingPaused;
  private boolean waitingForBudget;
  private int refusedInARow;
  private boolean closing;

  public SocketSession(
      Socket socket,
      EndpointConfig config,
      PubSub pubSub,
      Outbound out,
      ReadGate reading,
      ChannelCounters counters,
      Map<String, Object> assigns,
      String socketId,
      Map<String, String> connectParams,
      LongSupplier nanoClock) {
    this.socket = socket;
    this.config = config;
    this.pubSub = pubSub;
    this.out = out;
    this.reading = reading;
    this.counters = counters;
    this.assigns = Map.copyOf(assigns);
    this.socketId = socketId;
    this.connectParams = Map.copyOf(connectParams);
    this.nanoClock = nanoClock;
    this.bucket =
        new TokenBucket(
            config.maxMessagesPerSecond(), config.messageBurst(), nanoClock.getAsLong());
  }

  /** One decoded inbound message (Phoenix.Socket handle_in). */
  public void handle(Message message) {
    if (closing) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (!bucket.tryTake(now)) {
      refuseOverRate(message);
      return;
    }
    refusedInARow = 0;
    String topic = message.topic();
    String event = message.event();
    if (topic == null || event == null) {
      replyUnmatched(message);
    } else if (PayloadDepth.exceeds(message.payload(), config.maxPayloadDepth())) {
      out.write(
          reply(
              message.joinRef(),
              message.ref(),
              topic,
              "error",
              Map.of("reason", "payload too deep")));
    } else if (Message.HEARTBEAT.equals(event) && Message.PHOENIX_TOPIC.equals(topic)) {
      // Heartbeats never reach channels; the reply's join_ref is always null.
      out.write(reply(null, message.ref(), topic, "ok", EMPTY));
    } else if (Message.JOIN.equals(event)) {
      join(message, now);
    } else {
      toChannel(message, now);
    }
  }

  private void refuseOverRate(Message message) {
    if (++refusedInARow > config.maxMessagesPerSecond()) {
      log.info(
          "closing socket {}: over {} messages/s for more than a second",
          socketId,
          config.maxMessagesPerSecond());
      closing = true;
      out.close(CloseCodes.POLICY_VIOLATION, "rate limited");
      return;
    }
    out.write(
        reply(
            message.joinRef(),
            message.ref(),
            message.topic(),
            "error",
            Map.of("reason", "rate_limited")));
  }

  private void join(Message message, long readNanos) {
    String topic = message.topic();
    String joinRef = message.joinRef() != null ? message.joinRef() : message.ref();
    if (topic.length() > config.maxTopicLength()) {
      out.write(reply(joinRef, message.ref(), topic, "error", Map.of("reason", "topic too long")));
      return;
    }
    Optional<Socket.Route> route = socket.route(topic);
    if (route.isEmpty()) {
      log.debug("ignoring unmatched topic \"{}\"", topic);
      replyUnmatched(message);
      return;
    }
    ChannelProcess existing = channels.get(topic);
    if (existing == null && channels.size() >= config.maxChannelsPerSocket()) {
      log.warn(
          "refusing join of \"{}\": socket {} already has {} channels",
          topic,
          socketId,
          channels.size());
      out.write(
          reply(
              joinRef,
              message.ref(),
              topic,
              "error",
              Map.of("reason", "too many channels joined")));
      return;
    }
    // Each socket decoded its own copy of the topic, which its channel, this map and presence
    // keep while joined: one copy per topic (a lobby of 10 000 saves ~60 B a hero).
    String joined = topic.intern();
    ChannelProcess process =
        new ChannelProcess(
            this,
            route.get(),
            joined,
            joinRef,
            existing == null ? null : existing.joinRef(),
            counters.nextSerial());
    if (existing != null) {
      log.debug("duplicate join of \"{}\": closing the existing channel", topic);
      existing.stop(ExitReason.DUPLICATE_JOIN);
    }
    channels.put(joined, process);
    counters.started();
    toProcess(process, new Mail.Join(message.payload(), message.ref(), readNanos));
  }

  private void toChannel(Message message, long readNanos) {
    ChannelProcess process = channels.get(message.topic());
    if (process == null) {
      if (Message.LEAVE.equals(message.event())) {
        // Leaving a topic that is not joined succeeds (Phoenix).
        out.write(reply(message.joinRef(), message.ref(), message.topic(), "ok", EMPTY));
      } else {
        replyUnmatched(message);
      }
      return;
    }
    if (message.joinRef() != null && !message.joinRef().equals(process.joinRef())) {
      return; // stale join_ref: an earlier join of this topic; dropped without a reply (1.8.3+)
    }
    if (Message.LEAVE.equals(message.event())) {
      channels.remove(message.topic());
      toProcess(process, new Mail.Leave(message));
    } else {
      toProcess(process, new Mail.In(message, readNanos));
    }
  }

  /**
   * Queues a client message; at {@code maxQueuedInbound} waiting on this socket, or {@code
   * maxQueuedInboundTotal} on the whole endpoint, stops reading it: the rest waits in the kernel
   * and TCP slows the client, nothing is dropped.
   */
  private void toProcess(ChannelProcess process, Mail.FromClient mail) {
    int queued = QUEUED_INBOUND.incrementAndGet(this);
    boolean overBudget = counters.inboundQueued();
    process.enqueue(mail);
    if (readingPaused || closing) {
      return;
    }
    if (queued >= config.maxQueuedInbound()) {
      pause(queued);
    } else if (overBudget) {
      pause(queued);
      waitForBudget();
    }
  }

  private void pause(int queued) {
    readingPaused = true;
    counters.paused();
    log.debug("pausing socket {}: {} messages queued to its channels", socketId, queued);
    reading.pauseReading();
  }

  private void waitForBudget() {
    if (!waitingForBudget) {
      waitingForBudget = true;
      if (counters.waitForBudget(this)) {
        resumeIfDrained();
      }
    }
  }

  /**
   * A channel process took a client message out of its mailbox (any thread). Each fall through the
   * resume mark asks the I/O thread to look; it resumes only if it paused and the count is still
   * low, so a pause and a resume never race.
   */
  void inboundTaken() {
    counters.inboundTaken();
    if (QUEUED_INBOUND.decrementAndGet(this) == config.resumeQueuedInbound()) {
      out.execute(this::resumeIfDrained); // rare: only at the resume mark
    }
  }

  /** The endpoint's budget drained to its resume mark (any thread). */
  void budgetFreed() {
    out.execute(this::afterBudgetFreed);
  }

  private void afterBudgetFreed() {
    waitingForBudget = false;
    resumeIfDrained();
  }

  /**
   * Reads again once this socket's queue is down to half and the endpoint is under its budget. A
   * socket paused by the budget is only woken when the budget has drained to half, so both bounds
   * keep their hysteresis; one paused by its own bound does not also wait for the endpoint to drain
   * to half, which other sockets, still read, might never let happen.
   */
  private void resumeIfDrained() {
    if (!readingPaused || queuedInbound > config.resumeQueuedInbound()) {
      return;
    }
    if (counters.overBudget()) {
      waitForBudget();
      return;
    }
    readingPaused = false;
    counters.resumed();
    log.debug("resuming socket {}", socketId);
    reading.resumeReading();
  }

  /** Client messages read from this socket and still waiting in its channels' mailboxes. */
  public int queuedInbound() {
    return queuedInbound;
  }

  /** Whether reading stopped because the channels are behind. */
  public boolean readingPaused() {
    return readingPaused;
  }

  private void replyUnmatched(Message message) {
    out.write(
        reply(null, message.ref(), message.topic(), "error", Map.of("reason", "unmatched topic")));
  }

  private static Message reply(
      String joinRef, String ref, String topic, String status, Object response) {
    return new Message(joinRef, ref, topic, Message.REPLY, new ReplyPayload(status, response));
  }

  /** A channel ended; forget it unless a newer join of its topic took its place. */
  void exited(ChannelProcess process) {
    channels.remove(process.topic(), process);
  }

  /** The connection is gone: every channel ends with {@link ExitReason#SOCKET_CLOSED}. */
  public void closed() {
    closing = true;
    if (readingPaused) {
      readingPaused = false;
      counters.resumed();
    }
    for (ChannelProcess process : channels.values()) {
      process.stop(ExitReason.SOCKET_CLOSED);
    }
    channels.clear();
  }

  /** Ends every channel with {@link ExitReason#SHUTDOWN}; completes when all have terminated. */
  public CompletableFuture<Void> shutdown() {
    closing = true;
    List<CompletableFuture<Void>> ends = new ArrayList<>(channels.size());
    for (ChannelProcess process : channels.values()) {
      ends.add(process.stop(ExitReason.SHUTDOWN));
    }
    return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
  }

  /** Channels joined or joining on this socket. */
  public int channelCount() {
    return channels.size();
  }

  // ---- for channel processes

  Outbound outbound() {
    return out;
  }

  PubSub pubSub() {
    return pubSub;
  }

  ChannelCounters counters() {
    return counters;
  }

  /** The clock that stamped each mail's {@code readNanos}. */
  long nanoTime() {
    return nanoClock.getAsLong();
  }

  Map<String, Object> seedAssigns() {
    return assigns;
  }

  String socketId() {
    return socketId;
  }

  Map<String, String> connectParams() {
    return connectParams;
  }
}
