package dev.rollcall.dispatch.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When a seam may let its stream past unlooked-at: the channel's cue to rejoin the fastlane. */
class SeamTest {
  private static Seam.Item<String> item(long millis, long seq) {
    return new Seam.Item<>(new StreamId(millis, seq), millis + "-" + seq);
  }

  @Test
  void settlesOnlyOnceALiveIdIsWellPastTheReplay() {
    Seam<String> seam = Seam.replaying();
    assertThat(seam.isSettled()).isFalse();
    assertThat(seam.live(item(10_000, 0))).isEmpty(); // held
    assertThat(seam.replayed(List.of(item(10_000, 0)), new StreamId(10_000, 0))).hasSize(1);
    assertThat(seam.isSettled()).isFalse();

    assertThat(seam.live(item(10_000, 0))).as("already replayed").isEmpty();
    assertThat(seam.live(item(10_500, 0))).hasSize(1);
    assertThat(seam.isSettled()).as("another node's older one may still be on its way").isFalse();
    assertThat(seam.live(item(11_001, 0))).hasSize(1);
    assertThat(seam.isSettled()).isTrue();
  }

  @Test
  void aHeldOneWellPastTheReplaySettlesItAtOnce() {
    Seam<String> seam = Seam.replaying();
    seam.live(item(20_000, 0));
    assertThat(seam.replayed(List.of(), new StreamId(18_000, 3))).hasSize(1);
    assertThat(seam.isSettled()).isTrue();
  }

  @Test
  void nothingReadMeansNothingLiveToDrop() {
    Seam<String> seam = Seam.replaying();
    seam.replayed(List.of(), null);
    assertThat(seam.isSettled()).isTrue();
    assertThat(Seam.<String>live().isSettled()).isTrue();
  }
}
