package dev.rollcall.presence;

import java.util.Map;

/**
 * Enriches listed presences before they leave the server (Phoenix's {@code fetch/2}): called on
 * every {@link Presence#list} and for the joins and the leaves of every diff, with {@code {key:
 * {"metas": [...]}}}; returns the same shape, maybe with more fields per key (for example a {@code
 * "user"} loaded in one query for all keys). Called on any thread; must not block for long.
 */
@FunctionalInterface
public interface PresenceFetch {
  PresenceFetch IDENTITY = (topic, presences) -> presences;

  Map<String, Map<String, Object>> fetch(String topic, Map<String, Map<String, Object>> presences);
}
