package dev.rollcall.dispatch.history;

import java.util.Optional;

/**
 * Which hero identity a name belongs to, while the hero is present and for a ttl after they left,
 * so a direct notification finds the identity's stream and one to a hero who just dropped is queued
 * for their return. Implementations are thread-safe.
 */
public interface HeroDirectory extends AutoCloseable {

  /** {@code identity} joined as {@code name} (once per connection). */
  void joined(String name, String identity);

  /** One connection of {@code identity} as {@code name} ended. */
  void left(String name, String identity);

  /** The identity of {@code name} if it is present or left less than a ttl ago. */
  Optional<String> identity(String name);

  @Override
  default void close() {}
}
