package dev.rollcall.bench.soak;

import dev.rollcall.client.frames.ClientConfig;
import dev.rollcall.client.frames.ClientSocket;
import dev.rollcall.client.frames.PhoenixClient;
import dev.rollcall.client.frames.SocketOptions;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The soak: Redis, two launcher nodes, {@code --heroes} churning heroes for {@code --duration};
 * node resources printed every {@code --sample}; at the end the presence roster seen on each node
 * is compared with the heroes that are joined, then every hero leaves and the nodes' heap, threads
 * and file descriptors are compared with their idle baseline.
 *
 * <p>Exit status 0 when the roster was exact on both nodes and everything came back down, 1
 * otherwise. Run by {@code bench/soak.sh}.
 */
public final class Soak {
  private Soak() {}

  public static void main(String[] args) throws Exception {
    SoakOptions options = SoakOptions.parse(args);
    if (!Files.exists(options.jar())) {
      System.err.println(
          "soak: "
              + options.jar()
              + " is missing; build it with ./mvnw -q -DskipTests -pl dispatch -am package");
      System.exit(2);
    }
    System.out.printf(
        "soak: %d heroes for %s on 2 nodes + Redis (hold up to %s, notify chance %.2f/s)%n",
        options.heroes(), options.duration(), options.hold(), options.notifyChance());
    int redisPort = SoakNode.freePort();
    Process redis =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(redisPort),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(Files.createTempFile("rollcall-soak-redis", ".log").toFile())
            .start();
    String secret = UUID.randomUUID() + "-" + UUID.randomUUID();
    String redisUri = "redis://127.0.0.1:" + redisPort;
    boolean ok;
    try (SoakNode a = SoakNode.start("soak-a", options, redisUri, secret);
        SoakNode b = SoakNode.start("soak-b", options, redisUri, secret);
        PhoenixClient client =
            new PhoenixClient(
                new ClientConfig(2, Duration.ofSeconds(10), Duration.ofSeconds(10), 64 << 20))) {
      ok = run(options, List.of(a, b), client);
    } finally {
      redis.destroy();
      redis.waitFor(10, TimeUnit.SECONDS);
    }
    System.exit(ok ? 0 : 1);
  }

  private static boolean run(SoakOptions options, List<SoakNode> nodes, PhoenixClient client)
      throws Exception {
    Map<String, SoakNode.Sample> baseline = new TreeMap<>();
    for (SoakNode node : nodes) {
      baseline.put(node.name, node.sample(true));
    }
    print("idle baseline (after GC)", baseline);

    List<URI> urls = nodes.stream().map(SoakNode::socketUrl).toList();
    SoakHero.Totals totals = new SoakHero.Totals();
    List<SoakHero> heroes = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    long deadline = start + options.duration().toNanos();
    for (int i = 0; i < options.heroes(); i++) {
      SoakHero hero = new SoakHero(i, client, urls, options, totals);
      heroes.add(hero);
      // Heroes arrive over the ramp, as users do, rather than in one storm.
      long heroStart = start + options.ramp().toNanos() * i / options.heroes();
      threads.add(Thread.ofVirtual().name("hero-" + i).start(() -> hero.run(heroStart, deadline)));
    }
    Map<String, SoakNode.Sample> peak = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      Thread.sleep(
          Math.min(
              options.sample().toMillis(),
              Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      Map<String, SoakNode.Sample> now = new TreeMap<>();
      for (SoakNode node : nodes) {
        now.put(node.name, node.sample(false));
        peak.merge(node.name, now.get(node.name), (x, y) -> x.heapBytes() >= y.heapBytes() ? x : y);
      }
      print(String.format("t=%3ds %s", (System.nanoTime() - start) / 1_000_000_000, totals), now);
    }
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(60));
    }

    // The roster each node shows must be exactly the heroes that are joined now.
    Map<String, Integer> expected = new HashMap<>();
    for (SoakHero hero : heroes) {
      if (hero.joinedAs() != null) {
        expected.merge(hero.joinedAs(), 1, Integer::sum);
      }
    }
    // Client-side closes reach the nodes with a delay under load: wait for the counts to agree.
    long settleStart = System.nanoTime();
    double open = -1;
    while (System.nanoTime() - settleStart < TimeUnit.SECONDS.toNanos(60)) {
      open = 0;
      for (SoakNode node : nodes) {
        open += node.metrics().getOrDefault("rollcall_connections", 0.0);
      }
      if (open == expected.values().stream().mapToInt(Integer::intValue).sum()) {
        break;
      }
      Thread.sleep(500);
    }
    System.out.printf(
        "settle: %.0f connections open on the nodes after %d ms%n",
        open, (System.nanoTime() - settleStart) / 1_000_000);
    List<LobbyView> views = new ArrayList<>();
    List<ClientSocket> observers = new ArrayList<>();
    for (SoakNode node : nodes) {
      LobbyView view = new LobbyView();
      ClientSocket observer =
          client
              .connect(node.socketUrl(), SocketOptions.defaults().withListener(view))
              .get(20, TimeUnit.SECONDS);
      observer.join(SoakHero.LOBBY, Map.of()).get(20, TimeUnit.SECONDS);
      expected.merge(view.name.get(20, TimeUnit.SECONDS), 1, Integer::sum);
      views.add(view);
      observers.add(observer);
    }
    long checkStart = System.nanoTime();
    boolean exact = false;
    while (!exact && System.nanoTime() - checkStart < TimeUnit.SECONDS.toNanos(30)) {
      exact = views.stream().allMatch(v -> v.counts().equals(expected));
      if (!exact) {
        Thread.sleep(200);
      }
    }
    long joined = heroes.stream().filter(h -> h.joinedAs() != null).count();
    System.out.printf(
        "roster: %d heroes joined at the end (+2 observers), %d distinct names; %s after %d ms%n",
        joined,
        expected.size(),
        exact ? "EXACT on both nodes" : "MISMATCH",
        (System.nanoTime() - checkStart) / 1_000_000);
    for (int i = 0; i < views.size(); i++) {
      Map<String, Integer> seen = views.get(i).counts();
      if (!seen.equals(expected)) {
        Map<String, String> diff = new TreeMap<>();
        expected.forEach(
            (k, v) -> {
              if (!v.equals(seen.get(k))) diff.put(k, "expected " + v + ", seen " + seen.get(k));
            });
        seen.forEach(
            (k, v) -> {
              if (!expected.containsKey(k)) diff.put(k, "expected none, seen " + v);
            });
        System.out.printf(
            "roster on %s differs in %d names: %s%n",
            nodes.get(i).name, diff.size(), diff.entrySet().stream().limit(10).toList());
      }
    }
    Map<String, SoakNode.Sample> loaded = new TreeMap<>();
    for (SoakNode node : nodes) {
      loaded.put(node.name, node.sample(true));
    }
    print("end of churn, heroes still joined (after GC)", loaded);
    double heroesMetric = loaded.values().iterator().next().metric("rollcall_heroes");
    double presencesMetric = loaded.values().iterator().next().metric("rollcall_presences");
    System.out.printf(
        "metrics: rollcall_heroes %.0f, rollcall_presences %.0f (expected %d names, %d metas)%n",
        heroesMetric,
        presencesMetric,
        expected.size(),
        expected.values().stream().mapToInt(Integer::intValue).sum());

    // Everyone leaves: the nodes must come back to their baseline.
    heroes.forEach(SoakHero::abort);
    observers.forEach(ClientSocket::abort);
    long drainStart = System.nanoTime();
    boolean drained = false;
    while (!drained && System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(60)) {
      drained = true;
      for (SoakNode node : nodes) {
        Map<String, Double> m = node.metrics();
        drained &=
            m.getOrDefault("rollcall_connections", -1.0) == 0
                && m.getOrDefault("rollcall_channels", -1.0) == 0
                && m.getOrDefault("rollcall_presences", -1.0) == 0;
      }
      if (!drained) {
        Thread.sleep(500);
      }
    }
    Map<String, SoakNode.Sample> after = new TreeMap<>();
    for (SoakNode node : nodes) {
      after.put(node.name, node.sample(true));
    }
    print("all heroes gone (after GC)", after);
    System.out.printf(
        "soak: %s; connections, channels and presences back to 0: %s; peak heap %s%n",
        totals,
        drained,
        peak.entrySet().stream()
            .map(e -> e.getKey() + " " + String.format("%.1f MB", e.getValue().heapBytes() / 1e6))
            .toList());
    return exact && drained;
  }

  private static void print(String title, Map<String, SoakNode.Sample> samples) {
    System.out.println(title);
    samples.forEach((node, sample) -> System.out.printf("  %-7s %s%n", node, sample));
  }
}
