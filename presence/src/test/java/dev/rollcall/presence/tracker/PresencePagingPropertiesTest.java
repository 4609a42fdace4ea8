package dev.rollcall.presence.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.presence.PresenceCount;
import dev.rollcall.presence.PresenceGroups;
import dev.rollcall.presence.crdt.PresenceMeta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Pages and counts of the presence view against a plain model, under random joins, leaves and
 * status changes made between pages: a walk returns every key present throughout exactly once,
 * ascending, and the counts always agree with the keys.
 */
class PresencePagingPropertiesTest {
  private static final String TOPIC = "lobby";
  private static final List<String> STATUSES = List.of("busy", "off_duty", "available");
  private static final PresenceGroups GROUPS = new PresenceGroups("status", STATUSES);

  /** One change to one key: a connection joins, one leaves, or one changes status. */
  sealed interface Op {
    String key();
  }

  record Join(String key, String status) implements Op {}

  record Leave(String key) implements Op {}

  record SetStatus(String key, String status) implements Op {}

  /** The view and the model side by side: key -> its metas, in join order. */
  private static final class World {
    final PresenceView view = new PresenceView(GROUPS);
    final TreeMap<String, List<Map<String, Object>>> model = new TreeMap<>();
    int refs;

    void apply(Op op) {
      List<Map<String, Object>> metas = model.computeIfAbsent(op.key(), k -> new ArrayList<>());
      switch (op) {
        case Join join -> {
          Map<String, Object> meta = meta(join.status());
          metas.add(meta);
          view.add(TOPIC, join.key(), meta);
        }
        case Leave leave -> {
          if (!metas.isEmpty()) {
            view.remove(TOPIC, leave.key(), metas.remove(0));
          }
        }
        case SetStatus set -> {
          if (!metas.isEmpty()) {
            Map<String, Object> updated = meta(set.status());
            view.replace(TOPIC, set.key(), metas.set(0, updated), updated);
          }
        }
      }
      if (metas.isEmpty()) {
        model.remove(op.key());
      }
    }

    private Map<String, Object> meta(String status) {
      Map<String, Object> meta = new LinkedHashMap<>();
      // "none" stands for a meta without a status, which counts as the default group
      if (!status.equals("none")) {
        meta.put("status", status);
      }
      meta.put(PresenceMeta.PHX_REF, "ref" + refs++);
      return meta;
    }

    String groupOf(String key) {
      for (String status : STATUSES) {
        if (model.get(key).stream().anyMatch(m -> status.equals(m.get("status")))) {
          return status;
        }
      }
      return STATUSES.getLast();
    }
  }

  @Property(tries = 300)
  void aWalkReturnsEveryKeyPresentThroughoutOnceAscending(
      @ForAll("initialJoins") List<Op> initial,
      @ForAll("batches") List<List<Op>> betweenPages,
      @ForAll @IntRange(min = 1, max = 5) int limit,
      @ForAll("prefixes") String prefix,
      @ForAll("groupFilters") String group) {
    World world = new World();
    initial.forEach(world::apply);
    Set<String> throughout = new HashSet<>();
    world.model.forEach(
        (key, metas) -> {
          if (key.startsWith(prefix) && (group == null || world.groupOf(key).equals(group))) {
            throughout.add(key);
          }
        });
    Set<String> everSeen = new HashSet<>(world.model.keySet());
    int groupIndex = group == null ? ListedPresence.NO_GROUP : STATUSES.indexOf(group);

    List<String> returned = new ArrayList<>();
    String after = null;
    int page = 0;
    while (true) {
      PresenceView.Slice slice = world.view.slice(TOPIC, after, limit, groupIndex, prefix);
      assertThat(slice.presences().size()).isLessThanOrEqualTo(limit);
      returned.addAll(slice.presences().keySet());
      if (!slice.more()) {
        break;
      }
      assertThat(slice.presences()).hasSize(limit);
      after = returned.getLast();
      List<Op> changes = page < betweenPages.size() ? betweenPages.get(page) : List.of();
      page++;
      for (Op op : changes) {
        world.apply(op);
        // Any change to a key (a leave, or a status that may move it out of the group) makes it
        // not present throughout; a key that only joined meanwhile may or may not be returned.
        throughout.remove(op.key());
        everSeen.add(op.key());
      }
    }

    assertThat(returned).as("ascending, no repeats").isSorted().doesNotHaveDuplicates();
    assertThat(returned).as("every key present throughout").containsAll(throughout);
    assertThat(returned).allMatch(everSeen::contains).allMatch(k -> k.startsWith(prefix));
  }

  @Property(tries = 300)
  void countsAgreeWithTheKeysAfterEveryChange(@ForAll("batches") List<List<Op>> batches) {
    World world = new World();
    for (List<Op> batch : batches) {
      batch.forEach(world::apply);
      PresenceCount count = world.view.count(TOPIC);
      Map<String, Integer> expected = new LinkedHashMap<>();
      STATUSES.forEach(s -> expected.put(s, 0));
      world.model.keySet().forEach(key -> expected.merge(world.groupOf(key), 1, Integer::sum));
      assertThat(count.count()).isEqualTo(world.model.size());
      assertThat(count.groups()).containsExactlyEntriesOf(expected);
      assertThat(count.groups().values().stream().mapToInt(Integer::intValue).sum())
          .isEqualTo(count.count());
      assertThat(world.view.presences(TOPIC).keySet())
          .containsExactlyElementsOf(world.model.keySet());
      Map<String, Integer> metas = new HashMap<>();
      world
          .view
          .presences(TOPIC)
          .forEach((k, v) -> metas.put(k, ((ListedPresence) v).metas().size()));
      world.model.forEach((k, v) -> assertThat(metas.get(k)).isEqualTo(v.size()));
    }
  }

  private static Arbitrary<String> keys() {
    // A small alphabet: keys collide, share prefixes, and come back after they left.
    return Arbitraries.strings().withChars("abc").ofMinLength(1).ofMaxLength(3);
  }

  private static Arbitrary<String> statuses() {
    return Arbitraries.of("busy", "off_duty", "available", "none");
  }

  @Provide
  Arbitrary<Op> joins() {
    return Combinators.combine(keys(), statuses()).as(Join::new);
  }

  @Provide
  Arbitrary<List<Op>> changes() {
    Arbitrary<Op> op =
        Arbitraries.oneOf(
            joins(),
            keys().map(Leave::new),
            Combinators.combine(keys(), statuses()).as(SetStatus::new));
    return op.list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<Op>> initialJoins() {
    return joins().list().ofMaxSize(40);
  }

  @Provide
  Arbitrary<List<List<Op>>> batches() {
    return changes().list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.of("", "", "a", "b", "ab", "ca");
  }

  @Provide
  Arbitrary<String> groupFilters() {
    return Arbitraries.of("busy", "off_duty", "available").injectNull(0.5);
  }
}
