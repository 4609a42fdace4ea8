package dev.rollcall.dispatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.client.frames.ClientConfig;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import dev.rollcall.pubsub.redis.testing.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three real launcher JVMs on one real Redis behave as one system (docs/cluster.md). Each test
 * starts its own Redis and nodes, bounds its run time, and kills everything it started.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterIT {
  /**
   * The tracker's failure detection (3 s down period) or the dispatcher lease's expiry (3 s), plus
   * a heartbeat and the scheduling slack of a loaded machine.
   */
  private static final Duration DETECTION = Duration.ofSeconds(10);

  /** For heroes on three nodes to see each other over Redis. */
  private static final Duration CONVERGED = Duration.ofSeconds(10);

  private static final String INTERVAL = "200ms";

  private RedisServerProcess redis;
  private PhoenixClient client;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<ClusterNode> nodes = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    redis = RedisServerProcess.start();
    client = new PhoenixClient(ClientConfig.defaults().withEventLoopThreads(1));
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      try {
        resource.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    for (ClusterNode node : nodes) {
      node.close();
      String log = node.log();
      System.out.println(
          "---- " + node + " (last lines) ----\n" + tail(log, 30)); // kept in the failsafe report
    }
    client.close();
    redis.close();
  }

  /** Starts the named nodes in parallel; each reaches Redis at the matching URI. */
  private List<ClusterNode> startNodes(Map<String, String> redisUriByNode, String... extra) {
    List<CompletableFuture<ClusterNode>> starting = new ArrayList<>();
    redisUriByNode.forEach(
        (name, uri) ->
            starting.add(
                CompletableFuture.supplyAsync(
                    () -> ClusterNode.start(name, uri, INTERVAL, extra))));
    List<ClusterNode> started = new ArrayList<>();
    AssertionError failure = null;
    for (var future : starting) {
      try {
        started.add(future.join());
      } catch (RuntimeException e) {
        failure = new AssertionError("a node did not start", e.getCause());
      }
    }
    nodes.addAll(started);
    if (failure != null) {
      throw failure;
    }
    return started;
  }

  private List<ClusterNode> startThreeNodes(String... extra) {
    var uris = new java.util.LinkedHashMap<String, String>();
    for (String name : List.of("n1", "n2", "n3")) {
      uris.put(name, redis.uri());
    }
    return startNodes(uris, extra);
  }

  private Hero hero(ClusterNode node) throws Exception {
    Hero hero = Hero.join(client, node);
    resources.add(hero);
    return hero;
  }

  private static List<String> names(List<Hero> heroes) {
    return heroes.stream().map(Hero::name).sorted().toList();
  }

  private static List<String> sorted(List<String> names) {
    var copy = new ArrayList<>(names);
    Collections.sort(copy);
    return copy;
  }

  private static void awaitRosters(List<Hero> watchers, List<Hero> expected, Duration within) {
    List<String> want = names(expected);
    await("rosters of " + watchers + " to be " + want)
        .atMost(within)
        .untilAsserted(
            () -> {
              for (Hero watcher : watchers) {
                assertThat(sorted(watcher.roster()))
                    .as("roster of %s", watcher.name())
                    .isEqualTo(want);
              }
            });
  }

  @Test
  void aHeroOnEachNodeSeesAllThreeAndMessagesFindTheirRecipients() throws Exception {
    var nodes = startThreeNodes();
    List<Hero> heroes = new ArrayList<>();
    for (ClusterNode node : nodes) {
      heroes.add(hero(node));
    }

    awaitRosters(heroes, heroes, CONVERGED);

    Hero sender = heroes.get(0);
    Hero recipient = heroes.get(2);
    String direct = "direct " + UUID.randomUUID();
    sender.notifyDirect(direct, recipient.name());
    await().untilAsserted(() -> assertThat(recipient.bodies()).contains(direct));

    String all = "all " + UUID.randomUUID();
    sender.notifyAll(all);
    for (Hero hero : heroes) {
      await().untilAsserted(() -> assertThat(hero.bodies()).contains(all));
    }
    // A second broadcast from the same sender arrives after any late copy of the first would have.
    String marker = "marker " + UUID.randomUUID();
    sender.notifyAll(marker);
    for (Hero hero : heroes) {
      await().untilAsserted(() -> assertThat(hero.bodies()).contains(marker));
      assertThat(hero.bodies().stream().filter(all::equals).count())
          .as("copies of notify_all at %s", hero.name())
          .isEqualTo(1);
    }
    assertThat(recipient.bodies().stream().filter(direct::equals).count()).isEqualTo(1);
    assertThat(heroes.get(0).bodies()).doesNotContain(direct);
    assertThat(heroes.get(1).bodies()).doesNotContain(direct);
    for (ClusterNode node : nodes) {
      assertThat(node.metric("rollcall_redis_received_total"))
          .as("/metrics of a node")
          .isPositive();
      assertThat(node.metric("rollcall_redis_dropped_total")).isZero();
    }
    assertThat(nodes.get(0).metric("rollcall_redis_published_total")).isPositive();
  }

  @Test
  void aKilledNodesHeroesLeaveTheOtherRostersWithinTheDetectionTime() throws Exception {
    var nodes = startThreeNodes();
    List<Hero> heroes = new ArrayList<>();
    for (ClusterNode node : nodes) {
      heroes.add(hero(node));
    }
    awaitRosters(heroes, heroes, CONVERGED);
    Hero doomed = heroes.get(2);
    List<Hero> survivors = heroes.subList(0, 2);

    nodes.get(2).kill();

    awaitRosters(survivors, survivors, DETECTION);
    for (Hero survivor : survivors) {
      assertThat(survivor.leaves())
          .as("presence_diff leaves seen by %s", survivor.name())
          .contains(doomed.name());
      assertThat(survivor.isOpen()).isTrue();
    }
  }

  @Test
  void aStoppedNodesHeroesLeaveAtOnce() throws Exception {
    // Failure detection after an hour: whoever leaves within the test was removed gracefully.
    var nodes = startThreeNodes("--presence-down-period=1h", "--presence-permdown-period=2h");
    List<Hero> heroes = new ArrayList<>();
    for (ClusterNode node : nodes) {
      heroes.add(hero(node));
    }
    awaitRosters(heroes, heroes, CONVERGED);
    Hero leaving = heroes.get(2);
    List<Hero> staying = heroes.subList(0, 2);

    nodes.get(2).stop();

    // Graceful: the node's channels end and its presences are removed before it exits, so the
    // others hear of it without waiting for failure detection.
    awaitRosters(staying, staying, CONVERGED);
    for (Hero hero : staying) {
      assertThat(hero.leaves()).contains(leaving.name());
    }
  }

  @Test
  void exactlyOneNodeDispatchesEachIntervalAndAnotherTakesOverWhenItIsKilled() throws Exception {
    var nodes = startThreeNodes();
    List<Hero> heroes = new ArrayList<>();
    for (ClusterNode node : nodes) {
      heroes.add(hero(node));
    }
    awaitRosters(heroes, heroes, CONVERGED);
    await().until(() -> totalService(heroes) > 0);

    double[] before = dispatches(nodes);
    long receivedBefore = totalService(heroes);
    long start = System.nanoTime();
    await().atMost(Duration.ofSeconds(15)).until(() -> sum(dispatches(nodes)) - sum(before) >= 20);
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    double[] after = dispatches(nodes);

    List<String> dispatching = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (after[i] > before[i]) {
        dispatching.add(nodes.get(i).node());
      }
    }
    assertThat(dispatching).as("nodes that dispatched during 20 intervals").hasSize(1);
    // One dispatcher needs ~20 intervals for 20 dispatches; two would need half of that.
    assertThat(elapsedMillis).as("time for 20 dispatches at 200ms").isGreaterThan(17 * 200);
    long dispatched = (long) (sum(after) - sum(before));
    await()
        .untilAsserted(
            () ->
                assertThat(totalService(heroes) - receivedBefore)
                    .isGreaterThanOrEqualTo(dispatched));

    int active = nodes.stream().map(ClusterNode::node).toList().indexOf(dispatching.get(0));
    nodes.get(active).kill();
    List<ClusterNode> rest = new ArrayList<>(nodes);
    rest.remove(active);
    List<Hero> remaining = new ArrayList<>(heroes);
    remaining.remove(active);
    double[] beforeTakeover = dispatches(rest);

    await("another node dispatches")
        .atMost(DETECTION)
        .until(() -> sum(dispatches(rest)) > sum(beforeTakeover));
    long seen = totalService(remaining);
    await().until(() -> totalService(remaining) > seen);
  }

  private static long totalService(List<Hero> heroes) {
    return heroes.stream().mapToLong(h -> h.serviceNotifications().size()).sum();
  }

  private static double[] dispatches(List<ClusterNode> nodes) throws Exception {
    double[] counts = new double[nodes.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = nodes.get(i).isAlive() ? nodes.get(i).metric("rollcall_dispatches_total") : 0;
    }
    return counts;
  }

  private static double sum(double[] values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return sum;
  }

  @Test
  void redisStoppedForFiveSecondsThenRestartedLosesAndDuplicatesNothing() throws Exception {
    var nodes = startThreeNodes();
    List<Hero> heroes = new ArrayList<>();
    for (ClusterNode node : nodes) {
      heroes.add(hero(node));
    }
    awaitRosters(heroes, heroes, CONVERGED);

    redis.stop();

    await().untilAsserted(() -> assertRedis(nodes, "down"));
    String local = "local " + UUID.randomUUID();
    heroes.get(0).notifyAll(local);
    await().untilAsserted(() -> assertThat(heroes.get(0).bodies()).contains(local));
    await("five seconds without redis: every node and socket alive")
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(7))
        .until(
            () ->
                nodes.stream().allMatch(ClusterNode::isAlive)
                    && heroes.stream().allMatch(Hero::isOpen));

    redis.restart();

    await().untilAsserted(() -> assertRedis(nodes, "up"));
    awaitRosters(heroes, heroes, Duration.ofSeconds(10));
    for (Hero hero : heroes) {
      assertThat(hero.metaCounts().values())
          .as("metas per hero at %s", hero.name())
          .containsOnly(1);
      assertThat(heroes.get(1).bodies()).doesNotContain(local);
    }
    String after = "after " + UUID.randomUUID();
    heroes.get(1).notifyAll(after);
    for (Hero hero : heroes) {
      await().untilAsserted(() -> assertThat(hero.bodies()).contains(after));
    }
  }

  private static void assertRedis(List<ClusterNode> nodes, String state) throws Exception {
    for (ClusterNode node : nodes) {
      assertThat(node.health().get("redis")).as("redis state of %s", node).isEqualTo(state);
    }
  }

  @Test
  void aNodeCutOffFromRedisLosesTheOthersAndGetsThemBackAfterHeal() throws Exception {
    var proxy = TcpProxy.start(redis.port());
    resources.add(proxy);
    var uris = new java.util.LinkedHashMap<String, String>();
    uris.put("n1", redis.uri());
    uris.put("n2", redis.uri());
    uris.put("n3", proxy.redisUri());
    var nodes = startNodes(uris);
    List<Hero> heroes = new ArrayList<>();
    for (ClusterNode node : nodes) {
      heroes.add(hero(node));
    }
    awaitRosters(heroes, heroes, CONVERGED);
    Hero isolated = heroes.get(2);
    List<Hero> majority = heroes.subList(0, 2);

    proxy.cut();

    awaitRosters(majority, majority, DETECTION);
    awaitRosters(List.of(isolated), List.of(isolated), DETECTION);
    assertThat(nodes.get(2).health().get("redis")).isEqualTo("down");
    assertThat(majority.get(0).leaves()).contains(isolated.name());

    proxy.heal();

    awaitRosters(heroes, heroes, Duration.ofSeconds(10));
    for (Hero hero : heroes) {
      assertThat(hero.metaCounts().values()).containsOnly(1);
    }
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
        .collect(Collectors.joining("\n"));
  }
}
