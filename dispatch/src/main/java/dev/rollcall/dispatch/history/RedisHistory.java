package dev.rollcall.dispatch.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * History in Redis Streams, shared by every node of a cluster: one stream per history stream
 * ({@code <prefix>:history:<stream>}), written with {@code XADD ... MAXLEN ~ size}, trimmed by age
 * with {@code XTRIM MINID ~}, and dropped by Redis ({@code PEXPIRE}) a ttl after its last write.
 * Each entry records the id written before it ({@code prev}, from the stream's last generated id),
 * so a read knows exactly whether anything after the reader's id is gone, even across a Redis
 * restart (the new stream starts without a {@code prev}).
 *
 * <p>Thread-safe: one Lettuce connection, which serialises commands; writes are one script each, so
 * an entry and its {@code prev} are atomic.
 */
public final class RedisHistory implements HistoryStore {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> PAYLOAD =
      new TypeReference<>() {};

  private static final String LAST_ID =
      """
      local function last_id(key)
        if redis.call('EXISTS', key) == 0 then return '' end
        local info = redis.call('XINFO', 'STREAM', key)
        local last, deleted = '', ''
        for i = 1, #info, 2 do
          if info[i] == 'last-generated-id' then last = info[i + 1] end
          if info[i] == 'max-deleted-entry-id' then deleted = info[i + 1] end
        end
        return last, deleted
      end
      """;

  /** KEYS: stream. ARGV: size, event, wire stream, skip, payload, min id by age, ttl ms. */
  private static final String APPEND =
      LAST_ID
          + """
          local prev = last_id(KEYS[1])
          local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
            'prev', prev, 'event', ARGV[2], 'stream', ARGV[3], 'skip', ARGV[4], 'payload', ARGV[5])
          redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[6])
          redis.call('PEXPIRE', KEYS[1], ARGV[7])
          return {id, prev}
          """;

  /** KEYS: stream. ARGV: after id ('' for all), min id by age. */
  private static final String AFTER =
      LAST_ID
          + """
          if redis.call('EXISTS', KEYS[1]) == 0 then return {{}, '', ''} end
          redis.call('XTRIM', KEYS[1], 'MINID', ARGV[2])
          local last, deleted = last_id(KEYS[1])
          local from = '-'
          if ARGV[1] ~= '' then from = '(' .. ARGV[1] end
          return {redis.call('XRANGE', KEYS[1], from, '+'), last, deleted}
          """;

  private final HistoryConfig config;
  private final Clock clock;
  private final String prefix;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;

  private RedisHistory(
      HistoryConfig config,
      Clock clock,
      String prefix,
      RedisClient client,
      StatefulRedisConnection<String, String> connection) {
    this.config = config;
    this.clock = clock;
    this.prefix = prefix;
    this.client = client;
    this.connection = connection;
  }

  /** Connects to {@code uri}; streams live under {@code prefix}, the cluster's key prefix. */
  public static RedisHistory open(String uri, String prefix, HistoryConfig config, Clock clock) {
    RedisURI redisUri = RedisURI.create(uri);
    redisUri.setTimeout(TIMEOUT);
    RedisClient client = RedisClient.create(redisUri);
    // While Redis is down a write fails at once (and the notification goes out unkept) instead of
    // holding the channel for the command timeout.
    client.setOptions(
        ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .build());
    try {
      return new RedisHistory(config, clock, prefix + ":history:", client, client.connect());
    } catch (RuntimeException e) {
      client.shutdown();
      throw e;
    }
  }

  RedisCommands<String, String> commands() {
    return connection.sync();
  }

  String key(String stream) {
    return prefix + stream;
  }

  @Override
  public HistoryEntry append(
      String stream, String wireStream, String event, Map<String, Object> payload, String skip) {
    String json;
    try {
      json = JSON.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("payload does not encode: " + e.getMessage(), e);
    }
    List<Object> result =
        commands()
            .eval(
                APPEND,
                ScriptOutputType.MULTI,
                new String[] {key(stream)},
                String.valueOf(Math.max(1, config.size())),
                event,
                wireStream,
                skip == null ? "" : skip,
                json,
                minIdByAge(),
                String.valueOf(config.ttl().toMillis()));
    StreamId id = StreamId.parse(String.valueOf(result.get(0))).orElseThrow();
    StreamId prev = StreamId.parse(String.valueOf(result.get(1))).orElse(null);
    return new HistoryEntry(id, prev, event, stamped(payload, event, id, wireStream), skip);
  }

  @Override
  public Slice after(String stream, StreamId lastSeen) {
    List<Object> result =
        commands()
            .eval(
                AFTER,
                ScriptOutputType.MULTI,
                new String[] {key(stream)},
                lastSeen == null ? "" : lastSeen.toString(),
                minIdByAge());
    List<HistoryEntry> entries = entries(result.get(0));
    StreamId newest = StreamId.parse(String.valueOf(result.get(1))).orElse(null);
    boolean everTrimmed =
        StreamId.parse(String.valueOf(result.get(2)))
            .map(deleted -> deleted.compareTo(new StreamId(0, 0)) > 0)
            .orElse(false);
    // MAXLEN ~ trims whole blocks, so a stream may hold more than the size: keep the newest only,
    // as the in-process store does (the first kept entry's prev then tells the reader it missed
    // some).
    if (entries.size() > config.size()) {
      entries = entries.subList(entries.size() - config.size(), entries.size());
      everTrimmed = true;
    }
    return Slice.of(entries, lastSeen, newest, everTrimmed);
  }

  @Override
  public List<HistoryEntry> latest(String stream, int count) {
    if (count <= 0) {
      return List.of();
    }
    List<Object> result =
        commands()
            .eval(
                "return redis.call('XREVRANGE', KEYS[1], '+', ARGV[1], 'COUNT', ARGV[2])",
                ScriptOutputType.MULTI,
                new String[] {key(stream)},
                minIdByAge(),
                String.valueOf(Math.min(count, Math.max(1, config.size()))));
    List<HistoryEntry> newestFirst = entries(result);
    List<HistoryEntry> oldestFirst = new ArrayList<>(newestFirst);
    java.util.Collections.reverse(oldestFirst);
    return oldestFirst;
  }

  private String minIdByAge() {
    return Math.max(0, clock.millis() - config.ttl().toMillis()) + "-0";
  }

  private static List<HistoryEntry> entries(Object raw) {
    List<HistoryEntry> entries = new ArrayList<>();
    if (!(raw instanceof List<?> list)) {
      return entries;
    }
    for (Object item : list) {
      if (!(item instanceof List<?> pair)
          || pair.size() < 2
          || !(pair.get(1) instanceof List<?> f)) {
        continue;
      }
      StreamId id = StreamId.parse(String.valueOf(pair.get(0))).orElse(null);
      if (id == null) {
        continue;
      }
      Map<String, String> fields = new HashMap<>();
      for (int i = 0; i + 1 < f.size(); i += 2) {
        fields.put(String.valueOf(f.get(i)), String.valueOf(f.get(i + 1)));
      }
      Map<String, Object> payload;
      try {
        payload = JSON.readValue(fields.getOrDefault("payload", "{}"), PAYLOAD);
      } catch (JsonProcessingException e) {
        continue; // not written by this code: not a notification to replay
      }
      String skip = fields.getOrDefault("skip", "");
      String wireStream = fields.getOrDefault("stream", ReplayRequest.LOBBY);
      String event = fields.getOrDefault("event", "notification");
      entries.add(
          new HistoryEntry(
              id,
              StreamId.parse(fields.get("prev")).orElse(null),
              event,
              stamped(payload, event, id, wireStream),
              skip.isEmpty() ? null : skip));
    }
    return entries;
  }

  private static Map<String, Object> stamped(
      Map<String, Object> payload, String event, StreamId id, String wireStream) {
    Map<String, Object> stamped = new LinkedHashMap<>(payload);
    stamped.put(HistoryEntry.idKey(event), id.toString());
    stamped.put("stream", wireStream);
    return stamped;
  }

  /** The connection, for the directory that shares it. */
  StatefulRedisConnection<String, String> connection() {
    return connection;
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
