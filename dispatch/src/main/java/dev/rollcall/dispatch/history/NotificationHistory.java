package dev.rollcall.dispatch.history;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The dispatch app's history: every notification is written once to its stream (the lobby's, or the
 * recipient identity's direct stream) and then delivered live, in that order, so a channel that
 * subscribed before reading the store sees it either in the replay or live.
 *
 * <p>Thread-safe. Writing and delivering hold the stream's lock, so on one node live delivery
 * follows id order (two nodes writing the lobby at once may deliver out of id order: see
 * docs/delivery.md).
 */
public final class NotificationHistory implements AutoCloseable {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(NotificationHistory.class);

  private static final int LOCK_STRIPES = 64;

  private final HistoryConfig config;
  private final HistoryStore store;
  private final HeroDirectory directory;
  private final Object lobbyLock = new Object();
  private final Object[] directLocks = new Object[LOCK_STRIPES];

  public NotificationHistory(HistoryConfig config, HistoryStore store, HeroDirectory directory) {
    this.config = config;
    this.store = store;
    this.directory = directory;
    for (int i = 0; i < LOCK_STRIPES; i++) {
      directLocks[i] = new Object();
    }
  }

  public HistoryConfig config() {
    return config;
  }

  public HistoryStore store() {
    return store;
  }

  public HeroDirectory directory() {
    return directory;
  }

  public static String lobbyStream() {
    return ReplayRequest.LOBBY;
  }

  public static String directStream(String identity) {
    return ReplayRequest.DIRECT + ":" + identity;
  }

  /**
   * Writes a lobby notification and hands it, with its id and stream, to {@code deliver}. While the
   * store cannot be reached it is delivered without an id and not kept (at most once), so live
   * delivery does not depend on history.
   *
   * @param skipIdentity the sender of a {@code notify_others}, not to get it in a replay
   */
  public void sendLobby(
      String event,
      Map<String, Object> payload,
      String skipIdentity,
      Consumer<Map<String, Object>> deliver) {
    synchronized (lobbyLock) {
      deliver.accept(
          keep(() -> store.append(lobbyStream(), ReplayRequest.LOBBY, event, payload, skipIdentity))
              .orElseGet(() -> unkept(payload, ReplayRequest.LOBBY)));
    }
  }

  private Optional<Map<String, Object>> keep(java.util.function.Supplier<HistoryEntry> append) {
    try {
      return Optional.of(append.get().payload());
    } catch (RuntimeException e) {
      log.warn("history unavailable, delivered without keeping it: {}", e.toString());
      return Optional.empty();
    }
  }

  private static Map<String, Object> unkept(Map<String, Object> payload, String wireStream) {
    Map<String, Object> unkept = new java.util.LinkedHashMap<>(payload);
    unkept.put("stream", wireStream);
    return unkept;
  }

  /**
   * Writes a notification to {@code heroName}'s direct stream and hands it to {@code deliver};
   * false (nothing written or delivered) when the name is not present and was not within the ttl.
   */
  public boolean sendDirect(
      String heroName,
      String event,
      Map<String, Object> payload,
      Consumer<Map<String, Object>> deliver) {
    Optional<String> identity;
    try {
      identity = directory.identity(heroName);
    } catch (RuntimeException e) {
      // The caller found the hero present: deliver, without keeping it.
      log.warn("hero directory unavailable, delivered without keeping it: {}", e.toString());
      deliver.accept(unkept(payload, ReplayRequest.DIRECT));
      return true;
    }
    if (identity.isEmpty()) {
      return false;
    }
    String stream = directStream(identity.get());
    synchronized (directLocks[Math.floorMod(identity.get().hashCode(), LOCK_STRIPES)]) {
      deliver.accept(
          keep(() -> store.append(stream, ReplayRequest.DIRECT, event, payload, null))
              .orElseGet(() -> unkept(payload, ReplayRequest.DIRECT)));
    }
    return true;
  }

  /** Whether a direct notification to {@code heroName} has a stream to go to. */
  public boolean knows(String heroName) {
    try {
      return directory.identity(heroName).isPresent();
    } catch (RuntimeException e) {
      return false; // unreachable directory: only present heroes can be sent to
    }
  }

  @Override
  public void close() {
    store.close();
    directory.close();
  }
}
