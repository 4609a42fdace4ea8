package dev.rollcall.dispatch.offers;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dispatches in one Redis hash ({@code <prefix>:dispatches}, id → JSON), written by the driver
 * before it tells anyone of a change, read by the next driver and by every node for the board.
 *
 * <p>Thread-safe: one Lettuce connection, which serialises commands.
 */
public final class RedisDispatchStore implements DispatchStore {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final String key;

  private RedisDispatchStore(
      RedisClient client, StatefulRedisConnection<String, String> connection, String key) {
    this.client = client;
    this.connection = connection;
    this.key = key;
  }

  /** Connects to {@code uri}; the hash lives under {@code prefix}, the cluster's key prefix. */
  public static RedisDispatchStore open(String uri, String prefix) {
    RedisURI redisUri = RedisURI.create(uri);
    redisUri.setTimeout(TIMEOUT);
    RedisClient client = RedisClient.create(redisUri);
    try {
      return new RedisDispatchStore(client, client.connect(), prefix + ":dispatches");
    } catch (RuntimeException e) {
      client.shutdown();
      throw e;
    }
  }

  @Override
  public List<Dispatch> load() {
    Map<String, String> all = commands().hgetall(key);
    List<Dispatch> dispatches = new ArrayList<>(all.size());
    for (String json : all.values()) {
      dispatches.add(DispatchJson.read(json));
    }
    return dispatches;
  }

  @Override
  public void apply(Collection<Dispatch> changed, Collection<String> forgotten) {
    if (!changed.isEmpty()) {
      Map<String, String> fields = new LinkedHashMap<>();
      changed.forEach(d -> fields.put(d.id(), DispatchJson.write(d)));
      commands().hset(key, fields);
    }
    if (!forgotten.isEmpty()) {
      commands().hdel(key, forgotten.toArray(String[]::new));
    }
  }

  private RedisCommands<String, String> commands() {
    return connection.sync();
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
