package dev.rollcall.channels.channel;

import dev.rollcall.channels.EndpointObserver;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Endpoint-wide channel figures: live channel count, the serial that names each channel, what waits
 * in mailboxes, and the endpoint's budget of queued client messages ({@code
 * maxQueuedInboundTotal}): sockets paused over budget wait here until it drains to half.
 * Thread-safe (atomics and a concurrent queue).
 */
public final class ChannelCounters {
  /** JVM-wide, so two endpoints in one process (tests, embedded nodes) never share a channel id. */
  private static final AtomicLong serial = new AtomicLong();

  private final LongAdder live = new LongAdder();
  private final LongAdder queuedMail = new LongAdder();
  private final AtomicLong queuedInbound = new AtomicLong();
  private final LongAdder pausedSockets = new LongAdder();
  private final long maxQueuedInbound;
  private final long resumeQueuedInbound;
  private final EndpointObserver observer;
  private final ConcurrentLinkedQueue<SocketSession> waitingForBudget =
      new ConcurrentLinkedQueue<>();

  /** Without an endpoint-wide budget (each socket's own bound still holds). */
  public ChannelCounters() {
    this(Long.MAX_VALUE, EndpointObserver.NONE);
  }

  /**
   * {@code maxQueuedInbound}: client messages queued on all sockets together beyond which sockets
   * stop being read; {@code observer} hears the endpoint's latencies.
   */
  public ChannelCounters(long maxQueuedInbound, EndpointObserver observer) {
    this.maxQueuedInbound = maxQueuedInbound;
    this.resumeQueuedInbound = maxQueuedInbound / 2;
    this.observer = observer;
  }

  /** The endpoint's observer, {@link EndpointObserver#NONE} if none. */
  EndpointObserver observer() {
    return observer;
  }

  long nextSerial() {
    return serial.incrementAndGet();
  }

  void started() {
    live.increment();
  }

  void ended() {
    live.decrement();
  }

  void mailQueued() {
    queuedMail.increment();
  }

  void mailTaken() {
    queuedMail.decrement();
  }

  /** One more client message queued; whether the endpoint is now over its budget. */
  boolean inboundQueued() {
    return queuedInbound.incrementAndGet() >= maxQueuedInbound;
  }

  /**
   * One client message taken out of a mailbox (any thread). The fall through the resume mark wakes
   * every socket that waited for budget; each looks again on its own I/O thread.
   */
  void inboundTaken() {
    if (queuedInbound.decrementAndGet() == resumeQueuedInbound) {
      for (SocketSession waiting; (waiting = waitingForBudget.poll()) != null; ) {
        waiting.budgetFreed();
      }
    }
  }

  /**
   * Parks {@code session} until the budget drains; true if it already has (the session then resumes
   * itself, since the wake-up may have passed before it was parked).
   */
  boolean waitForBudget(SocketSession session) {
    waitingForBudget.add(session);
    return withinBudget();
  }

  /** At or over the endpoint's budget. */
  boolean overBudget() {
    return queuedInbound.get() >= maxQueuedInbound;
  }

  /** At or below the resume mark of the endpoint's budget. */
  boolean withinBudget() {
    return queuedInbound.get() <= resumeQueuedInbound;
  }

  void paused() {
    pausedSockets.increment();
  }

  void resumed() {
    pausedSockets.decrement();
  }

  /** Mail waiting in channel mailboxes right now: client messages and server-side messages. */
  public long queuedMail() {
    return queuedMail.sum();
  }

  /** Client messages read and waiting in channel mailboxes right now, on every socket. */
  public long queuedInbound() {
    return queuedInbound.get();
  }

  /** Sockets not being read right now because channels are behind. */
  public long pausedSockets() {
    return pausedSockets.sum();
  }

  /** Channels joined or joining right now, on every socket of the endpoint. */
  public long live() {
    return live.sum();
  }
}
