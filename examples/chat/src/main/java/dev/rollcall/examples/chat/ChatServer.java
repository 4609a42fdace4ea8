package dev.rollcall.examples.chat;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.Socket;
import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.pubsub.LocalPubSub;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.redis.RedisConfig;
import dev.rollcall.pubsub.redis.RedisPubSub;

/**
 * The chat node: PubSub (in memory, or Redis when {@code REDIS_URL} is set), presence, and an
 * endpoint serving {@code room:*} and the page. Start and close from one thread.
 */
public final class ChatServer implements AutoCloseable {
  private final PubSub pubSub;
  private final Presence presence;
  private final Endpoint endpoint;

  // tag::start[]
  public ChatServer(int port, PubSub pubSub) {
    this.pubSub = pubSub;
    this.presence = Presence.start(pubSub, PresenceConfig.defaults());
    ChatHistory history = new ChatHistory(pubSub);
    Socket socket =
        Socket.builder().channel("room:*", () -> new ChatChannel(presence, history)).build();
    this.endpoint =
        Endpoint.builder()
            .config(EndpointConfig.defaults().withPort(port))
            .pubSub(pubSub)
            .socket(socket)
            .staticResources("public") // src/main/resources/public/index.html at "/"
            .start();
  }

  // end::start[]

  // tag::main[]
  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "4000"));
    ChatServer server = new ChatServer(port, pubSub(System.getenv("REDIS_URL")));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("chat on http://localhost:" + server.port() + "/");
    Thread.currentThread().join();
  }

  // end::main[]

  // tag::pubsub[]
  /** In memory for one node; over Redis ({@code redis://host:6379}) for several. */
  public static PubSub pubSub(String redisUrl) {
    if (redisUrl == null) {
      return new LocalPubSub("chat");
    }
    return new RedisPubSub(RedisConfig.defaults().withUri(redisUrl));
  }

  // end::pubsub[]

  public int port() {
    return endpoint.port();
  }

  /** Ends every channel (their presences leave), then stops presence and PubSub. */
  @Override
  public void close() {
    endpoint.close();
    presence.close();
    pubSub.close();
  }
}
