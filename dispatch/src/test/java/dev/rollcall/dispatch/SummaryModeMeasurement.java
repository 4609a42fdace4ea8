package dev.rollcall.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.dispatch.offers.HeroStatus;
import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.PresencePage;
import dev.rollcall.pubsub.LocalPubSub;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures for docs/presence.md ("Summary mode, when to use it", not a test): what one lobby join
 * costs in full mode (the {@code presence_state} list and its JSON) against summary mode (the count
 * and its JSON), and one {@code list_presences} page, at lobby sizes given as arguments. Heroes
 * carry the lobby's real meta (online_at, user_name, status, phx_ref). In process, through the
 * public Presence API, the server's side only. Run from the dispatch module directory: {@code java
 * -cp target/test-classes:<test class path> dev.rollcall.dispatch.SummaryModeMeasurement 1000 5000
 * 10000}.
 */
public final class SummaryModeMeasurement {
  private static final ObjectMapper json = new ObjectMapper();
  private static final String LOBBY = NotificationsChannel.LOBBY;
  private static final int ROUNDS = 41;

  private SummaryModeMeasurement() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes =
        args.length == 0
            ? List.of(100, 1000, 2000, 5000, 10000)
            : Arrays.stream(args).map(Integer::valueOf).toList();
    System.out.printf(
        "%8s %14s %14s %12s %12s %12s %12s%n",
        "heroes",
        "state_bytes",
        "state_us",
        "count_bytes",
        "count_us",
        "page50_bytes",
        "page50_us");
    for (int size : sizes) {
      measure(size);
    }
  }

  private static void measure(int size) throws Exception {
    try (Presence presence =
        Presence.start(
            new LocalPubSub("measure"),
            PresenceConfig.defaults().withGroups(LobbySummary.GROUPS))) {
      SuperheroNames names = new SuperheroNames();
      HeroStatus[] statuses = HeroStatus.values();
      for (int i = 0; i < size; i++) {
        String name = names.draw() + " " + i;
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("online_at", String.valueOf(1_764_900_000 + i));
        meta.put("user_name", name);
        meta.put(HeroStatus.META_KEY, statuses[i % statuses.length].wire());
        presence.track("owner-" + i, LOBBY, name, meta);
      }
      long[] state = new long[ROUNDS];
      long[] count = new long[ROUNDS];
      long[] page = new long[ROUNDS];
      int stateBytes = 0;
      int countBytes = 0;
      int pageBytes = 0;
      for (int round = 0; round < ROUNDS; round++) {
        long t0 = System.nanoTime();
        stateBytes = json.writeValueAsBytes(presence.list(LOBBY)).length;
        long t1 = System.nanoTime();
        countBytes = json.writeValueAsBytes(LobbySummary.payload(presence.count(LOBBY))).length;
        long t2 = System.nanoTime();
        pageBytes =
            json.writeValueAsBytes(
                    presence.page(LOBBY, PresencePage.Query.first(50).after("M")).entries().stream()
                        .map(e -> Map.of("key", e.key(), "metas", e.metas()))
                        .toList())
                .length;
        long t3 = System.nanoTime();
        state[round] = t1 - t0;
        count[round] = t2 - t1;
        page[round] = t3 - t2;
      }
      System.out.printf(
          "%8d %14d %14.0f %12d %12.1f %12d %12.0f%n",
          size,
          stateBytes,
          median(state) / 1e3,
          countBytes,
          median(count) / 1e3,
          pageBytes,
          median(page) / 1e3);
    }
  }

  private static double median(long[] samples) {
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
