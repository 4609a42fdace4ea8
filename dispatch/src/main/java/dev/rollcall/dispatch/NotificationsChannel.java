package dev.rollcall.dispatch;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.Channel;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.ExitReason;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Reply;
import dev.rollcall.dispatch.history.ChannelStreams;
import dev.rollcall.dispatch.history.NotificationHistory;
import dev.rollcall.dispatch.history.ReplayRequest;
import dev.rollcall.dispatch.offers.DispatchWire;
import dev.rollcall.dispatch.offers.HeroStatus;
import dev.rollcall.presence.Presence;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The lobby every page joins ({@code notifications:lobby}): gives the hero a name, tracks them in
 * presence, and relays notifications to everyone, everyone else, or one hero's personal topic.
 * Personal topics ({@code notifications:<name>}) are reached through PubSub only, never joined.
 *
 * <p>One instance per joined socket; its callbacks run one at a time (see {@link Channel}), so its
 * fields need no locking.
 */
public final class NotificationsChannel implements Channel {
  public static final String LOBBY = "notifications:lobby";

  /** Assigns a connect puts in {@link dev.rollcall.channels.ChannelSocket#assigns()}. */
  static final String HERO_ID = "hero_id";

  static final String HERO_NAME = "hero_name";

  private final Lobby lobby;
  private String name;
  private String identity;
  // The presence meta's parts, not the map: the tracker keeps its own stamped copy of the map.
  private String onlineAt;
  private HeroStatus status;
  private ChannelStreams streams;
  private PresenceMode presenceMode;

  /** Whether this channel takes the lobby's notifications off the shared broadcast path. */
  private boolean lobbyHeld;

  /** What every lobby channel of a node shares. */
  public record Lobby(
      Presence presence,
      HeroRoster roster,
      SuperheroNames names,
      DispatchConfig config,
      DispatchMetrics metrics,
      Clock clock,
      DispatchDesk desk,
      NotificationHistory history,
      LobbySummary summary) {}

  /** Phoenix's {@code send(self(), :after_join)}: the pushes that must follow the join reply. */
  private enum AfterJoin {
    INSTANCE
  }

  public NotificationsChannel(Lobby lobby) {
    this.lobby = lobby;
  }

  public static String personalTopic(String heroName) {
    return "notifications:" + heroName;
  }

  /** After the channel ended and its presence left: gives back what {@link #join} took. */
  private void exited(ExitReason reason) {
    lobby.roster().release(name, identity);
    lobby.history().directory().left(name, identity);
    if (presenceMode == PresenceMode.SUMMARY) {
      lobby.summary().untracked();
    }
  }

  @Override
  public JoinResult join(String topic, Object params, ChannelSocket socket) {
    if (!LOBBY.equals(topic)) {
      return JoinResult.refuse("unauthorized");
    }
    boolean anonymous = !(socket.assigns().get(HERO_ID) instanceof String);
    String identity =
        socket.assigns().get(HERO_ID) instanceof String id ? id : "anonymous:" + socket.id();
    this.identity = identity;
    ReplayRequest replay = ReplayRequest.of(params);
    if (replay instanceof ReplayRequest.Invalid invalid) {
      return JoinResult.refuse(invalid.reason());
    }
    presenceMode = PresenceMode.of(params);
    if (presenceMode == null) {
      return JoinResult.refuse(PresenceMode.INVALID_REASON);
    }
    lobby.summary().joined(presenceMode, socket);
    name =
        socket.assigns().get(HERO_NAME) instanceof String tokenName
            ? lobby.roster().claim(identity, tokenName, this::isPresent)
            : lobby.roster().claimDrawn(identity, lobby.names()::draw, this::isPresent);
    String claimed = name;
    if (anonymous) {
      lobby.roster().heldAnonymously(claimed, identity, socket);
    }
    try {
      socket.assigns().put("user_name", name);
      socket.subscribe(personalTopic(name));
      if (ChannelStreams.replaysLobby(replay, lobby.history())) {
        // Subscribes the lobby now, before the read below; the lobby's notifications come to
        // handleOut, past the seam, until it settles.
        socket.intercept(Set.of(Notification.EVENT));
        lobbyHeld = true;
      }
      onlineAt = String.valueOf(lobby.clock().millis() / 1000);
      status = HeroStatus.AVAILABLE;
      if (lobby.presence().track(socket, name, meta(status))
          instanceof Presence.Result.Error error) {
        lobby.roster().release(claimed, identity);
        return JoinResult.refuse("presence " + error.reason());
      }
    } catch (RuntimeException e) {
      lobby.roster().release(claimed, identity);
      throw e;
    }
    lobby.history().directory().joined(claimed, identity);
    if (presenceMode == PresenceMode.SUMMARY) {
      lobby.summary().tracked();
    }
    // Registered after track, so the name stays claimed until the presence entry is gone. One
    // hook for what the join took: each costs every hero's channel a few dozen bytes.
    socket.onExit(this::exited);
    // Read after subscribing: whatever is written from here on also arrives live, and the seams
    // hold it back until the replay is out.
    try {
      streams =
          ChannelStreams.start(
              replay,
              lobby.history(),
              identity,
              anonymous ? null : NotificationHistory.directStream(identity));
    } catch (RuntimeException e) {
      lobby.metrics().rejected("history_unavailable");
      streams = ChannelStreams.start(new ReplayRequest.None(), lobby.history(), identity, null);
      socket.send(AfterJoin.INSTANCE);
      return joinReply(
          replay instanceof ReplayRequest.LastSeen ? Map.of("recovered", false) : Map.of());
    }
    socket.send(AfterJoin.INSTANCE);
    return joinReply(streams.joinReply());
  }

  /** The join's reply: a summary join also learns its mode and the lobby's size. */
  private JoinResult joinReply(Map<String, Object> reply) {
    if (presenceMode == PresenceMode.SUMMARY) {
      return JoinResult.ok(lobby.summary().joinReply(reply));
    }
    return reply.isEmpty() ? JoinResult.ok() : JoinResult.ok(reply);
  }

  /** The lobby's presence after the join: the whole list, or its count in summary mode. */
  private void pushPresence(ChannelSocket socket) {
    Map<String, Object> board = lobby.desk().board();
    if (presenceMode == PresenceMode.SUMMARY) {
      socket.push(LobbySummary.COUNT_EVENT, lobby.summary().countPayload());
      if (board != null) {
        socket.push(DispatchWire.BOARD, board);
      }
      return;
    }
    // The lobby's list is shared by everyone joining in the same few ms (one copy and one
    // encoding, not one per join); this channel is subscribed by now, as listShared requires.
    // Read before the list is taken, so the board follows presence_state at once; a page
    // applies a dispatch_update newer than the board's entry (updated_at) over it.
    lobby
        .presence()
        .listShared(
            LOBBY,
            state -> {
              socket.push("presence_state", state);
              if (board != null) {
                socket.push(DispatchWire.BOARD, board);
              }
            });
  }

  @Override
  public void handleInfo(Object message, ChannelSocket socket) {
    if (message instanceof AfterJoin) {
      socket.push("user_info", Map.of("user_name", name));
      push(streams.afterJoin(), socket);
      releaseLobbyIfSettled(socket);
      pushPresence(socket);
    } else if (message instanceof Broadcast broadcast
        && broadcast.event().equals(DispatchWire.SET_STATUS)) {
      // The driver (or another tab of this hero) set the hero's status: every connection shows it.
      if (broadcast.payload() instanceof Map<?, ?> payload) {
        HeroStatus.parse(payload.get(HeroStatus.META_KEY)).ifPresent(s -> setStatus(s, socket));
      }
    } else if (message instanceof Broadcast broadcast
        && broadcast.payload() instanceof Map<?, ?> payload) {
      // Direct notifications and offers arrive on the personal topic; push them as lobby events.
      Map<String, Object> copy = new LinkedHashMap<>();
      payload.forEach((k, v) -> copy.put(String.valueOf(k), v));
      push(streams.liveDirect(broadcast.event(), copy), socket);
    } else if (message instanceof Broadcast broadcast) {
      socket.push(broadcast.event(), broadcast.payload());
    }
  }

  /** A lobby notification while this channel's replay and its seam are not done with the lobby. */
  @Override
  public void handleOut(String event, Object payload, ChannelSocket socket) {
    if (event.equals(Notification.EVENT) && payload instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), v));
      push(streams.liveLobby(event, copy), socket);
      releaseLobbyIfSettled(socket);
    } else {
      socket.push(event, payload);
    }
  }

  /** Back on the shared, encoded-once broadcast path once the seam cannot drop anything more. */
  private void releaseLobbyIfSettled(ChannelSocket socket) {
    if (lobbyHeld && streams.lobbySettled()) {
      lobbyHeld = false;
      socket.intercept(Set.of());
    }
  }

  @Override
  public Reply handleIn(String event, Object payload, ChannelSocket socket) {
    if (event.equals(LobbySummary.LIST_EVENT)) {
      return lobby.summary().list(payload);
    }
    if (event.equals("set_status")) {
      var status =
          payload instanceof Map<?, ?> map
              ? HeroStatus.parse(map.get(HeroStatus.META_KEY))
              : java.util.Optional.<HeroStatus>empty();
      if (status.isEmpty()) {
        return Reply.error("invalid_status");
      }
      setStatus(status.get(), socket);
      // The hero's other tabs follow, so the hero has one status.
      String topic = personalTopic(name);
      socket
          .pubSub()
          .broadcast(
              topic,
              new Broadcast(
                  topic,
                  DispatchWire.SET_STATUS,
                  Map.of(HeroStatus.META_KEY, status.get().wire())));
      return Reply.ok();
    }
    Reply dispatchReply = lobby.desk().handle(event, payload, name);
    if (dispatchReply != null) {
      return dispatchReply;
    }
    String kind =
        switch (event) {
          case "notify_all" -> "all";
          case "notify_others" -> "others";
          case "notify_direct" -> "direct";
          default -> null;
        };
    if (kind == null) {
      // Phoenix would crash the channel (and the page would rejoin as a new hero); a reply is
      // kinder.
      return Reply.error("unknown_event");
    }
    NotifyRequest request =
        NotifyRequest.check(
            payload,
            kind.equals("direct"),
            lobby.config().maxBodyLength(),
            hero -> isPresent(hero) || lobby.history().knows(hero));
    return switch (request) {
      case NotifyRequest.Invalid invalid -> {
        lobby.metrics().rejected(invalid.reason());
        yield Reply.error(invalid.reason());
      }
      case NotifyRequest.Valid valid -> {
        var notification =
            new Notification(valid.body(), lobby.clock().millis() / 1000, name).payload();
        boolean queued = false;
        switch (kind) {
          case "all" -> sendLobby(notification, null, socket);
          case "others" -> sendLobby(notification, identity, socket);
          default -> {
            queued = !isPresent(valid.recipient());
            String topic = personalTopic(valid.recipient());
            boolean known =
                lobby
                    .history()
                    .sendDirect(
                        valid.recipient(),
                        Notification.EVENT,
                        notification,
                        stamped ->
                            socket
                                .pubSub()
                                .broadcast(
                                    topic, new Broadcast(topic, Notification.EVENT, stamped)));
            if (!known) {
              lobby.metrics().rejected("unknown_recipient");
              yield Reply.error("unknown_recipient");
            }
          }
        }
        lobby.metrics().notified(kind);
        yield queued ? Reply.ok(Map.of("queued", true)) : Reply.ok();
      }
    };
  }

  private static void push(java.util.List<ChannelStreams.Push> pushes, ChannelSocket socket) {
    for (ChannelStreams.Push push : pushes) {
      socket.push(push.event(), push.payload());
    }
  }

  /** Phoenix.Presence.update: the meta is replaced, every node sees a leave and a join. */
  private void setStatus(HeroStatus status, ChannelSocket socket) {
    if (status == this.status) {
      return;
    }
    if (lobby.presence().update(socket, name, meta(status)) instanceof Presence.Result.Ok) {
      this.status = status;
    }
  }

  /** This hero's presence meta with {@code status}. */
  private Map<String, Object> meta(HeroStatus status) {
    Map<String, Object> meta = new LinkedHashMap<>(4);
    meta.put("online_at", onlineAt);
    meta.put("user_name", name);
    meta.put(HeroStatus.META_KEY, status.wire());
    return meta;
  }

  /**
   * Writes a lobby notification (which gives it its id), then broadcasts it on the lobby topic, so
   * it is encoded once for every channel on the shared broadcast path ({@code skipIdentity}
   * non-null: a {@code notify_others}, not to this channel, and never replayed to its identity).
   */
  private void sendLobby(
      Map<String, Object> notification, String skipIdentity, ChannelSocket socket) {
    lobby
        .history()
        .sendLobby(
            Notification.EVENT,
            notification,
            skipIdentity,
            stamped -> {
              if (skipIdentity != null) {
                socket.broadcastFrom(Notification.EVENT, stamped);
              } else {
                socket.broadcast(Notification.EVENT, stamped);
              }
            });
  }

  private boolean isPresent(String heroName) {
    return !lobby.presence().get(LOBBY, heroName).isEmpty();
  }
}
