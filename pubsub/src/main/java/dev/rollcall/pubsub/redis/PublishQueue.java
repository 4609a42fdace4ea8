package dev.rollcall.pubsub.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PUBLISH (on a cluster: SPUBLISH) commands of one {@link RedisPubSub}, written to Redis by one
 * drainer thread.
 *
 * <p>Why: Lettuce serialises every write on a connection behind a lock and flushes each command on
 * its own, so thousands of channel processes (virtual threads) publishing at once all park on that
 * lock and Redis sees a few thousand tiny writes per second. Here a publisher only appends to a
 * lock-free queue; the drainer takes everything queued and hands it to Lettuce as one batch ({@link
 * StatefulConnection#dispatch(java.util.Collection)}: one lock, one flush, one TCP write for the
 * whole batch). One queue and one writer keep each thread's messages in the order it published them
 * (the tracker's deltas and heartbeats rely on it).
 *
 * <p>Bounded: at most {@code backlog} messages may be queued or written but not yet answered by
 * Redis. Beyond that (Redis slower than the publishers) a message is dropped and counted as a
 * failed publish, with one log line per overload episode: at-most-once, as while Redis is down,
 * rather than unbounded memory.
 *
 * <p>Thread-safe: {@link #offer} from any thread, never blocks; one platform drainer thread writes;
 * Lettuce's event loop completes the commands.
 */
final class PublishQueue {
  private static final Logger log = LoggerFactory.getLogger(PublishQueue.class);

  /** Most commands handed to Lettuce in one write, so one batch's buffer stays modest. */
  private static final int MAX_BATCH = 1024;

  private record Pending(byte[] channel, byte[] payload) {}

  private final String node;
  private final int backlog;
  private final CommandType commandType;
  private final Supplier<StatefulConnection<byte[], byte[]>> connection;
  private final LongAdder published;
  private final LongAdder publishFailed;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  // Queued plus written-but-unanswered: the bound.
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicBoolean overloaded = new AtomicBoolean();
  private final LongAdder overloadDrops = new LongAdder();
  private final AtomicBoolean drainerParked = new AtomicBoolean();
  private final Thread drainer;
  private volatile boolean stopping;

  /**
   * @param command {@code PUBLISH}, or {@code SPUBLISH} on a cluster (whose connection routes each
   *     to the master of its channel's slot)
   * @param connection the publisher connection of the current connected period, null while down
   */
  PublishQueue(
      String node,
      int backlog,
      CommandType command,
      Supplier<StatefulConnection<byte[], byte[]>> connection,
      LongAdder published,
      LongAdder publishFailed) {
    this.node = Objects.requireNonNull(node, "node");
    this.backlog = backlog;
    this.commandType = Objects.requireNonNull(command, "command");
    this.connection = Objects.requireNonNull(connection, "connection");
    this.published = Objects.requireNonNull(published, "published");
    this.publishFailed = Objects.requireNonNull(publishFailed, "publishFailed");
    this.drainer =
        Thread.ofPlatform().daemon().name("rollcall-redis-publish-" + node).start(this::drain);
  }

  /** Queues one PUBLISH; drops and counts it when the backlog is full or the queue is closed. */
  void offer(byte[] channel, byte[] payload) {
    if (stopping) {
      publishFailed.increment();
      return;
    }
    if (outstanding.incrementAndGet() > backlog) {
      outstanding.decrementAndGet();
      publishFailed.increment();
      overloadDrops.increment();
      if (overloaded.compareAndSet(false, true)) {
        log.warn(
            "redis publish backlog full: node {} has {} messages queued or unanswered; dropping"
                + " messages for other nodes until Redis catches up",
            node,
            backlog);
      }
      return;
    }
    queue.offer(new Pending(channel, payload));
    if (drainerParked.get() && drainerParked.compareAndSet(true, false)) {
      LockSupport.unpark(drainer);
    }
  }

  /** Writes what is already queued (for up to two seconds), then stops the drainer. */
  void close() {
    stopping = true;
    LockSupport.unpark(drainer);
    try {
      drainer.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    List<RedisCommand<byte[], byte[], ?>> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      Pending next = queue.poll();
      if (next == null) {
        if (stopping) {
          return;
        }
        drainerParked.set(true);
        // Re-check after announcing the park: a publisher that queued before seeing the flag is
        // picked up here; one that queued after it unparks us.
        if (queue.isEmpty() && !stopping) {
          LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
        }
        drainerParked.set(false);
        continue;
      }
      while (next != null) {
        batch.add(command(next));
        if (batch.size() == MAX_BATCH) {
          break;
        }
        next = queue.poll();
      }
      write(batch);
      batch.clear();
    }
  }

  private RedisCommand<byte[], byte[], ?> command(Pending pending) {
    var args =
        new CommandArgs<>(ByteArrayCodec.INSTANCE)
            .addKey(pending.channel())
            .addValue(pending.payload());
    var command =
        new AsyncCommand<>(
            new Command<>(commandType, new IntegerOutput<>(ByteArrayCodec.INSTANCE), args));
    command.whenComplete(
        (receivers, error) -> {
          if (error == null) {
            published.increment();
          } else {
            publishFailed.increment();
          }
          answered();
        });
    return command;
  }

  private void write(List<RedisCommand<byte[], byte[], ?>> batch) {
    StatefulConnection<byte[], byte[]> current = connection.get();
    if (current == null) {
      // Redis went down after these were queued: the other nodes miss them (logged as DOWN).
      for (RedisCommand<byte[], byte[], ?> command : batch) {
        command.completeExceptionally(new IllegalStateException("redis is down"));
      }
      return;
    }
    try {
      // With REJECT_COMMANDS a closed connection completes the commands exceptionally.
      current.dispatch(batch);
    } catch (RuntimeException e) {
      for (RedisCommand<byte[], byte[], ?> command : batch) {
        command.completeExceptionally(e);
      }
    }
  }

  private void answered() {
    int left = outstanding.decrementAndGet();
    if (left < backlog / 2 && overloaded.get() && overloaded.compareAndSet(true, false)) {
      log.warn(
          "redis publish backlog recovered: node {} dropped {} messages for other nodes while it"
              + " was full",
          node,
          overloadDrops.sumThenReset());
    }
  }
}
