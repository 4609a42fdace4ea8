package dev.rollcall.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SampleRingTest {
  private static SampleRing.Sample at(long at) {
    return new SampleRing.Sample(at, at * 10, 1, 2);
  }

  @Test
  void keepsTheLastSamplesOldestFirst() {
    var ring = new SampleRing(3);
    assertThat(ring.list()).isEmpty();
    ring.add(at(1));
    ring.add(at(2));
    assertThat(ring.list()).extracting(SampleRing.Sample::at).containsExactly(1L, 2L);
    for (long t = 3; t <= 7; t++) {
      ring.add(at(t));
    }
    assertThat(ring.list()).extracting(SampleRing.Sample::at).containsExactly(5L, 6L, 7L);
  }

  @Test
  void aRingHoldsAtLeastOneSample() {
    assertThatThrownBy(() -> new SampleRing(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
