package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.presence.PresencePage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PresenceListRequestTest {

  private static Map<String, Object> payload(Object... pairs) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }

  @Test
  void everyFieldIsOptional() {
    assertThat(PresenceListRequest.check(Map.of()))
        .isEqualTo(new PresenceListRequest.Valid(PresencePage.Query.first(100)));
    assertThat(
            PresenceListRequest.check(
                payload("limit", 500, "after", "Storm", "status", "off_duty", "prefix", "T")))
        .isEqualTo(
            new PresenceListRequest.Valid(new PresencePage.Query("Storm", 500, "off_duty", "T")));
    assertThat(PresenceListRequest.check(payload("after", null, "status", null)))
        .isEqualTo(new PresenceListRequest.Valid(PresencePage.Query.first(100)));
  }

  @Test
  void badFieldsAreRefusedWithTheirReason() {
    assertThat(PresenceListRequest.check(List.of()))
        .isEqualTo(new PresenceListRequest.Invalid("invalid_payload"));
    for (Object limit : List.of(0, 501, -1, "5", 2.5, true)) {
      assertThat(PresenceListRequest.check(payload("limit", limit)))
          .as("limit %s", limit)
          .isEqualTo(new PresenceListRequest.Invalid("invalid_limit"));
    }
    assertThat(PresenceListRequest.check(payload("after", 7)))
        .isEqualTo(new PresenceListRequest.Invalid("invalid_after"));
    assertThat(PresenceListRequest.check(payload("prefix", List.of("x"))))
        .isEqualTo(new PresenceListRequest.Invalid("invalid_prefix"));
    assertThat(PresenceListRequest.check(payload("status", "asleep")))
        .isEqualTo(new PresenceListRequest.Invalid("invalid_status"));
  }

  @Test
  void onlySummaryOrNoPresenceParamIsAMode() {
    assertThat(PresenceMode.of(Map.of())).isEqualTo(PresenceMode.FULL);
    assertThat(PresenceMode.of(null)).isEqualTo(PresenceMode.FULL);
    assertThat(PresenceMode.of(Map.of("history", 5))).isEqualTo(PresenceMode.FULL);
    assertThat(PresenceMode.of(Map.of("presence", "summary"))).isEqualTo(PresenceMode.SUMMARY);
    assertThat(PresenceMode.of(Map.of("presence", "full"))).isNull();
    assertThat(PresenceMode.of(payload("presence", null))).isNull();
    assertThat(PresenceMode.of(Map.of("presence", 1))).isNull();
  }
}
