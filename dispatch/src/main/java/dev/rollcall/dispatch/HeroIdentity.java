package dev.rollcall.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a page is across reconnects: a random id and the hero name it was given. Carried in a signed
 * token (data {@code {"id":..., "name":...}}), so a page that reconnects, to this node or another,
 * comes back as the same hero.
 */
public record HeroIdentity(String id, String name) {
  private static final ObjectMapper json = new ObjectMapper();

  public HeroIdentity {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
  }

  String toTokenData() {
    try {
      return json.writeValueAsString(Map.of("id", id, "name", name));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("two strings always encode", e);
    }
  }

  /** The identity in verified token data, or empty if the data is not one. */
  static Optional<HeroIdentity> fromTokenData(String data) {
    try {
      JsonNode node = json.readTree(data);
      if (node != null
          && node.path("id").isTextual()
          && node.path("name").isTextual()
          && !node.path("name").asText().isBlank()) {
        return Optional.of(new HeroIdentity(node.get("id").asText(), node.get("name").asText()));
      }
    } catch (java.io.IOException e) {
      // not JSON: fall through
    }
    return Optional.empty();
  }
}
