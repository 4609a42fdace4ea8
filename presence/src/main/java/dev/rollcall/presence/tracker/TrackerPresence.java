package dev.rollcall.presence.tracker;

import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.PresenceCount;
import dev.rollcall.presence.PresenceFetch;
import dev.rollcall.presence.PresenceNode;
import dev.rollcall.presence.PresencePage;
import dev.rollcall.presence.TrackerObserver;
import dev.rollcall.pubsub.PubSub;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * {@link Presence} on a {@link Tracker}: channels are owners (by {@link ChannelSocket#id()}),
 * untracked when they end; every change this node observes becomes a {@code presence_diff} for the
 * topic's local subscribers (Phoenix.Presence).
 *
 * <p>Threading: thread-safe; reads and changes run on the caller's thread and never wait on the
 * tracker's; diffs and shared lists are sent by a scheduler thread of its own (or at once when the
 * window is zero).
 */
public final class TrackerPresence implements Presence {
  private final Tracker tracker;
  private final PresenceFetch fetch;
  private final ScheduledExecutorService diffScheduler;
  private final DiffCoalescer diffs;
  private final SharedListing sharedLists;

  /** Owners whose channel end is already hooked to {@link #untrackAll}. */
  private final Set<String> hooked = ConcurrentHashMap.newKeySet();

  private TrackerPresence(PubSub pubSub, PresenceConfig config, PresenceFetch fetch) {
    this.fetch = Objects.requireNonNull(fetch, "fetch");
    this.diffScheduler =
        Executors.newSingleThreadScheduledExecutor(
            r ->
                Thread.ofPlatform()
                    .daemon()
                    .name("rollcall-presence-diffs-" + pubSub.node())
                    .unstarted(r));
    this.diffs =
        new DiffCoalescer(
            pubSub,
            config.diffWindow(),
            config.maxDiffWindow(),
            System::nanoTime,
            DiffCoalescer.Timer.of(diffScheduler),
            this::render);
    this.tracker = Tracker.start(pubSub, config.tracker(), diffs::add, config.groups());
    // Same thread as the diffs: a shared list is pushed before any diff sent after it was taken.
    this.sharedLists =
        new SharedListing(config.diffWindow(), DiffCoalescer.Timer.of(diffScheduler), this::list);
  }

  /** Starts presence on this node; {@code fetch} enriches what is listed and diffed. */
  public static TrackerPresence start(PubSub pubSub, PresenceConfig config, PresenceFetch fetch) {
    return new TrackerPresence(pubSub, config, fetch);
  }

  public Tracker tracker() {
    return tracker;
  }

  @Override
  public Result track(ChannelSocket channel, String key, Map<String, Object> meta) {
    String owner = channel.id();
    Result result = tracker.track(owner, channel.topic(), key, meta);
    if (result instanceof Result.Ok && hooked.add(owner)) {
      channel.onExit(
          reason -> {
            hooked.remove(owner);
            tracker.untrackAll(owner);
          });
    }
    return result;
  }

  @Override
  public Result track(String ownerId, String topic, String key, Map<String, Object> meta) {
    return tracker.track(ownerId, topic, key, meta);
  }

  @Override
  public Result untrack(ChannelSocket channel, String key) {
    return tracker.untrack(channel.id(), channel.topic(), key);
  }

  @Override
  public Result untrack(String ownerId, String topic, String key) {
    return tracker.untrack(ownerId, topic, key);
  }

  @Override
  public Result update(ChannelSocket channel, String key, Map<String, Object> meta) {
    return tracker.update(channel.id(), channel.topic(), key, meta);
  }

  @Override
  public Result update(String ownerId, String topic, String key, Map<String, Object> meta) {
    return tracker.update(ownerId, topic, key, meta);
  }

  @Override
  public void untrackAll(String ownerId) {
    tracker.untrackAll(ownerId);
  }

  @Override
  public Map<String, Map<String, Object>> list(String topic) {
    // One copy of the view; its values already are {"metas": [...]} and carry their JSON.
    return fetch.fetch(topic, tracker.presences(topic));
  }

  @Override
  public void listShared(String topic, Consumer<Map<String, Map<String, Object>>> whenListed) {
    sharedLists.request(topic, whenListed);
  }

  @Override
  public Map<String, Object> get(String topic, String key) {
    Map<String, Object> listed = tracker.presence(topic, key);
    if (listed == null) {
      return Map.of();
    }
    Map<String, Map<String, Object>> fetched = fetch.fetch(topic, Map.of(key, listed));
    Map<String, Object> presence = fetched.get(key);
    return presence == null ? Map.of() : presence;
  }

  @Override
  public Map<String, Integer> topics() {
    return tracker.topics();
  }

  @Override
  public List<PresenceNode> nodes() {
    return tracker.nodes();
  }

  @Override
  public PresenceCount count(String topic) {
    return tracker.count(topic);
  }

  @Override
  public PresencePage page(String topic, PresencePage.Query query) {
    PresenceView.Slice slice = tracker.page(topic, query);
    Map<String, Map<String, Object>> fetched =
        slice.presences().isEmpty() ? slice.presences() : fetch.fetch(topic, slice.presences());
    List<PresencePage.Entry> entries = new ArrayList<>(slice.presences().size());
    String last = null;
    // In the slice's key order, whatever order the fetch hook returns.
    for (String key : slice.presences().keySet()) {
      Map<String, Object> presence = fetched.get(key);
      if (presence != null) {
        entries.add(new PresencePage.Entry(key, presence));
      }
      last = key;
    }
    return new PresencePage(entries, slice.more() ? last : null);
  }

  /** {@code {key: {"metas": [...]}}} of a diff's joins or leaves, through the fetch hook. */
  private Map<String, Map<String, Object>> render(String topic, List<KeyedMeta> presences) {
    Map<String, List<Map<String, Object>>> byKey = new LinkedHashMap<>();
    for (KeyedMeta presence : presences) {
      byKey.computeIfAbsent(presence.key(), k -> new ArrayList<>()).add(presence.meta());
    }
    Map<String, Map<String, Object>> grouped = new LinkedHashMap<>(byKey.size() * 2);
    byKey.forEach((key, metas) -> grouped.put(key, Map.of("metas", List.copyOf(metas))));
    return presences.isEmpty() ? grouped : fetch.fetch(topic, grouped);
  }

  @Override
  public void observe(TrackerObserver observer) {
    tracker.observe(observer);
  }

  /** Stops the tracker (peers drop this node's presences at once) and the diff thread. */
  @Override
  public void close() {
    tracker.close();
    diffScheduler.shutdownNow();
  }
}
