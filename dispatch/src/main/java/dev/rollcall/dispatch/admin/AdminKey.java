package dev.rollcall.dispatch.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * The operators' API key as the dashboard checks it: the {@code key} of a join's params against
 * {@code --api-key}, compared as digests so that every wrong key takes the same time. Immutable.
 */
public final class AdminKey {
  private final byte[] digest;

  /**
   * @param apiKey the key dashboards must present, or null: the dashboard is disabled
   */
  public AdminKey(String apiKey) {
    this.digest = apiKey == null ? null : sha256(apiKey);
  }

  /** What a join with {@code params} gets. */
  public enum Verdict {
    ALLOWED,
    UNAUTHORIZED,
    DISABLED
  }

  public Verdict check(Object params) {
    if (digest == null) {
      return Verdict.DISABLED;
    }
    if (!(params instanceof Map<?, ?> map) || !(map.get("key") instanceof String key)) {
      return Verdict.UNAUTHORIZED;
    }
    return MessageDigest.isEqual(digest, sha256(key.trim()))
        ? Verdict.ALLOWED
        : Verdict.UNAUTHORIZED;
  }

  public boolean enabled() {
    return digest != null;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
