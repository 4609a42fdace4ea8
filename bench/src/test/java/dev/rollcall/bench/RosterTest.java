package dev.rollcall.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RosterTest {

  /** The hash set behaves as a set, whatever the order of adds and removes. */
  @Property(tries = 200)
  void actsAsASetOfIds(
      @ForAll @Size(max = 300) List<@LongRange(min = 1, max = 400) Long> ids,
      @ForAll @Size(max = 300) List<@LongRange(min = 1, max = 400) Long> removals) {
    var roster = new Roster();
    Set<Long> model = new HashSet<>();
    for (int i = 0; i < Math.max(ids.size(), removals.size()); i++) {
      if (i < ids.size()) {
        roster.add(ids.get(i));
        model.add(ids.get(i));
      }
      if (i < removals.size()) {
        roster.remove(removals.get(i));
        model.remove(removals.get(i));
      }
      assertThat(roster.size()).isEqualTo(model.size());
    }
  }

  @Test
  void followsPresenceStateAndDiffsAsPhoenixJsWould() {
    var roster = new Roster();
    roster.applyState(
        Map.of(
            "Storm",
            Map.of("metas", List.of(Map.of("phx_ref", "a"), Map.of("phx_ref", "b"))),
            "Thor",
            Map.of("metas", List.of(Map.of("phx_ref", "c")))));
    assertThat(roster.size()).isEqualTo(3);
    // A diff repeating a presence already in the state (the joiner's own race) adds nothing.
    roster.applyDiff(
        Map.of(
            "joins",
            Map.of("Thor", Map.of("metas", List.of(Map.of("phx_ref", "c")))),
            "leaves",
            Map.of("Storm", Map.of("metas", List.of(Map.of("phx_ref", "a"))))));
    assertThat(roster.size()).isEqualTo(2);
    assertThat(roster.frames()).isEqualTo(2);
  }
}
