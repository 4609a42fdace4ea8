package dev.rollcall.presence.tracker;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes {@code phx_ref}s: 16 URL-safe characters (12 bytes, like Phoenix's), a random 64-bit prefix
 * per tracker and a counter, so refs are unique in the cluster without coordination. Thread-safe.
 */
final class PhxRefs {
  private final long prefix = new SecureRandom().nextLong();
  private final AtomicLong counter = new AtomicLong();

  String next() {
    ByteBuffer bytes = ByteBuffer.allocate(12);
    bytes.putLong(prefix).putInt((int) counter.incrementAndGet());
    return Base64.getUrlEncoder().encodeToString(bytes.array());
  }
}
