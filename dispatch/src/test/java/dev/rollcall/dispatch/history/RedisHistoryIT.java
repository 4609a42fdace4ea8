package dev.rollcall.dispatch.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis Streams store on a real redis-server: replay completeness, trimming to the size, a
 * restart that loses everything, and what 1000 stored notifications cost in Redis memory (printed
 * for docs/delivery.md).
 */
class RedisHistoryIT {
  private RedisServerProcess redis;
  private RedisHistory store;

  @BeforeEach
  void start() {
    redis = RedisServerProcess.start();
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close();
    }
    redis.close();
  }

  private RedisHistory open(int size) {
    store =
        RedisHistory.open(
            redis.uri(),
            "test",
            new HistoryConfig(size, Duration.ofMinutes(10)),
            Clock.systemUTC());
    return store;
  }

  private static Map<String, Object> notification(int i) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("body", "Message to Captain Marvel from internal service #" + i);
    payload.put("timestamp", 1_780_000_000L + i);
    payload.put("from", "dispatch");
    return payload;
  }

  private List<StreamId> append(String stream, int count) {
    List<StreamId> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(store.append(stream, "lobby", "notification", notification(i), null).id());
    }
    return ids;
  }

  @Test
  void everythingAfterAnIdComesBackInOrderAndComplete() {
    open(100);
    List<StreamId> ids = append("lobby", 5);
    Slice all = store.after("lobby", null);
    assertThat(all.complete()).isTrue();
    assertThat(all.entries()).extracting(HistoryEntry::id).isEqualTo(ids);
    Slice rest = store.after("lobby", ids.get(1));
    assertThat(rest.complete()).isTrue();
    assertThat(rest.entries()).extracting(HistoryEntry::id).isEqualTo(ids.subList(2, 5));
    assertThat(rest.entries().getFirst().payload())
        .containsEntry("id", ids.get(2).toString())
        .containsEntry("stream", "lobby")
        .containsEntry("body", notification(2).get("body"));
    assertThat(store.after("lobby", ids.getLast())).isEqualTo(new Slice(List.of(), true));
    assertThat(store.latest("lobby", 2)).extracting(HistoryEntry::id).isEqualTo(ids.subList(3, 5));
  }

  @Test
  void moreThanTheSizeLeavesTheNewestAndSaysSomethingIsGone() {
    open(12);
    List<StreamId> ids = append("lobby", 40);
    Slice slice = store.after("lobby", ids.getFirst());
    assertThat(slice.complete()).isFalse();
    assertThat(slice.entries()).extracting(HistoryEntry::id).isEqualTo(ids.subList(28, 40));
    assertThat(store.after("lobby", null).complete()).isFalse();
  }

  @Test
  void aRestartedRedisReportsTheLossThenKeepsGoing() {
    open(100);
    StreamId seen = append("lobby", 3).getLast();
    redis.kill();
    redis.restart();
    await(() -> store.append("lobby", "lobby", "notification", notification(9), null));
    Slice slice = store.after("lobby", seen);
    assertThat(slice.complete()).isFalse();
    assertThat(slice.entries()).hasSize(1);
  }

  @Test
  void measuresRedisMemoryPerThousandNotifications() {
    open(1000);
    long before = usedMemory();
    append("direct:measure", 1000);
    long after = usedMemory();
    long key = Long.parseLong(store.commands().memoryUsage(store.key("direct:measure")).toString());
    System.out.printf(
        "history memory: 1000 notifications of ~%d-byte payloads: MEMORY USAGE %d bytes,"
            + " INFO used_memory delta %d bytes%n",
        notification(500).toString().length(), key, after - before);
    assertThat(key).isGreaterThan(1000L * 40);
  }

  private long usedMemory() {
    for (String line : store.commands().info("memory").split("\r?\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).trim());
      }
    }
    throw new AssertionError("no used_memory in INFO memory");
  }

  private static void await(Runnable attempt) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        attempt.run();
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
