package dev.rollcall.channels;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A socket definition (Phoenix's {@code UserSocket}): which channel serves which topic, and who may
 * connect. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * Socket.builder()
 *     .channel("room:*", RoomChannel::new)
 *     .connect(info -> ConnectResult.accept())
 *     .build();
 * }</pre>
 */
public final class Socket {

  /**
   * One route: an exact topic, or a prefix ending in {@code *} (which also matches the empty rest).
   */
  public record Route(String pattern, Supplier<? extends Channel> channel) {
    public Route {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(channel, "channel");
      int star = pattern.indexOf('*');
      if (star >= 0 && star != pattern.length() - 1) {
        throw new IllegalArgumentException("'*' may only end a topic pattern: " + pattern);
      }
    }

    public boolean matches(String topic) {
      return pattern.endsWith("*")
          ? topic.startsWith(pattern.substring(0, pattern.length() - 1))
          : pattern.equals(topic);
    }
  }

  private final List<Route> routes;
  private final Function<ConnectInfo, ConnectResult> connect;

  private Socket(List<Route> routes, Function<ConnectInfo, ConnectResult> connect) {
    this.routes = List.copyOf(routes);
    this.connect = connect;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<Route> routes() {
    return routes;
  }

  /** The first declared route that matches {@code topic} (Phoenix's order). */
  public Optional<Route> route(String topic) {
    for (Route route : routes) {
      if (route.matches(topic)) {
        return Optional.of(route);
      }
    }
    return Optional.empty();
  }

  public ConnectResult connect(ConnectInfo info) {
    return connect.apply(info);
  }

  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private Function<ConnectInfo, ConnectResult> connect = info -> ConnectResult.accept();

    private Builder() {}

    public Builder channel(String pattern, Supplier<? extends Channel> channel) {
      routes.add(new Route(pattern, channel));
      return this;
    }

    /** Decides each connection; the default accepts everyone with no assigns and no id. */
    public Builder connect(Function<ConnectInfo, ConnectResult> connect) {
      this.connect = Objects.requireNonNull(connect, "connect");
      return this;
    }

    public Socket build() {
      return new Socket(routes, connect);
    }
  }
}
