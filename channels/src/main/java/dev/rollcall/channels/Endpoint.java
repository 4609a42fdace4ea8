package dev.rollcall.channels;

import dev.rollcall.pubsub.PubSub;
import java.time.Duration;
import java.util.ServiceLoader;

/**
 * Serves one {@link Socket} over WebSocket at {@code socketPath + "/websocket"}, plus plain HTTP
 * routes, on one port. Start with {@link Builder#start}; {@link #close} shuts down gracefully:
 * every channel's {@code terminate} runs, then every connection closes with 1001 (so phoenix.js
 * reconnects to another node).
 */
public interface Endpoint extends AutoCloseable {

  /**
   * A new builder of the endpoint implementation this module provides (found as a service, so this
   * API does not name its implementation).
   */
  static Builder builder() {
    return ServiceLoader.load(Builder.class, Endpoint.class.getClassLoader())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no Endpoint.Builder provider on the path"));
  }

  /** The bound port (useful with port 0). */
  int port();

  PubSub pubSub();

  /** Closes every connection whose socket id is {@code socketId}, with 1001. */
  void disconnect(String socketId);

  /**
   * Stops accepting connections and closes the open ones in batches of {@code batchSize}, {@code
   * interval} apart (each channel's {@code terminate} runs, then 1001), as Phoenix's socket drainer
   * does: the clients of a big node reconnect elsewhere over a while, not in the same millisecond.
   * Blocks until the last batch was asked to close; returns the number of batches. {@link #close}
   * afterwards finishes the shutdown.
   */
  int drain(int batchSize, Duration interval);

  /** Live figures for metrics and health. */
  Stats stats();

  /**
   * @param queuedMail mail waiting in channel mailboxes: client messages and server-side messages
   *     ({@code send}, subscriptions)
   * @param queuedInbound of those, client messages (bounded per socket by {@code maxQueuedInbound})
   * @param pausedSockets sockets not being read because their channels are behind
   */
  record Stats(
      long connections,
      long channels,
      long messagesIn,
      long messagesOut,
      long queuedMail,
      long queuedInbound,
      long pausedSockets) {}

  @Override
  void close();

  /** Configures and starts an endpoint; one builder starts one endpoint. */
  interface Builder {
    Builder config(EndpointConfig config);

    Builder socket(Socket socket);

    Builder pubSub(PubSub pubSub);

    /** Serves {@code route} for GET requests on exactly {@code path}. */
    Builder http(String path, HttpRoute route);

    /**
     * Serves {@code route} for every method on every path that starts with {@code prefix} (an API:
     * the route answers methods and paths it does not know itself). An exact {@link #http} path
     * wins for GET; of several prefixes the longest wins.
     */
    Builder httpPrefix(String prefix, HttpRoute route);

    /**
     * Serves classpath resources under {@code classpathRoot} for any other GET path ("/" →
     * index.html).
     */
    Builder staticResources(String classpathRoot);

    /**
     * Hears the endpoint's join, reply and delivery latencies (default: {@link
     * EndpointObserver#NONE}).
     */
    Builder observer(EndpointObserver observer);

    Endpoint start();
  }
}
