package dev.rollcall.dispatch;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.Channel;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Reply;
import dev.rollcall.presence.Presence;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

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

  /** What every lobby channel of a node shares. */
  public record Lobby(
      Presence presence,
      HeroRoster roster,
      SuperheroNames names,
      DispatchConfig config,
      DispatchMetrics metrics,
      Clock clock) {}

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

  @Override
  public JoinResult join(String topic, Object params, ChannelSocket socket) {
    if (!LOBBY.equals(topic)) {
      return JoinResult.refuse("unauthorized");
    }
    String identity =
        socket.assigns().get(HERO_ID) instanceof String id ? id : "anonymous:" + socket.id();
    name =
        socket.assigns().get(HERO_NAME) instanceof String tokenName
            ? lobby.roster().claim(identity, tokenName, this::isPresent)
            : lobby.roster().claimDrawn(identity, lobby.names()::draw, this::isPresent);
    String claimed = name;
    try {
      socket.assigns().put("user_name", name);
      socket.subscribe(personalTopic(name));
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("online_at", String.valueOf(lobby.clock().millis() / 1000));
      meta.put("user_name", name);
      if (lobby.presence().track(socket, name, meta) instanceof Presence.Result.Error error) {
        lobby.roster().release(claimed, identity);
        return JoinResult.refuse("presence " + error.reason());
      }
    } catch (RuntimeException e) {
      lobby.roster().release(claimed, identity);
      throw e;
    }
    // Registered after track, so the name stays claimed until the presence entry is gone.
    socket.onExit(reason -> lobby.roster().release(claimed, identity));
    socket.send(AfterJoin.INSTANCE);
    return JoinResult.ok();
  }

  @Override
  public void handleInfo(Object message, ChannelSocket socket) {
    if (message instanceof AfterJoin) {
      socket.push("user_info", Map.of("user_name", name));
      // The lobby's list is shared by everyone joining in the same few ms (one copy and one
      // encoding, not one per join); this channel is subscribed by now, as listShared requires.
      lobby.presence().listShared(LOBBY, state -> socket.push("presence_state", state));
    } else if (message instanceof Broadcast broadcast) {
      // Direct notifications arrive on the personal topic; push them as a lobby event.
      socket.push(broadcast.event(), broadcast.payload());
    }
  }

  @Override
  public Reply handleIn(String event, Object payload, ChannelSocket socket) {
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
            payload, kind.equals("direct"), lobby.config().maxBodyLength(), this::isPresent);
    return switch (request) {
      case NotifyRequest.Invalid invalid -> {
        lobby.metrics().rejected(invalid.reason());
        yield Reply.error(invalid.reason());
      }
      case NotifyRequest.Valid valid -> {
        var notification =
            new Notification(valid.body(), lobby.clock().millis() / 1000, name).payload();
        switch (kind) {
          case "all" -> socket.broadcast(Notification.EVENT, notification);
          case "others" -> socket.broadcastFrom(Notification.EVENT, notification);
          default -> {
            String topic = personalTopic(valid.recipient());
            socket
                .pubSub()
                .broadcast(topic, new Broadcast(topic, Notification.EVENT, notification));
          }
        }
        lobby.metrics().notified(kind);
        yield Reply.ok();
      }
    };
  }

  private boolean isPresent(String heroName) {
    return !lobby.presence().get(LOBBY, heroName).isEmpty();
  }
}
