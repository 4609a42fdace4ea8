package dev.rollcall.bench;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What one worker measured; merged over workers into one result. Histograms travel between
 * processes as base64 of HdrHistogram's compressed encoding. Immutable.
 *
 * @param joinMicros join latency (join sent → user_info received)
 * @param deliveryMicros notification latency (send → receive, from the nanoTime in the body;
 *     System.nanoTime is CLOCK_MONOTONIC on Linux, so it is comparable across processes here)
 * @param rosterMillis storm: time from storm start until each client's roster was complete
 * @param presenceFrames storm: presence_state + presence_diff frames each client received
 * @param firstSentNanos fanout --burst: the earliest send time in a measured delivery, or 0
 * @param lastDeliveredNanos fanout --burst: when the last measured delivery arrived, or 0
 * @param bytesReceived grow: WebSocket text payload bytes all heroes received
 * @param fullPresenceFrames grow: presence_state and presence_diff frames received
 * @param countFrames grow: presence_count frames received
 * @param countsExact grow: heroes whose latest presence_count equals the heroes asked for
 * @param lastExactNanos grow: when the last of those counts became exact, or 0
 * @param lastJoinNanos grow: when the last join completed, or 0
 * @param joinedAtMillis grow: when each join completed, ms since the run's origin
 */
record WorkerReport(
    int attempted,
    int connected,
    int joined,
    long sent,
    long delivered,
    int drops,
    int reconnects,
    long undecodable,
    int rostersComplete,
    double measuredSeconds,
    long firstSentNanos,
    long lastDeliveredNanos,
    Map<String, Integer> errors,
    String joinMicros,
    String deliveryMicros,
    String rosterMillis,
    String presenceFrames,
    long bytesReceived,
    long fullPresenceFrames,
    long countFrames,
    int countsExact,
    long lastExactNanos,
    long lastJoinNanos,
    String joinedAtMillis) {

  static String encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    histogram.encodeIntoCompressedByteBuffer(buffer);
    buffer.flip();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  static Histogram decode(String encoded) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("bad histogram from a worker", e);
    }
  }

  /**
   * Counters add up; histograms merge; the measured time is the longest, or for a burst the span
   * from the first send to the last delivery over all workers (nanoTime is shared here).
   */
  WorkerReport merge(WorkerReport other) {
    Map<String, Integer> allErrors = new TreeMap<>(errors);
    other.errors.forEach((kind, count) -> allErrors.merge(kind, count, Integer::sum));
    long first =
        firstSentNanos == 0
            ? other.firstSentNanos
            : other.firstSentNanos == 0
                ? firstSentNanos
                : firstSentNanos - other.firstSentNanos < 0 ? firstSentNanos : other.firstSentNanos;
    long last =
        lastDeliveredNanos == 0
            ? other.lastDeliveredNanos
            : other.lastDeliveredNanos == 0
                ? lastDeliveredNanos
                : lastDeliveredNanos - other.lastDeliveredNanos > 0
                    ? lastDeliveredNanos
                    : other.lastDeliveredNanos;
    double seconds =
        first != 0 && last != 0
            ? (last - first) / 1e9
            : Math.max(measuredSeconds, other.measuredSeconds);
    return new WorkerReport(
        attempted + other.attempted,
        connected + other.connected,
        joined + other.joined,
        sent + other.sent,
        delivered + other.delivered,
        drops + other.drops,
        reconnects + other.reconnects,
        undecodable + other.undecodable,
        rostersComplete + other.rostersComplete,
        seconds,
        first,
        last,
        allErrors,
        mergeHistogram(joinMicros, other.joinMicros),
        mergeHistogram(deliveryMicros, other.deliveryMicros),
        mergeHistogram(rosterMillis, other.rosterMillis),
        mergeHistogram(presenceFrames, other.presenceFrames),
        bytesReceived + other.bytesReceived,
        fullPresenceFrames + other.fullPresenceFrames,
        countFrames + other.countFrames,
        countsExact + other.countsExact,
        WorkerStats.later(lastExactNanos, other.lastExactNanos),
        WorkerStats.later(lastJoinNanos, other.lastJoinNanos),
        mergeHistogram(joinedAtMillis, other.joinedAtMillis));
  }

  private static String mergeHistogram(String a, String b) {
    Histogram sum = decode(a);
    sum.add(decode(b));
    return encode(sum);
  }
}
