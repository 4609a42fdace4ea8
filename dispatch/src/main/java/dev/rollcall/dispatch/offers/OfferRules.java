package dev.rollcall.dispatch.offers;

import java.time.Duration;
import java.util.Objects;

/**
 * How long things may take.
 *
 * @param offerTimeout how long a hero has to accept an offer before it moves on
 * @param reassignAfter how long an assigned hero who dropped keeps the assignment
 * @param keepResolved how many resolved dispatches the board keeps (the most recent)
 */
public record OfferRules(Duration offerTimeout, Duration reassignAfter, int keepResolved) {

  public OfferRules {
    Objects.requireNonNull(offerTimeout, "offerTimeout");
    Objects.requireNonNull(reassignAfter, "reassignAfter");
    if (offerTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("offerTimeout must be at least 1ms");
    }
    if (reassignAfter.isNegative()) {
      throw new IllegalArgumentException("reassignAfter must not be negative");
    }
    if (keepResolved < 0) {
      throw new IllegalArgumentException("keepResolved must not be negative");
    }
  }

  public static OfferRules defaults() {
    return new OfferRules(Duration.ofSeconds(15), Duration.ofSeconds(30), 20);
  }
}
