package dev.rollcall.channels.channel;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.Channel;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.EndpointObserver;
import dev.rollcall.channels.ExitReason;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Reply;
import dev.rollcall.channels.Socket;
import dev.rollcall.channels.UnhandledEventException;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ReplyPayload;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One joined topic on one socket, after Phoenix.Channel.Server: a mailbox whose mail is handled one
 * at a time by the user's {@link Channel} on a virtual thread that exists only while there is mail.
 *
 * <p>Threading: one mailbox, callbacks serial; {@link #enqueue}, {@link #deliver}, {@link #push}
 * and {@link #stop} are safe from any thread; the intercept state is guarded by {@code
 * interceptLock}, with a volatile read so that a channel on the fastlane takes no lock.
 */
public final class ChannelProcess implements ChannelSocket, Subscriber {
  private static final Logger log = LoggerFactory.getLogger(ChannelProcess.class);
  private static final ThreadFactory threads =
      Thread.ofVirtual().name("rollcall-channel").factory();

  private final SocketSession session;
  private final Socket.Route route;
  private final String topic;
  private final String joinRef;
  private final String replacedJoinRef;
  private final long serial;
  private Map<String, Object> assigns;
  private final ConcurrentLinkedQueue<Mail> mailbox = new ConcurrentLinkedQueue<>();

  /**
   * 1 while a thread drains the mailbox. An int behind a field updater rather than an
   * AtomicBoolean: one channel per joined topic, and the object would cost 16 bytes each.
   */
  private volatile int running;

  private static final AtomicIntegerFieldUpdater<ChannelProcess> RUNNING =
      AtomicIntegerFieldUpdater.newUpdater(ChannelProcess.class, "running");
  private final Subscriber infoSubscriber = delivery -> enqueue(new Mail.Info(delivery.message()));

  private final Object interceptLock = new Object();

  /** Events that go to handleOut; non-empty: every broadcast of the topic takes the mailbox. */
  private volatile Set<String> intercepted = Set.of();

  /** The set to switch to once the broadcasts queued so far are handled (guarded). */
  private Set<String> interceptNext;

  /** Broadcasts queued as {@link Mail.Out} and not yet handled (guarded). */
  private int outQueued;

  private boolean subscribedOwn;
  private Channel channel;
  private boolean joined;
  private List<Consumer<ExitReason>> exitHooks;
  private volatile ExitReason stopRequested;
  private volatile boolean ended;
  private volatile Set<String> skippedBroadcasts = Set.of();
  private volatile boolean terminated;
  private CompletableFuture<Void> exit;

  ChannelProcess(
      SocketSession session,
      Socket.Route route,
      String topic,
      String joinRef,
      String replacedJoinRef,
      long serial) {
    this.session = session;
    this.route = route;
    this.topic = topic;
    this.joinRef = joinRef;
    this.replacedJoinRef = replacedJoinRef;
    this.serial = serial;
  }

  // ---- mailbox

  void enqueue(Mail mail) {
    session.counters().mailQueued();
    mailbox.add(mail);
    if (RUNNING.compareAndSet(this, 0, 1)) {
      threads.newThread(this::drain).start();
    }
  }

  private void drain() {
    do {
      Mail mail;
      while ((mail = mailbox.poll()) != null) {
        try {
          ExitReason stop = stopRequested;
          if (stop != null) {
            end(stop);
          }
          if (!ended) {
            handle(mail);
          }
        } finally {
          // Every mail is taken out here, even after the channel ended, so a crash, leave or
          // rejoin releases what it still held of the socket's inbound bound.
          session.counters().mailTaken();
          if (mail instanceof Mail.FromClient) {
            session.inboundTaken();
          }
        }
      }
      running = 0;
    } while (!mailbox.isEmpty() && RUNNING.compareAndSet(this, 0, 1));
  }

  private void handle(Mail mail) {
    switch (mail) {
      case Mail.Join join -> join(join.params(), join.ref(), join.readNanos());
      case Mail.In in -> handleIn(in.message(), in.readNanos());
      case Mail.Leave leave -> leave(leave.message());
      case Mail.Info info -> handleInfo(info.message());
      case Mail.Out out -> handleOut(out);
      case Mail.Stop stop -> end(stop.reason());
    }
  }

  /**
   * Asks the channel to end with {@code reason} before any further mail; completes when it has
   * ended (terminate and exit hooks ran).
   */
  CompletableFuture<Void> stop(ExitReason reason) {
    if (stopRequested == null) {
      stopRequested = reason;
    }
    CompletableFuture<Void> done = exitFuture();
    enqueue(new Mail.Stop(reason));
    return done;
  }

  private synchronized CompletableFuture<Void> exitFuture() {
    if (exit == null) {
      exit = ended ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
    }
    return exit;
  }

  // ---- callbacks

  private void join(Object params, String ref, long readNanos) {
    JoinResult result;
    try {
      channel = route.channel().get();
      result = channel.join(topic, params, this);
    } catch (Throwable e) {
      log.error("join of {} crashed", topic, e);
      result = null;
    }
    switch (result) {
      case JoinResult.Ok ok -> {
        joined = true;
        subscribeOwn();
        reply(ref, "ok", ok.response());
      }
      case JoinResult.Error error -> refuse(ref, error.response());
      case null -> refuse(ref, Map.of("reason", "join crashed"));
    }
    EndpointObserver observer = session.counters().observer();
    if (observer != EndpointObserver.NONE) {
      observer.joined(session.nanoTime() - readNanos);
    }
    if (replacedJoinRef != null) {
      // Phoenix order for a duplicate join: the new join's reply first, then the old one's close.
      session.outbound().write(closeFrame(replacedJoinRef, Message.CLOSE));
    }
  }

  /**
   * Ends the refused channel before its error reply goes out: the socket forgets the topic (on the
   * outbound queue, ahead of the reply), so a message the client sends there after reading the
   * refusal is unmatched, never handed to this ended process and silently dropped.
   */
  private void refuse(String ref, Object response) {
    end(ExitReason.STOPPED);
    reply(ref, "error", response);
  }

  private void handleIn(Message message, long readNanos) {
    Reply reply;
    try {
      reply = channel.handleIn(message.event(), message.payload(), this);
    } catch (Throwable e) {
      crash("handleIn " + message.event(), e);
      return;
    }
    if (respond(message.ref(), reply)) {
      EndpointObserver observer = session.counters().observer();
      if (observer != EndpointObserver.NONE) {
        observer.replied(session.nanoTime() - readNanos);
      }
    }
    if (reply instanceof Reply.Stop) {
      end(ExitReason.STOPPED);
    }
  }

  /** Whether a reply went out. */
  private boolean respond(String ref, Reply reply) {
    return switch (reply) {
      case Reply.Status status -> {
        reply(ref, status.status(), status.response());
        yield true;
      }
      case Reply.Stop stop -> respond(ref, stop.reply());
      case Reply.None none -> false;
      case null -> false;
    };
  }

  private void leave(Message message) {
    reply(message.ref(), "ok", Map.of());
    end(ExitReason.LEFT);
  }

  private void handleInfo(Object message) {
    try {
      channel.handleInfo(message, this);
    } catch (Throwable e) {
      crash("handleInfo", e);
    }
  }

  private void handleOut(Mail.Out out) {
    try {
      if (intercepted.contains(out.broadcast().event())) {
        channel.handleOut(out.broadcast().event(), out.broadcast().payload(), this);
      } else {
        session.outbound().writeBroadcast(out.delivery(), out.broadcast());
      }
    } catch (Throwable e) {
      crash("handleOut " + out.broadcast().event(), e);
    } finally {
      synchronized (interceptLock) {
        outQueued--;
        if (outQueued == 0 && interceptNext != null) {
          intercepted = interceptNext;
          interceptNext = null;
        }
      }
    }
  }

  private void crash(String callback, Throwable e) {
    if (e instanceof UnhandledEventException) {
      log.warn("channel {} crashed: {}", topic, e.getMessage());
    } else {
      log.error("channel {} crashed in {}", topic, callback, e);
    }
    end(ExitReason.CRASHED);
  }

  /**
   * Ends this channel once: subscriptions go, terminate and exit hooks run, the socket forgets it,
   * and the client learns why (phx_close or phx_error, ref = join_ref as in Phoenix).
   */
  private void end(ExitReason reason) {
    if (ended) {
      return;
    }
    ended = true;
    PubSub pubSub = session.pubSub();
    pubSub.unsubscribeAll(this);
    pubSub.unsubscribeAll(infoSubscriber);
    if (joined) {
      try {
        channel.terminate(reason, this);
      } catch (Throwable e) {
        log.error("terminate of channel {} failed", topic, e);
      }
    }
    terminated = true; // pushes from terminate still go out (a goodbye before a shutdown close)
    Outbound out = session.outbound();
    out.execute(() -> session.exited(this));
    if (joined) {
      switch (reason) {
        case LEFT, STOPPED -> out.write(closeFrame(joinRef, Message.CLOSE));
        case CRASHED -> out.write(closeFrame(joinRef, Message.ERROR));
        case DUPLICATE_JOIN, SOCKET_CLOSED, SHUTDOWN -> {}
      }
    }
    runExitHooks(reason);
    session.counters().ended();
    synchronized (this) {
      if (exit != null) {
        exit.complete(null);
      }
    }
  }

  private void runExitHooks(ExitReason reason) {
    List<Consumer<ExitReason>> hooks;
    synchronized (this) {
      hooks = exitHooks;
      exitHooks = null;
    }
    if (hooks == null) {
      return;
    }
    for (Consumer<ExitReason> hook : hooks) {
      try {
        hook.accept(reason);
      } catch (Throwable e) {
        log.error("exit hook of channel {} failed", topic, e);
      }
    }
  }

  private Message closeFrame(String ref, String event) {
    Object payload = event.equals(Message.ERROR) ? Map.of("reason", "channel_crash") : Map.of();
    return new Message(ref, ref, topic, event, payload);
  }

  private void reply(String ref, String status, Object response) {
    session
        .outbound()
        .write(new Message(joinRef, ref, topic, Message.REPLY, new ReplyPayload(status, response)));
  }

  // ---- fastlane

  /** Own-topic deliveries: broadcasts go straight to the client, anything else to handleInfo. */
  @Override
  public void deliver(Delivery delivery) {
    if (ended) {
      return;
    }
    if (delivery.message() instanceof Broadcast broadcast) {
      Set<String> skipped = skippedBroadcasts;
      if (!skipped.isEmpty() && skipped.contains(broadcast.event())) {
        return;
      }
      if (intercepted.isEmpty() || !divert(delivery, broadcast)) {
        session.outbound().writeBroadcast(delivery, broadcast);
        EndpointObserver observer = session.counters().observer();
        if (observer != EndpointObserver.NONE) {
          observer.delivered(System.nanoTime() - delivery.nanoTime());
        }
      }
    } else {
      enqueue(new Mail.Info(delivery.message()));
    }
  }

  /** Queues the broadcast for the mailbox if the channel still intercepts; false if it does not. */
  private boolean divert(Delivery delivery, Broadcast broadcast) {
    synchronized (interceptLock) {
      if (intercepted.isEmpty()) {
        return false;
      }
      outQueued++;
      enqueue(new Mail.Out(delivery, broadcast));
      return true;
    }
  }

  private void subscribeOwn() {
    if (!subscribedOwn && !ended) {
      subscribedOwn = true;
      session.pubSub().subscribe(topic, this);
    }
  }

  // ---- ChannelSocket

  @Override
  public String id() {
    return Long.toString(serial, 36);
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public String joinRef() {
    return joinRef;
  }

  @Override
  public String socketId() {
    return session.socketId();
  }

  @Override
  public Map<String, String> connectParams() {
    return session.connectParams();
  }

  @Override
  public Map<String, Object> assigns() {
    if (assigns == null) {
      // On first use (most channels never ask), sized for the seed and one more: a channel that
      // asks usually adds one assign, and HashMap's copy of an empty map would take 16 slots.
      Map<String, Object> seed = session.seedAssigns();
      assigns = HashMap.newHashMap(seed.size() + 1);
      assigns.putAll(seed);
    }
    return assigns;
  }

  @Override
  public void push(String event, Object payload) {
    if (!terminated) {
      session.outbound().write(new Message(joinRef, null, topic, event, payload));
    }
  }

  @Override
  public void broadcast(String event, Object payload) {
    session.pubSub().broadcast(topic, new Broadcast(topic, event, payload));
  }

  @Override
  public void broadcastFrom(String event, Object payload) {
    session.pubSub().broadcastFrom(this, topic, new Broadcast(topic, event, payload));
  }

  @Override
  public void skipBroadcasts(Set<String> events) {
    skippedBroadcasts = Set.copyOf(events);
  }

  @Override
  public void subscribe(String other) {
    if (!ended && !other.equals(topic)) {
      session.pubSub().subscribe(other, infoSubscriber);
    }
  }

  @Override
  public void unsubscribe(String other) {
    session.pubSub().unsubscribe(other, infoSubscriber);
  }

  @Override
  public void intercept(Set<String> events) {
    Set<String> next = Set.copyOf(events);
    synchronized (interceptLock) {
      if (next.isEmpty() && outQueued > 0) {
        interceptNext = next; // back on the fastlane only behind what is queued: order holds
      } else {
        // Nothing queued, or a new set to intercept: at once (a queued broadcast of a newly
        // intercepted event is handled out too, which is what intercepting it from now on means).
        intercepted = next;
        interceptNext = null;
      }
    }
    if (!next.isEmpty()) {
      subscribeOwn(); // in join: whatever is broadcast from here on is queued behind the join
    }
  }

  @Override
  public void disconnect() {
    session.outbound().close(CloseCodes.GOING_AWAY, "disconnected");
  }

  @Override
  public void send(Object message) {
    enqueue(new Mail.Info(message));
  }

  @Override
  public void onExit(Consumer<ExitReason> hook) {
    synchronized (this) {
      if (!ended) {
        if (exitHooks == null) {
          exitHooks = new ArrayList<>(1);
        }
        exitHooks.add(hook);
        return;
      }
    }
    hook.accept(stopRequested != null ? stopRequested : ExitReason.STOPPED);
  }

  @Override
  public PubSub pubSub() {
    return session.pubSub();
  }

  @Override
  public String toString() {
    return "channel " + topic + " (join_ref " + joinRef + ")";
  }
}
