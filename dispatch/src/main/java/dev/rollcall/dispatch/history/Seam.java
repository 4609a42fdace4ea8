package dev.rollcall.dispatch.history;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a stream's replay meets its live delivery, for one channel: from the join until the replay
 * is out, live notifications are held back; then the replay goes first, followed by the held ones
 * newer than the last replayed id; from then on a live notification is passed on unless the replay
 * already had it. So the client sees no gap (the channel subscribed before reading the store) and
 * no duplicate (whatever the store had is dropped from the live side).
 *
 * <p>Once a live notification comes whose id is more than {@link #SETTLE_MILLIS} past the last
 * replayed id, the seam is {@linkplain #isSettled settled}: live notifications of one publisher
 * arrive in id order, so none the replay could have had is still to come, and the channel can let
 * the rest of the stream past unlooked-at (the socket's shared broadcast path). The margin covers
 * another node's notification still on its way through PubSub when this node's next one arrives.
 *
 * <p>Not thread-safe: one per channel and stream, used from the channel's callbacks.
 */
public final class Seam<T> {
  /** One notification of the stream: its id and what is pushed. */
  public record Item<T>(StreamId id, T message) {}

  /** How far past the replay a live id must be for the seam to settle. */
  public static final long SETTLE_MILLIS = 1000;

  private List<Item<T>> held = new ArrayList<>();
  private StreamId cutoff;
  private boolean settled;

  /** A seam that holds live notifications until {@link #replayed} is called. */
  public static <T> Seam<T> replaying() {
    return new Seam<>();
  }

  /**
   * A seam with nothing to replay: live notifications pass at once. It never changes (settled, no
   * cutoff), so one may be shared.
   */
  public static <T> Seam<T> live() {
    Seam<T> seam = new Seam<>();
    seam.held = null;
    seam.settled = true;
    return seam;
  }

  /** What to push now for a live notification: nothing while replaying, or if it was replayed. */
  public List<Item<T>> live(Item<T> item) {
    if (held != null) {
      held.add(item);
      return List.of();
    }
    if (!item.id().isAfter(cutoff)) {
      return List.of();
    }
    settle(item.id());
    return List.of(item);
  }

  /**
   * Ends the replay: returns {@code replay} followed by the held live notifications newer than
   * {@code through} (the newest id the replay read covered, pushed or not; null when nothing was
   * read).
   */
  public List<Item<T>> replayed(List<Item<T>> replay, StreamId through) {
    if (held == null) {
      throw new IllegalStateException("replayed twice");
    }
    cutoff = through;
    settled = through == null; // nothing was read: nothing live can be a replayed one
    List<Item<T>> out = new ArrayList<>(replay);
    for (Item<T> item : held) {
      if (item.id().isAfter(cutoff)) {
        out.add(item);
        settle(item.id());
      }
    }
    held = null;
    return out;
  }

  public boolean isReplaying() {
    return held != null;
  }

  /**
   * Whether every live notification from here on will be newer than the replay, so that {@link
   * #live} would pass each one: false while replaying and until a live one well past it came.
   */
  public boolean isSettled() {
    return settled;
  }

  private void settle(StreamId live) {
    if (!settled && live.millis() - cutoff.millis() > SETTLE_MILLIS) {
      settled = true;
    }
  }
}
