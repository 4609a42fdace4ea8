package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The periodic count's interval: once a period for a few summary heroes, and for many never more
 * than the node's budget of count frames a second, with every hero still getting one each interval.
 */
class LobbySummaryIntervalTest {

  @Property(tries = 500)
  void aNodeNeverWritesMoreCountFramesThanItsBudget(
      @ForAll @IntRange(min = 0, max = 2_000_000) int heroes,
      @ForAll @IntRange(min = 1, max = 10_000) int periodMillis,
      @ForAll @IntRange(min = 1, max = 100_000) int framesPerSecond) {
    Duration period = Duration.ofMillis(periodMillis);
    long interval = LobbySummary.interval(heroes, period, framesPerSecond).toMillis();

    assertThat(interval).isGreaterThanOrEqualTo(periodMillis);
    // heroes frames per interval, at most framesPerSecond a second:
    assertThat((long) heroes * 1000).isLessThanOrEqualTo((long) framesPerSecond * interval);
    if (interval > periodMillis) {
      // and no longer than that takes: a millisecond less would be over the budget.
      assertThat((long) heroes * 1000).isGreaterThan((long) framesPerSecond * (interval - 1));
    }
  }

  @Property(tries = 500)
  void moreHeroesNeverCountMoreOften(
      @ForAll @IntRange(min = 0, max = 1_000_000) int heroes,
      @ForAll @IntRange(min = 0, max = 1_000_000) int more,
      @ForAll @IntRange(min = 1, max = 100_000) int framesPerSecond) {
    Duration period = LobbySummary.PERIOD;
    assertThat(LobbySummary.interval(heroes + more, period, framesPerSecond))
        .isGreaterThanOrEqualTo(LobbySummary.interval(heroes, period, framesPerSecond));
  }

  @Test
  void theDefaultsAtTheSizesMeasured() {
    int budget = LobbySummary.FRAMES_PER_SECOND;
    Duration period = LobbySummary.PERIOD;
    assertThat(LobbySummary.interval(0, period, budget)).isEqualTo(period);
    assertThat(LobbySummary.interval(5_000, period, budget)).isEqualTo(period);
    assertThat(LobbySummary.interval(10_000, period, budget)).isEqualTo(Duration.ofSeconds(2));
    // 100 000 heroes over 6 nodes: ~16 667 a node.
    assertThat(LobbySummary.interval(16_667, period, budget)).isEqualTo(Duration.ofMillis(3334));
  }
}
