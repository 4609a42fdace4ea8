package dev.rollcall.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.presence.PresenceNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** How one node folds the figures it hears with the tracker's view into rows and totals. */
class ClusterViewTest {
  private static final DashboardConfig CONFIG = DashboardConfig.defaults();
  private static final long NOW = 1_000_000;

  private static NodeStats stats(String node, long at, long connections, double in) {
    return new NodeStats(node, at, connections, connections * 2, 10, 20, 1000, in, in * 3, "up");
  }

  private static PresenceNode local(String name) {
    return new PresenceNode(name, true, true, Duration.ZERO);
  }

  private static PresenceNode peer(String name, boolean up, long silentMillis) {
    return new PresenceNode(name, false, up, Duration.ofMillis(silentMillis));
  }

  @Test
  void everyTrackedNodeIsARowInTheTrackersOrderAndTheTotalsAddThemUp() {
    var view = new ClusterView(CONFIG);
    view.accept(stats("b", NOW - 500, 3, 1.5), NOW - 400);
    view.accept(stats("a", NOW - 100, 2, 2.0), NOW - 100);

    var snapshot = view.snapshot(List.of(local("a"), peer("b", true, 700)), NOW);

    assertThat(snapshot.rows())
        .extracting(ClusterView.Row::name, ClusterView.Row::local, ClusterView.Row::up)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", true, true),
            org.assertj.core.groups.Tuple.tuple("b", false, true));
    assertThat(snapshot.rows().get(1).heartbeatAgeMillis()).isEqualTo(700);
    assertThat(snapshot.rows().get(1).stats().connections()).isEqualTo(3);
    assertThat(snapshot.totals()).isEqualTo(new ClusterView.Totals(2, 5, 10, 3.5, 10.5));
  }

  @Test
  void aNodeTheTrackerSaysIsDownIsShownDownAndLeftOutOfTheTotals() {
    var view = new ClusterView(CONFIG);
    view.accept(stats("a", NOW, 2, 1), NOW);
    view.accept(stats("b", NOW - 100, 7, 1), NOW - 100);

    var snapshot = view.snapshot(List.of(local("a"), peer("b", false, 4000)), NOW);

    assertThat(snapshot.rows().get(1).up()).isFalse();
    assertThat(snapshot.totals().nodesUp()).isEqualTo(1);
    assertThat(snapshot.totals().connections()).isEqualTo(2);
  }

  @Test
  void staleFiguresStayOnTheRowButLeaveTheTotals() {
    var view = new ClusterView(CONFIG);
    view.accept(stats("a", NOW, 2, 1), NOW);
    long old = NOW - CONFIG.staleAfter().toMillis() - 1;
    view.accept(stats("b", old, 7, 1), old);

    var snapshot = view.snapshot(List.of(local("a"), peer("b", true, 500)), NOW);

    assertThat(snapshot.rows().get(1).stats().connections()).isEqualTo(7);
    assertThat(snapshot.totals().nodesUp()).isEqualTo(2);
    assertThat(snapshot.totals().connections()).isEqualTo(2);
  }

  @Test
  void aTrackedNodeWithoutFiguresYetIsUpWithNoStats() {
    var view = new ClusterView(CONFIG);
    var snapshot = view.snapshot(List.of(local("a"), peer("b", true, 10)), NOW);
    assertThat(snapshot.rows()).allSatisfy(row -> assertThat(row.stats()).isNull());
    assertThat(snapshot.totals()).isEqualTo(new ClusterView.Totals(2, 0, 0, 0, 0));
  }

  @Test
  void aNodeTheTrackerDroppedIsShownDownUntilForgotten() {
    var view = new ClusterView(CONFIG);
    view.accept(stats("gone", NOW - 2000, 4, 1), NOW - 2000);

    var soon = view.snapshot(List.of(local("a")), NOW);
    assertThat(soon.rows()).extracting(ClusterView.Row::name).containsExactly("a", "gone");
    assertThat(soon.rows().get(1).up()).isFalse();
    assertThat(soon.rows().get(1).heartbeatAgeMillis()).isEqualTo(2000);
    assertThat(soon.totals().connections()).isZero();

    long later = NOW - 2000 + CONFIG.forgetAfter().toMillis() + 1;
    assertThat(view.snapshot(List.of(local("a")), later).rows())
        .extracting(ClusterView.Row::name)
        .containsExactly("a");
  }

  @Test
  void olderFiguresArrivingLateDoNotReplaceNewerOnes() {
    var view = new ClusterView(CONFIG);
    view.accept(stats("b", NOW - 100, 9, 1), NOW - 50);
    view.accept(stats("b", NOW - 1100, 1, 1), NOW - 40);
    var snapshot = view.snapshot(List.of(local("a"), peer("b", true, 40)), NOW);
    assertThat(snapshot.rows().get(1).stats().connections()).isEqualTo(9);
  }

  record Seen(String name, boolean up, long connections, long receivedAgo) {}

  @Provide
  Arbitrary<List<Seen>> clusters() {
    Arbitrary<Seen> seen =
        Combinators.combine(
                Arbitraries.of("n1", "n2", "n3", "n4", "n5"),
                Arbitraries.of(true, false),
                Arbitraries.longs().between(0, 10_000),
                Arbitraries.longs().between(0, 10_000))
            .as(Seen::new);
    return seen.list().ofMaxSize(5).uniqueElements(Seen::name);
  }

  @Property(tries = 300)
  void theTotalsAreTheSumOfTheFreshFiguresOfTheNodesThatAreUp(
      @ForAll("clusters") List<Seen> cluster) {
    var view = new ClusterView(CONFIG);
    List<PresenceNode> tracked = new ArrayList<>();
    tracked.add(local("self"));
    long expected = 0;
    int up = 1;
    for (Seen s : cluster) {
      view.accept(
          stats(s.name(), NOW - s.receivedAgo(), s.connections(), 0), NOW - s.receivedAgo());
      tracked.add(peer(s.name(), s.up(), s.receivedAgo()));
      if (s.up()) {
        up++;
        if (s.receivedAgo() <= CONFIG.staleAfter().toMillis()) {
          expected += s.connections();
        }
      }
    }
    var snapshot = view.snapshot(tracked, NOW);
    assertThat(snapshot.rows()).hasSize(cluster.size() + 1);
    assertThat(snapshot.totals().connections()).isEqualTo(expected);
    assertThat(snapshot.totals().nodesUp()).isEqualTo(up);
  }
}
