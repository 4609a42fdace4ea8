package dev.rollcall.client.internal;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * phoenix.js {@code Timer}: runs a callback after a delay computed from the number of tries so far,
 * for reconnect and rejoin backoff. Confined to one event loop.
 */
public final class RetryTimer {
  private final EventLoop loop;
  private final Runnable callback;
  private final IntFunction<Duration> delayForTry;
  private ScheduledFuture<?> timer;
  private int tries;

  public RetryTimer(EventLoop loop, Runnable callback, IntFunction<Duration> delayForTry) {
    this.loop = loop;
    this.callback = callback;
    this.delayForTry = delayForTry;
  }

  /** Forgets the tries and cancels a pending run. */
  public void reset() {
    tries = 0;
    cancelPending();
  }

  /** Cancels a pending run but keeps the tries (they reset only once a connection opens). */
  public void cancelPending() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Cancels any pending run and schedules the callback after the delay for the next try. */
  public void scheduleTimeout() {
    cancelPending();
    long nanos = delayForTry.apply(tries + 1).toNanos();
    timer =
        loop.schedule(
            () -> {
              timer = null;
              tries++;
              callback.run();
            },
            nanos,
            TimeUnit.NANOSECONDS);
  }

  public int tries() {
    return tries;
  }
}
