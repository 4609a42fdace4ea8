package dev.rollcall.dispatch;

import java.time.Duration;
import java.util.Objects;

/**
 * How the dispatch application behaves, independent of where it listens.
 *
 * @param notifyInterval how often the internal service sends one notification to a random hero
 * @param maxBodyLength longest notification body, in characters (code points)
 * @param tokenMaxAge how long an identity token stays valid; the page renews it on every load, so a
 *     day keeps a tab's hero across reconnects and restarts without living forever
 * @param secret signs identity tokens; every node of a cluster needs the same one, so a page may
 *     reconnect to any node
 */
public record DispatchConfig(
    Duration notifyInterval, int maxBodyLength, Duration tokenMaxAge, String secret) {

  public DispatchConfig {
    Objects.requireNonNull(notifyInterval, "notifyInterval");
    if (notifyInterval.compareTo(Duration.ofMillis(10)) < 0) {
      throw new IllegalArgumentException(
          "notify interval must be at least 10ms, got " + notifyInterval.toMillis() + "ms");
    }
    if (maxBodyLength < 1) {
      throw new IllegalArgumentException("maxBodyLength must be positive");
    }
    if (tokenMaxAge.isNegative() || tokenMaxAge.isZero()) {
      throw new IllegalArgumentException("tokenMaxAge must be positive");
    }
    if (secret == null || secret.length() < 32) {
      throw new IllegalArgumentException("the token secret must be at least 32 characters");
    }
  }

  /** Defaults with a secret of this process only: tokens do not survive a restart. */
  public static DispatchConfig defaults() {
    return new DispatchConfig(Duration.ofSeconds(5), 500, Duration.ofDays(1), randomSecret());
  }

  public DispatchConfig withNotifyInterval(Duration notifyInterval) {
    return new DispatchConfig(notifyInterval, maxBodyLength, tokenMaxAge, secret);
  }

  public DispatchConfig withSecret(String secret) {
    return new DispatchConfig(notifyInterval, maxBodyLength, tokenMaxAge, secret);
  }

  static String randomSecret() {
    byte[] bytes = new byte[48];
    new java.security.SecureRandom().nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
