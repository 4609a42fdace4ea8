package dev.rollcall.bench.jmh;

import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.PresenceFetch;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.Serializer;
import dev.rollcall.protocol.V2JsonSerializer;
import dev.rollcall.pubsub.LocalPubSub;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every join into the dispatch lobby costs the server on top of the join itself: listing the
 * lobby's presences and encoding them as the joiner's {@code presence_state} frame (O(heroes) per
 * join, so this bounds joins/s into a big lobby).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PresenceStateBenchmark {
  private static final String LOBBY = "notifications:lobby";

  @Param({"1500", "10000"})
  public int heroes;

  private final Serializer v2 = V2JsonSerializer.INSTANCE;
  private LocalPubSub pubSub;
  private Presence presence;
  private Presence immediate;
  private Map<String, Map<String, Object>> shared;

  @Setup(Level.Trial)
  public void trackHeroes() {
    pubSub = new LocalPubSub("node-a");
    presence = Presence.start(pubSub, PresenceConfig.defaults(), PresenceFetch.IDENTITY);
    immediate =
        Presence.start(
            new LocalPubSub("node-b"),
            PresenceConfig.defaults().withDiffWindow(Duration.ZERO),
            PresenceFetch.IDENTITY);
    for (int i = 0; i < heroes; i++) {
      // The dispatch app's meta: the name drawn for the hero and when it came online.
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("online_at", String.valueOf(1_795_866_031L + i));
      meta.put("user_name", "Captain Marvelous Falcon " + i);
      presence.track("channel-" + i, LOBBY, "Captain Marvelous Falcon " + i, meta);
      immediate.track("channel-" + i, LOBBY, "Captain Marvelous Falcon " + i, meta);
    }
    immediate.listShared(LOBBY, state -> shared = state);
  }

  @TearDown(Level.Trial)
  public void stop() {
    presence.close();
    immediate.close();
    pubSub.close();
  }

  /** The list alone (the copies of the view a join makes). */
  @Benchmark
  public Map<String, Map<String, Object>> list() {
    return presence.list(LOBBY);
  }

  /** A joiner's {@code presence_state} made alone: list and encode (before listShared). */
  @Benchmark
  public byte[] presenceState() {
    return v2.encode(new Message("1", null, LOBBY, "presence_state", presence.list(LOBBY))).bytes();
  }

  /**
   * What one window of joiners pays once with {@code listShared}: the list and its encoding. (The
   * zero diff window of {@link #immediate} lists at once, on this thread.)
   */
  @Benchmark
  public Object sharedList() {
    Object[] listed = new Object[1];
    immediate.listShared(LOBBY, state -> listed[0] = state);
    return listed[0];
  }

  /**
   * What each joiner of a window pays with {@code listShared}: its frame, copying the shared JSON.
   */
  @Benchmark
  public byte[] presenceStateShared() {
    return v2.encode(new Message("1", null, LOBBY, "presence_state", shared)).bytes();
  }
}
