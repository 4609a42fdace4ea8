package dev.rollcall.presence.tracker;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;

/**
 * A clock that moves only when the test says, and the actors of every replica on it: their tasks
 * run on the test's thread, in order of due time (then of queueing), when the test calls {@link
 * #advance} or {@link #runDue}. Down and permdown periods pass in microseconds of real time.
 * Threading: single-threaded (use it with {@link SimulatedNetwork#immediate()}).
 */
final class ManualClock implements TrackerClock {
  private static final long EPOCH_MILLIS = 1_800_000_000_000L;

  private record Task(long due, long order, ManualActor owner, Runnable run)
      implements Comparable<Task> {
    @Override
    public int compareTo(Task other) {
      int byDue = Long.compare(due, other.due);
      return byDue != 0 ? byDue : Long.compare(order, other.order);
    }
  }

  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long now;
  private long queued;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public long epochMillis() {
    return EPOCH_MILLIS + now / 1_000_000;
  }

  /** A new replica's actor on this clock. */
  Actor actor() {
    return new ManualActor();
  }

  /** Moves the clock by {@code by}, running every task that falls due on the way, in order. */
  void advance(Duration by) {
    long target = now + by.toNanos();
    runUntil(target);
    now = target;
  }

  /** Runs every task due now, including the ones they queue. */
  void runDue() {
    runUntil(now);
  }

  private void runUntil(long target) {
    while (!tasks.isEmpty() && tasks.peek().due() <= target) {
      Task task = tasks.poll();
      now = Math.max(now, task.due());
      if (!task.owner().stopped) {
        task.run().run();
      }
    }
  }

  private final class ManualActor implements Actor {
    private boolean closing;
    private boolean stopped;

    @Override
    public boolean execute(Runnable task) {
      return schedule(task, Duration.ZERO);
    }

    @Override
    public boolean schedule(Runnable task, Duration delay) {
      if (closing) {
        return false;
      }
      tasks.add(new Task(now + delay.toNanos(), queued++, this, task));
      return true;
    }

    @Override
    public <T> T call(Callable<T> task, Duration timeout) {
      runDue();
      try {
        return task.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public boolean close(Runnable last, Duration timeout) {
      closing = true;
      runDue();
      last.run();
      stopped = true;
      return true;
    }
  }
}
