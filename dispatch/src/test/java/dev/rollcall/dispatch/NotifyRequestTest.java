package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class NotifyRequestTest {
  private static final Predicate<String> STORM_IS_HERE = "Storm"::equals;

  private static NotifyRequest broadcast(Object payload) {
    return NotifyRequest.check(payload, false, 500, STORM_IS_HERE);
  }

  private static NotifyRequest direct(Object payload) {
    return NotifyRequest.check(payload, true, 500, STORM_IS_HERE);
  }

  private static Map<String, Object> body(Object body) {
    Map<String, Object> payload = new HashMap<>();
    payload.put("body", body);
    return payload;
  }

  @Test
  void aStringBodyIsValid() {
    assertThat(broadcast(Map.of("body", "Villain downtown")))
        .isEqualTo(new NotifyRequest.Valid("Villain downtown", null));
  }

  @Test
  void aMissingOrNonStringBodyIsInvalid() {
    var invalid = new NotifyRequest.Invalid("invalid_body");
    assertThat(broadcast(Map.of())).isEqualTo(invalid);
    assertThat(broadcast(body(null))).isEqualTo(invalid);
    assertThat(broadcast(body(42))).isEqualTo(invalid);
    assertThat(broadcast(body(List.of("a")))).isEqualTo(invalid);
    assertThat(broadcast(body(Map.of("text", "a")))).isEqualTo(invalid);
    assertThat(broadcast("not an object")).isEqualTo(invalid);
    assertThat(broadcast(null)).isEqualTo(invalid);
    assertThat(broadcast(new byte[] {1})).isEqualTo(invalid);
  }

  @Test
  void aBlankBodyIsInvalid() {
    assertThat(broadcast(body("   \n"))).isEqualTo(new NotifyRequest.Invalid("invalid_body"));
  }

  @Test
  void fiveHundredCharactersAreAllowedOneMoreIsTooLong() {
    assertThat(broadcast(body("x".repeat(500)))).isInstanceOf(NotifyRequest.Valid.class);
    assertThat(broadcast(body("x".repeat(501))))
        .isEqualTo(new NotifyRequest.Invalid("body_too_long"));
  }

  @Test
  void lengthCountsCharactersNotUtf16Units() {
    String heroes = "🦸".repeat(500); // 1000 UTF-16 units, 500 characters

    assertThat(broadcast(body(heroes))).isInstanceOf(NotifyRequest.Valid.class);
  }

  @Test
  void aDirectNotifyNeedsAPresentRecipient() {
    assertThat(direct(Map.of("body", "hi", "recipient", "Storm")))
        .isEqualTo(new NotifyRequest.Valid("hi", "Storm"));

    var unknown = new NotifyRequest.Invalid("unknown_recipient");
    assertThat(direct(Map.of("body", "hi"))).isEqualTo(unknown);
    assertThat(direct(Map.of("body", "hi", "recipient", "Nobody At All"))).isEqualTo(unknown);
    assertThat(direct(Map.of("body", "hi", "recipient", 7))).isEqualTo(unknown);
  }

  @Test
  void theBodyIsCheckedBeforeTheRecipient() {
    assertThat(direct(Map.of("recipient", "Nobody At All")))
        .isEqualTo(new NotifyRequest.Invalid("invalid_body"));
    assertThat(direct(Map.of("body", "x".repeat(501), "recipient", "Nobody")))
        .isEqualTo(new NotifyRequest.Invalid("body_too_long"));
  }
}
