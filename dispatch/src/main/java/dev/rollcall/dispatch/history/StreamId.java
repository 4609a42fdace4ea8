package dev.rollcall.dispatch.history;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A notification's place in its stream, {@code "<ms>-<seq>"} as Redis Streams write entry ids:
 * ordered by time, then by sequence within a millisecond. The in-process store issues the same
 * shape, so ids of different streams compare and a client never needs to know which store made
 * them.
 */
public record StreamId(long millis, long sequence) implements Comparable<StreamId> {
  private static final Pattern SHAPE = Pattern.compile("\\d{1,19}-\\d{1,19}");

  public StreamId {
    if (millis < 0 || sequence < 0) {
      throw new IllegalArgumentException("stream ids are not negative: " + millis + "-" + sequence);
    }
  }

  /** The id in {@code text}, or empty if it is not {@code "<ms>-<seq>"}. */
  public static Optional<StreamId> parse(String text) {
    if (text == null || !SHAPE.matcher(text).matches()) {
      return Optional.empty();
    }
    int dash = text.indexOf('-');
    try {
      return Optional.of(
          new StreamId(
              Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1))));
    } catch (NumberFormatException e) {
      return Optional.empty(); // more digits than a long holds
    }
  }

  /** The next id after {@code previous} at time {@code nowMillis}, as Redis issues them. */
  public static StreamId next(StreamId previous, long nowMillis) {
    if (previous == null || nowMillis > previous.millis) {
      return new StreamId(nowMillis, 0);
    }
    return new StreamId(previous.millis, previous.sequence + 1);
  }

  @Override
  public int compareTo(StreamId other) {
    int byTime = Long.compare(millis, other.millis);
    return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
  }

  public boolean isAfter(StreamId other) {
    return other == null || compareTo(other) > 0;
  }

  @Override
  public String toString() {
    return millis + "-" + sequence;
  }
}
