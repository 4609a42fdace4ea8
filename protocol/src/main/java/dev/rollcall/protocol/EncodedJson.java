package dev.rollcall.protocol;

/**
 * A payload value that carries its own JSON encoding, so the serializers copy its bytes instead of
 * walking it again: for values that are encoded many times and never change, such as a presence
 * entry listed in the {@code presence_state} of every hero who joins after it.
 *
 * <p>Implementations must be immutable and thread-safe, and {@link #json()} must return exactly the
 * bytes {@link #encode} gives for the same value written as a plain map or list (the serializers
 * trust them and do not check).
 */
public interface EncodedJson {
  /** The UTF-8 JSON of this value; callers never change the array. */
  byte[] json();

  /**
   * How the serializers write {@code value} as a plain JSON value (a nested {@link EncodedJson} is
   * copied as its bytes). Implementations compute {@link #json()} with this, from the plain form of
   * their value (not from themselves, which would ask for their own bytes).
   */
  static byte[] encode(Object value) {
    return Json.encode(generator -> Json.writeValue(generator, value));
  }
}
