package dev.rollcall.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  @Property(tries = 300)
  void neverAcceptsMoreThanTheBurstPlusTheRateOverTheElapsedTime(
      @ForAll @IntRange(min = 1, max = 1000) int rate,
      @ForAll @IntRange(min = 1, max = 500) int burst,
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 50_000_000) Integer> gaps) {
    long start = 42;
    TokenBucket bucket = new TokenBucket(rate, burst, start);
    long now = start;
    long accepted = 0;
    for (int gap : gaps) {
      now += gap;
      if (bucket.tryTake(now)) {
        accepted++;
      }
      // accepted <= burst + rate * elapsed, in exact integers
      assertThat(accepted * SECOND).isLessThanOrEqualTo(burst * SECOND + rate * (now - start));
    }
  }

  @Property(tries = 300)
  void aClientThatKeepsToTheRateIsNeverRefused(
      @ForAll @IntRange(min = 1, max = 100_000) int rate,
      @ForAll @IntRange(min = 1, max = 10) int burst,
      @ForAll @IntRange(min = 1, max = 500) int messages) {
    long spacing = (SECOND + rate - 1) / rate;
    TokenBucket bucket = new TokenBucket(rate, burst, 0);
    for (int i = 0; i < messages; i++) {
      assertThat(bucket.tryTake(i * spacing)).as("message %d", i).isTrue();
    }
  }

  @Example
  void aBurstThenOneTokenPerPeriod() {
    TokenBucket bucket = new TokenBucket(1, 3, 0);
    assertThat(bucket.tryTake(0)).isTrue();
    assertThat(bucket.tryTake(0)).isTrue();
    assertThat(bucket.tryTake(0)).isTrue();
    assertThat(bucket.tryTake(SECOND - 1)).isFalse();
    assertThat(bucket.tryTake(SECOND)).isTrue();
    assertThat(bucket.tryTake(SECOND)).isFalse();
    // a long silence refills to the burst, not beyond, and does not overflow
    long later = Long.MAX_VALUE / 2;
    for (int i = 0; i < 3; i++) {
      assertThat(bucket.tryTake(later)).isTrue();
    }
    assertThat(bucket.tryTake(later)).isFalse();
  }
}
