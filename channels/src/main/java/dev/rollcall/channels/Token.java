package dev.rollcall.channels;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signed tokens with a maximum age (after Phoenix.Token / Plug.Crypto.MessageVerifier).
 *
 * <p>A token is {@code SFMyNTY.<payload>.<signature>}, each part base64url without padding: the
 * fixed header is {@code "HS256"}, the payload is the signing time in milliseconds, a colon and the
 * data (UTF-8), the signature is HMAC-SHA256 over {@code header.payload} with a key derived from
 * the secret and a salt (PBKDF2, as Phoenix derives it from {@code secret_key_base}), so one secret
 * can sign several kinds of token that cannot be swapped for one another. The data is signed, not
 * encrypted: a client can read it but not change it.
 *
 * <p>Stateless and thread-safe; derived keys are cached per (secret, salt).
 */
public final class Token {

  /** base64url("HS256"), the header Phoenix tokens start with. */
  private static final String HEADER = "SFMyNTY";

  /** Phoenix.Token's default salt is the caller's; this one is for callers that have none. */
  public static final String DEFAULT_SALT = "rollcall token";

  /** Plug.Crypto.KeyGenerator's defaults: 1000 iterations, 32-byte key. */
  private static final int KEY_ITERATIONS = 1000;

  private static final int KEY_BITS = 256;

  private static final ConcurrentHashMap<KeyId, byte[]> keys = new ConcurrentHashMap<>();

  private Token() {}

  /** What {@link #verify} found. */
  public sealed interface Verification {
    record Valid(String data, Instant signedAt) implements Verification {}

    record Invalid(Reason reason) implements Verification {}
  }

  /** Why a token was refused: Phoenix's {@code :missing}, {@code :invalid}, {@code :expired}. */
  public enum Reason {
    MISSING,
    INVALID,
    EXPIRED
  }

  /** Signs {@code data} now with {@link #DEFAULT_SALT}. */
  public static String sign(String data, String secret) {
    return sign(data, secret, DEFAULT_SALT, Instant.now());
  }

  public static String sign(String data, String secret, String salt, Instant signedAt) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(signedAt, "signedAt");
    String payload =
        encode((signedAt.toEpochMilli() + ":" + data).getBytes(StandardCharsets.UTF_8));
    String signed = HEADER + "." + payload;
    return signed + "." + encode(hmac(key(secret, salt), signed));
  }

  /** Verifies {@code token} against {@code secret} with {@link #DEFAULT_SALT}, now. */
  public static Verification verify(String token, String secret, Duration maxAge) {
    return verify(token, secret, DEFAULT_SALT, maxAge, Clock.systemUTC());
  }

  /**
   * Verifies {@code token}: its signature must match {@code secret} and {@code salt}, and it must
   * not be older than {@code maxAge} at {@code clock}'s now.
   */
  public static Verification verify(
      String token, String secret, String salt, Duration maxAge, Clock clock) {
    Objects.requireNonNull(maxAge, "maxAge");
    if (token == null || token.isEmpty()) {
      return new Verification.Invalid(Reason.MISSING);
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals(HEADER)) {
      return new Verification.Invalid(Reason.INVALID);
    }
    byte[] expected = hmac(key(secret, salt), parts[0] + "." + parts[1]);
    byte[] given = decode(parts[2]);
    // Constant time, so the signature cannot be guessed byte by byte from response times.
    if (given == null || !MessageDigest.isEqual(expected, given)) {
      return new Verification.Invalid(Reason.INVALID);
    }
    byte[] payload = decode(parts[1]);
    if (payload == null) {
      return new Verification.Invalid(Reason.INVALID);
    }
    String text = new String(payload, StandardCharsets.UTF_8);
    int colon = text.indexOf(':');
    Instant signedAt;
    try {
      signedAt = Instant.ofEpochMilli(Long.parseLong(text.substring(0, Math.max(colon, 0))));
    } catch (NumberFormatException e) {
      return new Verification.Invalid(Reason.INVALID);
    }
    if (signedAt.plus(maxAge).isBefore(clock.instant())) {
      return new Verification.Invalid(Reason.EXPIRED);
    }
    return new Verification.Valid(text.substring(colon + 1), signedAt);
  }

  private static byte[] key(String secret, String salt) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(salt, "salt");
    if (secret.length() < 32) {
      // A short secret can be brute-forced offline from any one token.
      throw new IllegalArgumentException("secret must be at least 32 characters");
    }
    return keys.computeIfAbsent(new KeyId(secret, salt), Token::derive);
  }

  private static byte[] derive(KeyId id) {
    try {
      var spec =
          new PBEKeySpec(
              id.secret().toCharArray(),
              id.salt().getBytes(StandardCharsets.UTF_8),
              KEY_ITERATIONS,
              KEY_BITS);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] hmac(byte[] key, String signed) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] decode(String text) {
    try {
      return Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private record KeyId(String secret, String salt) {}
}
