package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class HeroRosterTest {
  private final HeroRoster roster = new HeroRoster();

  @Test
  void aFreeNameIsTakenAsDrawn() {
    assertThat(roster.claim("a", "Storm", name -> false)).isEqualTo("Storm");
  }

  @Test
  void aTakenNameGetsTheFirstFreeSuffix() {
    roster.claim("a", "Storm", name -> false);
    roster.claim("b", "Storm", name -> false);

    assertThat(roster.claim("c", "Storm", name -> false)).isEqualTo("Storm (3)");
  }

  @Test
  void aNamePresentOnAnotherNodeIsTaken() {
    assertThat(roster.claim("a", "Storm", name -> name.equals("Storm"))).isEqualTo("Storm (2)");
  }

  @Test
  void aTakenDrawnNameIsDrawnAgainRatherThanSuffixed() {
    roster.claim("a", "Storm", name -> false);
    var draws = List.of("Storm", "Cyclops", "Rogue").iterator();

    assertThat(roster.claimDrawn("b", draws::next, name -> name.equals("Cyclops")))
        .isEqualTo("Rogue");
  }

  @Test
  void whenEveryDrawIsTakenTheFirstDrawGetsASuffix() {
    var draws = new java.util.concurrent.atomic.AtomicInteger();

    String name =
        roster.claimDrawn(
            "a", () -> "Storm " + draws.getAndIncrement(), candidate -> !candidate.contains("("));

    assertThat(name).isEqualTo("Storm 0 (2)");
    assertThat(draws).hasValue(HeroRoster.REDRAWS + 1);
  }

  @Test
  void theSameIdentityKeepsItsNameWhileItsOldConnectionLingers() {
    roster.claim("a", "Storm", name -> false);

    assertThat(roster.claim("a", "Storm", name -> true)).isEqualTo("Storm");
  }

  @Test
  void aReleasedNameIsFreeAgainOnlyWhenItsLastClaimIsGone() {
    roster.claim("a", "Storm", name -> false);
    roster.claim("a", "Storm", name -> false);

    roster.release("Storm", "a");
    assertThat(roster.claim("b", "Storm", name -> false)).isEqualTo("Storm (2)");

    roster.release("Storm", "a");
    assertThat(roster.claim("c", "Storm", name -> false)).isEqualTo("Storm");
  }

  @Test
  void anotherIdentityCannotReleaseAName() {
    roster.claim("a", "Storm", name -> false);

    roster.release("Storm", "b");

    assertThat(roster.isClaimed("Storm")).isTrue();
  }

  @Test
  void concurrentClaimsOfOneNameAllGetDifferentNames() throws Exception {
    int heroes = 64;
    List<Callable<String>> claims = new ArrayList<>();
    for (int i = 0; i < heroes; i++) {
      String identity = "hero-" + i;
      claims.add(() -> roster.claim(identity, "Storm", name -> false));
    }
    Set<String> names = new HashSet<>();
    try (var pool = Executors.newFixedThreadPool(8)) {
      for (Future<String> name : pool.invokeAll(claims)) {
        names.add(name.get());
      }
    }

    assertThat(names).hasSize(heroes);
  }

  /** Any sequence of joins and leaves: the names held at once are distinct per identity. */
  @Property(tries = 200)
  void heroesPresentAtOnceNeverShareAName(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 7) Integer> identities,
      @ForAll @Size(max = 60) List<Boolean> leaves) {
    var held = new ArrayList<String[]>();
    for (int i = 0; i < identities.size(); i++) {
      if (i < leaves.size() && leaves.get(i) && !held.isEmpty()) {
        String[] gone = held.remove(0);
        roster.release(gone[0], gone[1]);
      }
      String identity = "id-" + identities.get(i);
      String wanted = i % 2 == 0 ? "Storm" : "Cyclops";
      held.add(new String[] {roster.claim(identity, wanted, name -> false), identity});
    }

    for (String[] a : held) {
      for (String[] b : held) {
        if (a[0].equals(b[0])) {
          assertThat(a[1]).as("holders of %s", a[0]).isEqualTo(b[1]);
        }
      }
    }
  }
}
