package dev.rollcall.dispatch.offers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One reported incident and who holds it. Immutable.
 *
 * @param hero the hero it is offered or assigned to, else null
 * @param attempts how many offers it has had
 * @param offeredTo every hero it has been offered to, in order: none is offered it twice
 * @param offeredAt when the current offer was made (ms since the epoch), else 0
 * @param deadline when the current offer expires (offered), or when an assignment whose hero has
 *     gone is offered again (assigned), else 0
 */
public record Dispatch(
    String id,
    String body,
    DispatchState state,
    String hero,
    int attempts,
    long createdAt,
    long updatedAt,
    List<String> offeredTo,
    long offeredAt,
    long deadline) {

  public Dispatch {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(state, "state");
    offeredTo = List.copyOf(offeredTo);
    if ((state == DispatchState.OFFERED || state == DispatchState.ASSIGNED) != (hero != null)) {
      throw new IllegalArgumentException(state + " with hero " + hero);
    }
  }

  /** The {@code dispatch_update} payload, and one entry of {@code dispatch_board}. */
  public Map<String, Object> payload() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("id", id);
    payload.put("body", body);
    payload.put("state", state.wire());
    payload.put("hero", hero);
    payload.put("attempts", attempts);
    payload.put("created_at", createdAt);
    payload.put("updated_at", updatedAt);
    return payload;
  }

  /** The {@code dispatch_offer} payload its hero receives. */
  public Map<String, Object> offerPayload() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("id", id);
    payload.put("body", body);
    payload.put("expires_at", deadline);
    return payload;
  }

  boolean isOpen() {
    return state != DispatchState.RESOLVED;
  }
}
