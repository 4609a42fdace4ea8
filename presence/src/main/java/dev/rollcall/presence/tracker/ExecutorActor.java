package dev.rollcall.presence.tracker;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An {@link Actor} on a daemon platform thread of its own. Threading: any thread may queue; tasks
 * run on that one thread.
 */
final class ExecutorActor implements Actor {
  private final ScheduledExecutorService executor;
  private volatile boolean closing;

  ExecutorActor(String threadName) {
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name(threadName).unstarted(r));
  }

  @Override
  public boolean execute(Runnable task) {
    if (closing) {
      return false;
    }
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @Override
  public boolean schedule(Runnable task, Duration delay) {
    if (closing) {
      return false;
    }
    try {
      executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @Override
  public <T> T call(Callable<T> task, Duration timeout) {
    try {
      return executor.submit(task).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the tracker", e);
    } catch (Exception e) {
      throw new IllegalStateException("tracker did not answer", e);
    }
  }

  @Override
  public boolean close(Runnable last, Duration timeout) {
    closing = true;
    try {
      executor.submit(last).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    } finally {
      executor.shutdownNow();
    }
  }
}
