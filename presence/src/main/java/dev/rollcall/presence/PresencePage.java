package dev.rollcall.presence;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One page of a topic's presences, keys ascending ({@link Presence#page}). The cursor is a key, not
 * an offset: following {@link #next()} from page to page returns every key present throughout
 * exactly once, however many others come and go between pages.
 *
 * @param entries this page's keys, ascending, each with its {@code {"metas": [...]}} as {@link
 *     Presence#list} shows it (through the fetch hook)
 * @param next the cursor for the next page ({@link Query#after}), or null when no key matching the
 *     query follows this page
 */
public record PresencePage(List<Entry> entries, String next) {
  public PresencePage {
    entries = List.copyOf(entries);
  }

  /** A key and what {@link Presence#get} would show for it. */
  public record Entry(String key, Map<String, Object> presence) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(presence, "presence");
    }

    /** The key's metas, one per tracked connection. */
    public List<?> metas() {
      return presence.get("metas") instanceof List<?> metas ? metas : List.of();
    }
  }

  /**
   * What to page through.
   *
   * @param after the cursor: only keys after it (exclusive); null for the first page
   * @param limit at most this many entries, at least 1
   * @param group only keys counted in this group of {@link PresenceConfig#groups()}, or null for
   *     all
   * @param prefix only keys starting with it; empty for all. A prefix costs nothing extra: keys are
   *     kept sorted, so the page starts at the prefix and stops past it. A group filter skips the
   *     keys of other groups one by one.
   */
  public record Query(String after, int limit, String group, String prefix) {
    public Query {
      Objects.requireNonNull(prefix, "prefix");
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1, was " + limit);
      }
    }

    /** The first {@code limit} keys. */
    public static Query first(int limit) {
      return new Query(null, limit, null, "");
    }

    public Query after(String cursor) {
      return new Query(cursor, limit, group, prefix);
    }

    public Query inGroup(String onlyGroup) {
      return new Query(after, limit, onlyGroup, prefix);
    }

    public Query withPrefix(String keyPrefix) {
      return new Query(after, limit, group, keyPrefix);
    }
  }
}
