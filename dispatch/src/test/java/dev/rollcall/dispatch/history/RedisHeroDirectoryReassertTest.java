package dev.rollcall.dispatch.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollcall.dispatch.history.RedisHeroDirectory.Reassert;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** How much the hero directory's reassert writes per tick. */
class RedisHeroDirectoryReassertTest {

  @Property
  void theTicksOfOneCycleWriteEveryPresentHeroAndNoTickWritesOneTwice(
      @ForAll @IntRange(min = 1, max = 10_000) int tickMillis,
      @ForAll @IntRange(min = 0, max = 1_000_000) int extraMillis,
      @ForAll @IntRange(min = 1, max = 5_000) int minSlice,
      @ForAll @IntRange(min = 0, max = 2_000_000) int present) {
    var reassert =
        new Reassert(
            Duration.ofMillis(tickMillis),
            Duration.ofMillis((long) tickMillis + extraMillis),
            minSlice,
            1000);
    int slice = reassert.slice(present);
    long ticksPerCycle = reassert.cycle().toMillis() / reassert.tick().toMillis();
    assertThat(slice).isBetween(Math.min(present, minSlice), present);
    assertThat(ticksPerCycle * slice).isGreaterThanOrEqualTo(present);
  }

  @Property
  void aCycleIsAtMostHalfTheTtlOrOneTick(
      @ForAll @IntRange(min = 1, max = 10_000) int tickMillis,
      @ForAll @IntRange(min = 0, max = 1_000_000) int extraMillis,
      @ForAll @IntRange(min = 1, max = 10_000_000) int ttlMillis) {
    var asked =
        new Reassert(
            Duration.ofMillis(tickMillis),
            Duration.ofMillis((long) tickMillis + extraMillis),
            1,
            1);
    Reassert kept = asked.within(Duration.ofMillis(ttlMillis));
    assertThat(kept.tick()).isEqualTo(asked.tick());
    assertThat(kept.cycle()).isLessThanOrEqualTo(asked.cycle());
    assertThat(kept.cycle().toMillis())
        .isLessThanOrEqualTo(Math.max(tickMillis, ttlMillis / 2 + 1));
    assertThat(kept.cycle()).isGreaterThanOrEqualTo(kept.tick());
    assertThat(kept.markerTtl()).isGreaterThan(kept.cycle());
  }

  @Test
  void theDefaultsWriteOneThirtiethOfALargeLobbyPerTick() {
    assertThat(Reassert.defaults().slice(16_000)).isEqualTo(534);
    assertThat(Reassert.defaults().slice(50)).isEqualTo(50);
    assertThat(Reassert.defaults().within(Duration.ofMinutes(10))).isEqualTo(Reassert.defaults());
  }

  @Test
  void aTickLongerThanTheCycleIsRefused() {
    assertThatThrownBy(() -> new Reassert(Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most the cycle");
    assertThatThrownBy(() -> new Reassert(Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
