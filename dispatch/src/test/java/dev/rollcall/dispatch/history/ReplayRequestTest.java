package dev.rollcall.dispatch.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplayRequestTest {

  @Test
  void lastSeenNamesStreamsAndEmptyMeansFromTheOldest() {
    var request = ReplayRequest.of(Map.of("last_seen", Map.of("lobby", "17-3", "direct", "")));
    assertThat(request)
        .isEqualTo(
            new ReplayRequest.LastSeen(
                Map.of("lobby", Optional.of(new StreamId(17, 3)), "direct", Optional.empty())));
    assertThat(ReplayRequest.of(Map.of("last_seen", Map.of("lobby", "1-0"), "history", 5)))
        .as("last_seen wins over history")
        .isInstanceOf(ReplayRequest.LastSeen.class);
  }

  @Test
  void historyIsAnIntegerFromZeroToTwenty() {
    assertThat(ReplayRequest.of(Map.of("history", 5))).isEqualTo(new ReplayRequest.Recent(5));
    assertThat(ReplayRequest.of(Map.of("history", 0))).isEqualTo(new ReplayRequest.None());
    assertThat(ReplayRequest.of(Map.of())).isEqualTo(new ReplayRequest.None());
    for (Object bad : List.of(-1, 21, "5", 2.5, List.of(5), Long.MAX_VALUE)) {
      assertThat(ReplayRequest.of(Map.of("history", bad)))
          .as("history %s", bad)
          .isEqualTo(new ReplayRequest.Invalid("invalid_history"));
    }
  }

  @Test
  void badLastSeenIsRefusedWithAReason() {
    for (Object bad :
        List.of(
            "1-0",
            List.of("1-0"),
            Map.of("lobby", 7),
            Map.of("lobby", "yesterday"),
            Map.of("direct", "1-"),
            Map.of("lobby", "99999999999999999999-0"))) {
      assertThat(ReplayRequest.of(Map.of("last_seen", bad)))
          .as("last_seen %s", bad)
          .isEqualTo(new ReplayRequest.Invalid("invalid_last_seen"));
    }
  }
}
