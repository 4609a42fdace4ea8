package dev.rollcall.dispatch.admin;

import java.time.Duration;
import java.util.Objects;

/**
 * How the dashboard samples and what it keeps.
 *
 * @param samplePeriod how often each node samples and publishes its figures, and how often the
 *     dashboards are updated; at most 2 s (the page promises updates that often)
 * @param historySamples cluster totals kept for the chart, one per sample period (600 × 1 s: the
 *     last ten minutes)
 * @param staleAfter a node whose last figures are older than this is left out of the totals
 * @param forgetAfter a node neither the tracker nor its figures have mentioned for this long is no
 *     longer listed
 */
public record DashboardConfig(
    Duration samplePeriod, int historySamples, Duration staleAfter, Duration forgetAfter) {

  public DashboardConfig {
    Objects.requireNonNull(samplePeriod, "samplePeriod");
    Objects.requireNonNull(staleAfter, "staleAfter");
    Objects.requireNonNull(forgetAfter, "forgetAfter");
    if (samplePeriod.isNegative()
        || samplePeriod.isZero()
        || samplePeriod.compareTo(Duration.ofSeconds(2)) > 0) {
      throw new IllegalArgumentException("samplePeriod must be in (0, 2s], was " + samplePeriod);
    }
    if (historySamples < 1) {
      throw new IllegalArgumentException("historySamples must be >= 1, was " + historySamples);
    }
    if (staleAfter.compareTo(samplePeriod) <= 0) {
      throw new IllegalArgumentException(
          "staleAfter must be > samplePeriod (" + samplePeriod + "), was " + staleAfter);
    }
    if (forgetAfter.compareTo(staleAfter) <= 0) {
      throw new IllegalArgumentException(
          "forgetAfter must be > staleAfter (" + staleAfter + "), was " + forgetAfter);
    }
  }

  /** One sample a second, ten minutes of history, stale after 3 s, forgotten after a minute. */
  public static DashboardConfig defaults() {
    return new DashboardConfig(
        Duration.ofSeconds(1), 600, Duration.ofSeconds(3), Duration.ofMinutes(1));
  }
}
