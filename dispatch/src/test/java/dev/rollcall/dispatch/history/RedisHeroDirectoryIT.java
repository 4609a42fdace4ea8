package dev.rollcall.dispatch.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.dispatch.history.RedisHeroDirectory.Reassert;
import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis hero directory on a real redis-server, each directory with its own connection as a node
 * of a cluster has: joins seen by other nodes, a leave that expires only its own identity, a leave
 * refused while Redis was down sent again, heroes written back after Redis lost them, and every
 * reassert tick bounded (observed with {@code MONITOR}).
 */
class RedisHeroDirectoryIT {
  private static final Duration TTL = Duration.ofMinutes(10);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** No tick runs during a test: it calls {@link RedisHeroDirectory#tick} itself, if at all. */
  private static final Reassert NO_TICKS =
      new Reassert(Duration.ofHours(1), Duration.ofHours(1), 200, 1000);

  private final List<AutoCloseable> opened = new ArrayList<>();
  private RedisServerProcess redis;
  private RedisClient client;
  private RedisCommands<String, String> redisCli;

  @BeforeEach
  void start() {
    redis = RedisServerProcess.start();
    client = RedisClient.create(redis.uri());
    StatefulRedisConnection<String, String> connection = client.connect();
    redisCli = connection.sync();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : opened.reversed()) {
      closeable.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    redis.close();
  }

  /** A node: its own connection (the history store's) and its own directory. */
  private record Node(RedisHistory store, RedisHeroDirectory directory) {}

  private Node node(Reassert reassert) {
    RedisHistory store =
        RedisHistory.open(redis.uri(), "test", new HistoryConfig(100, TTL), Clock.systemUTC());
    opened.add(store);
    RedisHeroDirectory directory = new RedisHeroDirectory(store, "test", TTL, reassert);
    opened.add(directory);
    return new Node(store, directory);
  }

  private static String key(String name) {
    return "test:history:hero:" + name;
  }

  private static List<String> heroes(int count) {
    return IntStream.range(0, count).mapToObj(i -> "hero-%05d".formatted(i)).toList();
  }

  @Test
  void aJoinOnOneNodeIsFoundFromAnother() {
    Node one = node(NO_TICKS);
    Node two = node(NO_TICKS);
    one.directory().joined("Storm", "identity-1");
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(two.directory().identity("Storm")).contains("identity-1"));
    assertThat(two.directory().identity("Cyclops")).isEmpty();
    assertThat(redisCli.pttl(key("Storm"))).as("no expiry while present").isEqualTo(-1);
  }

  @Test
  void aLeaveExpiresTheNameOnlyWhileItStillHoldsTheLeavingIdentity() {
    Node one = node(NO_TICKS);
    Node two = node(NO_TICKS);
    one.directory().joined("Storm", "identity-1");
    await().atMost(PATIENCE).until(() -> "identity-1".equals(redisCli.get(key("Storm"))));
    two.directory().joined("Storm", "identity-2");
    await().atMost(PATIENCE).until(() -> "identity-2".equals(redisCli.get(key("Storm"))));

    one.directory().left("Storm", "identity-1");
    // The same connection then expires a name it does hold: once that is done, so is the above.
    one.directory().joined("Rogue", "identity-3");
    one.directory().left("Rogue", "identity-3");
    await().atMost(PATIENCE).until(() -> redisCli.pttl(key("Rogue")) > 0);
    assertThat(redisCli.pttl(key("Storm"))).as("taken by identity-2: no expiry").isEqualTo(-1);
    assertThat(one.directory().identity("Storm")).contains("identity-2");

    two.directory().left("Storm", "identity-2");
    await().atMost(PATIENCE).until(() -> redisCli.pttl(key("Storm")) > 0);
    assertThat(redisCli.pttl(key("Storm"))).isLessThanOrEqualTo(TTL.toMillis());
    assertThat(one.directory().identity("Storm")).as("for a ttl after").contains("identity-2");
  }

  @Test
  void aHeroWithTwoConnectionsOnANodeExpiresWhenTheLastLeaves() {
    Node one = node(NO_TICKS);
    one.directory().joined("Storm", "identity-1");
    one.directory().joined("Storm", "identity-1");
    one.directory().left("Storm", "identity-1");
    one.directory().joined("Rogue", "identity-3");
    one.directory().left("Rogue", "identity-3");
    await().atMost(PATIENCE).until(() -> redisCli.pttl(key("Rogue")) > 0);
    assertThat(redisCli.pttl(key("Storm"))).as("one connection left").isEqualTo(-1);

    one.directory().left("Storm", "identity-1");
    await().atMost(PATIENCE).until(() -> redisCli.pttl(key("Storm")) > 0);
  }

  @Test
  void aLeaveRefusedWhileRedisWasDownIsSentAgainOnceItIsBack() {
    Node one = node(NO_TICKS);
    one.directory().joined("Storm", "identity-1");
    await().atMost(PATIENCE).until(() -> "identity-1".equals(redisCli.get(key("Storm"))));
    redis.kill();
    await().atMost(PATIENCE).until(() -> !one.store().connection().isOpen());
    one.directory().left("Storm", "identity-1");
    redis.restart();
    await().atMost(PATIENCE).until(() -> one.store().connection().isOpen());
    // As a Redis that persists its data would still hold it, without expiry.
    redisCli.set(key("Storm"), "identity-1");

    one.directory().tick();

    assertThat(redisCli.pttl(key("Storm"))).isPositive().isLessThanOrEqualTo(TTL.toMillis());
  }

  @Test
  void everyPresentHeroIsBackSoonAfterRedisLostThem() throws Exception {
    // A round robin of one hero a tick would take 2000 ticks: only the full rewrite is this fast.
    Node one = node(new Reassert(Duration.ofMillis(100), Duration.ofHours(1), 1, 1000));
    List<String> heroes = heroes(2000);
    heroes.forEach(name -> one.directory().joined(name, "identity-" + name));
    await().atMost(PATIENCE).untilAsserted(() -> assertAllPresent(heroes));

    redisCli.flushall();
    await().atMost(PATIENCE).untilAsserted(() -> assertAllPresent(heroes));

    redis.kill();
    await().atMost(PATIENCE).until(() -> !one.store().connection().isOpen());
    one.directory().joined("Storm", "identity-Storm"); // refused: Redis is down
    redis.restart();
    List<String> all = new ArrayList<>(heroes);
    all.add("Storm");
    await().atMost(PATIENCE).untilAsserted(() -> assertAllPresent(all));
  }

  private void assertAllPresent(List<String> heroes) {
    List<String> held =
        redisCli
            .mget(heroes.stream().map(RedisHeroDirectoryIT::key).toArray(String[]::new))
            .stream()
            .map(value -> value.getValueOrElse(null))
            .toList();
    List<String> expected = heroes.stream().map(name -> "identity-" + name).toList();
    assertThat(held).isEqualTo(expected);
    assertThat(redisCli.pttl(key(heroes.getFirst()))).isEqualTo(-1);
  }

  @Test
  void eachTickWritesABoundedSliceAndACycleCoversEveryone() throws Exception {
    Reassert reassert = new Reassert(Duration.ofMillis(100), Duration.ofSeconds(5), 50, 1000);
    Node one = node(reassert);
    List<String> heroes = heroes(5000);
    heroes.forEach(name -> one.directory().joined(name, "identity-" + name));
    String marker = one.directory().marker();
    await().atMost(PATIENCE).until(() -> redisCli.exists(marker) == 1);
    await().atMost(PATIENCE).untilAsserted(() -> assertAllPresent(heroes));
    Set<String> keys = new HashSet<>(heroes.stream().map(RedisHeroDirectoryIT::key).toList());
    int slice = reassert.slice(heroes.size());
    assertThat(slice).isEqualTo(100);

    try (Monitor monitor = Monitor.start(redis.port())) {
      // Steady state: the marker is there, each tick writes the next slice.
      await()
          .atMost(PATIENCE)
          .until(() -> written(ticks(monitor.commands(), marker)).containsAll(keys));
      List<List<List<String>>> ticks = ticks(monitor.commands(), marker);
      assertThat(ticks).hasSizeGreaterThanOrEqualTo(heroes.size() / slice);
      for (List<List<String>> tick : ticks) {
        assertThat(tick.stream().mapToInt(mset -> mset.size() / 2).sum())
            .as("heroes written by one tick")
            .isLessThanOrEqualTo(slice);
      }

      // Redis lost everything: the next tick writes every hero, in batches, then the marker.
      redisCli.flushall();
      await().atMost(PATIENCE).untilAsserted(() -> assertAllPresent(heroes));
      await().atMost(PATIENCE).until(() -> redisCli.exists(marker) == 1);
      List<List<List<String>>> after = ticks(monitor.commandsAfter("FLUSHALL"), marker);
      assertThat(after).isNotEmpty();
      List<List<String>> rewrite = after.getFirst();
      assertThat(rewrite).allSatisfy(mset -> assertThat(mset.size() / 2).isLessThanOrEqualTo(1000));
      assertThat(written(List.of(rewrite))).isEqualTo(keys);
    }
  }

  /**
   * The {@code MSET}s (their key-value arguments) of each complete tick: the commands from one
   * {@code PEXPIRE} of the marker to the next.
   */
  private static List<List<List<String>>> ticks(List<List<String>> commands, String marker) {
    List<List<List<String>>> ticks = new ArrayList<>();
    List<List<String>> current = null;
    for (List<String> command : commands) {
      String name = command.getFirst();
      if (name.equalsIgnoreCase("PEXPIRE") && command.get(1).equals(marker)) {
        if (current != null) {
          ticks.add(current);
        }
        current = new ArrayList<>();
      } else if (current != null && name.equalsIgnoreCase("MSET")) {
        current.add(command.subList(1, command.size()));
      }
    }
    return ticks;
  }

  private static Set<String> written(List<List<List<String>>> ticks) {
    Set<String> keys = new HashSet<>();
    for (List<List<String>> tick : ticks) {
      for (List<String> mset : tick) {
        for (int i = 0; i < mset.size(); i += 2) {
          keys.add(mset.get(i));
        }
      }
    }
    return keys;
  }

  /** A {@code MONITOR} connection: every command Redis runs, in the order it runs them. */
  private static final class Monitor implements AutoCloseable {
    private final Socket socket;
    private final List<List<String>> commands = new CopyOnWriteArrayList<>();

    private Monitor(Socket socket) {
      this.socket = socket;
    }

    static Monitor start(int port) throws IOException {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.UTF_8));
      var in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      if (!"+OK".equals(in.readLine())) {
        socket.close();
        throw new IllegalStateException("MONITOR refused");
      }
      Monitor monitor = new Monitor(socket);
      Thread.ofPlatform()
          .daemon()
          .name("redis-monitor")
          .start(
              () -> {
                try {
                  for (String line; (line = in.readLine()) != null; ) {
                    monitor.commands.add(arguments(line));
                  }
                } catch (IOException e) {
                  // closed by the test
                }
              });
      return monitor;
    }

    List<List<String>> commands() {
      return List.copyOf(commands);
    }

    /** The commands after the first one named {@code name}. */
    List<List<String>> commandsAfter(String name) {
      List<List<String>> all = commands();
      for (int i = 0; i < all.size(); i++) {
        if (all.get(i).getFirst().equalsIgnoreCase(name)) {
          return all.subList(i + 1, all.size());
        }
      }
      throw new AssertionError("no " + name + " seen by MONITOR");
    }

    /** {@code +<time> [<db> <client>] "NAME" "arg" ...}, quotes escaped with a backslash. */
    private static List<String> arguments(String line) {
      List<String> arguments = new ArrayList<>();
      int i = line.indexOf("] ");
      if (i < 0) {
        throw new UncheckedIOException(new IOException("not a MONITOR line: " + line));
      }
      StringBuilder current = null;
      for (i += 2; i < line.length(); i++) {
        char c = line.charAt(i);
        if (current == null) {
          if (c == '"') {
            current = new StringBuilder();
          }
        } else if (c == '\\' && i + 1 < line.length()) {
          current.append(line.charAt(++i));
        } else if (c == '"') {
          arguments.add(current.toString());
          current = null;
        } else {
          current.append(c);
        }
      }
      return arguments;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
