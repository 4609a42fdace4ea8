package dev.rollcall.dispatch.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One lobby channel's two streams: what its join replays, and the {@link Seam} of each stream, so
 * the channel pushes the replay first and live notifications after it without gap or duplicate.
 *
 * <p>Not thread-safe: one per channel, used from the channel's callbacks.
 */
public final class ChannelStreams {
  /** A push to the client. */
  public record Push(String event, Map<String, Object> payload) {}

  /**
   * The streams of a join that replays nothing: live seams hold no state, so every such channel
   * (most of them) shares these instead of three objects of its own.
   */
  private static final Seam<Push> LIVE = Seam.live();

  private static final ChannelStreams LIVE_ONLY =
      new ChannelStreams(LIVE, LIVE, List.of(), List.of(), null, null, null);

  private static final ChannelStreams LIVE_NOT_RECOVERED =
      new ChannelStreams(LIVE, LIVE, List.of(), List.of(), null, null, false);

  private final Seam<Push> lobby;
  private final Seam<Push> direct;
  private final List<Seam.Item<Push>> lobbyReplay;
  private final List<Seam.Item<Push>> directReplay;
  private final StreamId lobbyThrough;
  private final StreamId directThrough;
  private final Boolean recovered;

  private ChannelStreams(
      Seam<Push> lobby,
      Seam<Push> direct,
      List<Seam.Item<Push>> lobbyReplay,
      List<Seam.Item<Push>> directReplay,
      StreamId lobbyThrough,
      StreamId directThrough,
      Boolean recovered) {
    this.lobby = lobby;
    this.direct = direct;
    this.lobbyReplay = lobbyReplay;
    this.directReplay = directReplay;
    this.lobbyThrough = lobbyThrough;
    this.directThrough = directThrough;
    this.recovered = recovered;
  }

  /**
   * Reads what {@code request} asks for; call it after the channel subscribed to both streams.
   *
   * @param identity the hero identity (a {@code notify_others} it sent is not replayed to it)
   * @param directStream the identity's direct stream, or null for an anonymous hero
   * @throws RuntimeException if the store failed
   */
  public static ChannelStreams start(
      ReplayRequest request, NotificationHistory history, String identity, String directStream) {
    if (!history.config().enabled() || request instanceof ReplayRequest.None) {
      return request instanceof ReplayRequest.LastSeen ? LIVE_NOT_RECOVERED : LIVE_ONLY;
    }
    HistoryStore store = history.store();
    return switch (request) {
      case ReplayRequest.LastSeen lastSeen -> {
        boolean recovered = true;
        Seam<Push> lobby = LIVE;
        Seam<Push> direct = LIVE;
        List<Seam.Item<Push>> lobbyReplay = new ArrayList<>();
        List<Seam.Item<Push>> directReplay = new ArrayList<>();
        StreamId lobbyThrough = null;
        StreamId directThrough = null;
        Optional<StreamId> lobbyFrom = lastSeen.streams().get(ReplayRequest.LOBBY);
        if (lobbyFrom != null) {
          Slice slice = store.after(NotificationHistory.lobbyStream(), lobbyFrom.orElse(null));
          recovered &= slice.complete();
          lobby = Seam.replaying();
          lobbyThrough = through(slice.entries(), lobbyFrom.orElse(null));
          lobbyReplay = replay(slice.entries(), identity);
        }
        Optional<StreamId> directFrom = lastSeen.streams().get(ReplayRequest.DIRECT);
        if (directFrom != null && directStream != null) {
          Slice slice = store.after(directStream, directFrom.orElse(null));
          recovered &= slice.complete();
          direct = Seam.replaying();
          directThrough = through(slice.entries(), directFrom.orElse(null));
          directReplay = replay(slice.entries(), identity);
        }
        yield new ChannelStreams(
            lobby, direct, lobbyReplay, directReplay, lobbyThrough, directThrough, recovered);
      }
      case ReplayRequest.Recent recent -> {
        List<HistoryEntry> lobbyRead =
            store.latest(NotificationHistory.lobbyStream(), recent.count() * 2);
        List<HistoryEntry> directRead =
            directStream == null ? List.of() : store.latest(directStream, recent.count());
        List<Seam.Item<Push>> both = new ArrayList<>(replay(lobbyRead, identity));
        both.addAll(replay(directRead, identity));
        both.sort(Comparator.comparing(Seam.Item::id));
        List<Seam.Item<Push>> newest =
            both.subList(Math.max(0, both.size() - recent.count()), both.size());
        List<Seam.Item<Push>> lobbyReplay = new ArrayList<>();
        List<Seam.Item<Push>> directReplay = new ArrayList<>();
        for (var item : newest) {
          (ReplayRequest.DIRECT.equals(item.message().payload().get("stream"))
                  ? directReplay
                  : lobbyReplay)
              .add(item);
        }
        yield new ChannelStreams(
            Seam.replaying(),
            Seam.replaying(),
            lobbyReplay,
            directReplay,
            through(lobbyRead, null),
            through(directRead, null),
            null);
      }
      default -> throw new IllegalArgumentException("not a replay: " + request);
    };
  }

  /**
   * Whether a join with {@code request} replays the lobby stream: then the channel must hold back
   * the lobby's live notifications from before its read until its seam settles.
   */
  public static boolean replaysLobby(ReplayRequest request, NotificationHistory history) {
    return history.config().enabled()
        && switch (request) {
          case ReplayRequest.LastSeen lastSeen ->
              lastSeen.streams().containsKey(ReplayRequest.LOBBY);
          case ReplayRequest.Recent recent -> true;
          default -> false;
        };
  }

  /**
   * Whether every live lobby notification from now on would be pushed as it is (none can be one the
   * replay had): the channel can put the lobby back on the socket's shared broadcast path.
   */
  public boolean lobbySettled() {
    return lobby.isSettled();
  }

  /** The join reply: {@code {"recovered": bool}} when the join named last ids, else empty. */
  public Map<String, Object> joinReply() {
    return recovered == null ? Map.of() : Map.of("recovered", recovered);
  }

  /** Ends both replays: what to push, oldest first. */
  public List<Push> afterJoin() {
    List<Seam.Item<Push>> out = new ArrayList<>();
    if (lobby.isReplaying()) {
      out.addAll(lobby.replayed(lobbyReplay, lobbyThrough));
    }
    if (direct.isReplaying()) {
      out.addAll(direct.replayed(directReplay, directThrough));
    }
    out.sort(Comparator.comparing(Seam.Item::id));
    return out.stream().map(Seam.Item::message).toList();
  }

  /** What to push for a live lobby notification. */
  public List<Push> liveLobby(String event, Map<String, Object> payload) {
    return live(lobby, event, payload);
  }

  /** What to push for a live notification on the hero's personal topic. */
  public List<Push> liveDirect(String event, Map<String, Object> payload) {
    return live(direct, event, payload);
  }

  private static List<Push> live(Seam<Push> seam, String event, Map<String, Object> payload) {
    var push = new Push(event, payload);
    Optional<StreamId> id =
        payload.get(HistoryEntry.idKey(event)) instanceof String text
            ? StreamId.parse(text)
            : Optional.empty();
    if (id.isEmpty()) {
      return List.of(push); // not from history (a status change, say): nothing to hold
    }
    return seam.live(new Seam.Item<>(id.get(), push)).stream().map(Seam.Item::message).toList();
  }

  private static StreamId through(List<HistoryEntry> read, StreamId from) {
    return read.isEmpty() ? from : read.getLast().id();
  }

  private static List<Seam.Item<Push>> replay(List<HistoryEntry> entries, String identity) {
    List<Seam.Item<Push>> items = new ArrayList<>();
    for (HistoryEntry entry : entries) {
      if (identity.equals(entry.skip())) {
        continue;
      }
      Map<String, Object> payload = new LinkedHashMap<>(entry.payload());
      payload.put("replayed", true);
      items.add(new Seam.Item<>(entry.id(), new Push(entry.event(), payload)));
    }
    return items;
  }
}
