package dev.rollcall.dispatch;

import dev.rollcall.channels.BroadcastCodec;
import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.Socket;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.PresenceFetch;
import dev.rollcall.presence.TrackerPresence;
import dev.rollcall.presence.tracker.TrackerCodec;
import dev.rollcall.pubsub.LocalPubSub;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.redis.RedisConfig;
import dev.rollcall.pubsub.redis.RedisLease;
import dev.rollcall.pubsub.redis.RedisPubSub;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application: PubSub, presence, the endpoint (page, socket, health, metrics, token)
 * and the internal service, stopped in reverse order. Start and close from one thread (the
 * launcher's); {@link #close} is idempotent.
 */
public final class DispatchApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DispatchApp.class);

  private final LaunchOptions options;
  private final Cluster cluster;
  private final TrackerPresence presence;
  private final Endpoint endpoint;
  private final NotificationsService service;
  private final AtomicBoolean stopping;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DispatchApp(
      LaunchOptions options,
      Cluster cluster,
      TrackerPresence presence,
      Endpoint endpoint,
      NotificationsService service,
      AtomicBoolean stopping) {
    this.options = options;
    this.cluster = cluster;
    this.presence = presence;
    this.endpoint = endpoint;
    this.service = service;
    this.stopping = stopping;
  }

  public static DispatchApp start(LaunchOptions options, DispatchConfig config) {
    Clock clock = Clock.systemUTC();
    Cluster cluster = Cluster.open(options);
    PubSub pubSub = cluster.pubSub();
    TrackerPresence presence =
        TrackerPresence.start(pubSub, PresenceConfig.defaults(), PresenceFetch.IDENTITY);
    var metrics = new DispatchMetrics();
    var names = new SuperheroNames();
    var lobby =
        new NotificationsChannel.Lobby(presence, new HeroRoster(), names, config, metrics, clock);
    var tokens = new HeroTokens(config, clock);
    // Warm up what the first page load needs (datafaker loads its YAML, PBKDF2 derives the key):
    // otherwise the first visitor waits over a second for a name.
    tokens.verify(tokens.sign(tokens.newIdentity(names.draw())));
    Socket socket =
        Socket.builder()
            .channel("notifications:*", () -> new NotificationsChannel(lobby))
            .connect(tokens::connect)
            .build();
    var stopping = new AtomicBoolean();
    var endpointRef = new AtomicReference<Endpoint>();
    Supplier<Endpoint> endpoint = endpointRef::get;
    endpointRef.set(
        Endpoint.builder()
            .config(
                EndpointConfig.defaults()
                    .withHost(options.host())
                    .withPort(options.port())
                    .withAllowedOrigins(options.allowedOrigins())
                    .withLongPollWindow(options.transports().longPollWindow())
                    .withCompress(options.transports().compress())
                    .withTls(options.transports().tlsCert(), options.transports().tlsKey())
                    .withSecretKeyBase(config.secret()))
            .pubSub(pubSub)
            .socket(socket)
            .http("/healthz", new HealthRoute(options.node(), cluster.state(), stopping::get))
            .http("/metrics", new MetricsRoute(endpoint, presence, metrics, pubSub))
            .http(
                "/api/token",
                new TokenRoute(
                    tokens,
                    names,
                    name -> !presence.get(NotificationsChannel.LOBBY, name).isEmpty()))
            .staticResources("public")
            .start());
    var service =
        new NotificationsService(
            presence,
            pubSub,
            cluster.activeDispatcher(),
            config.notifyInterval(),
            metrics,
            clock,
            new Random());
    service.start();
    return new DispatchApp(options, cluster, presence, endpointRef.get(), service, stopping);
  }

  public int port() {
    return endpoint.port();
  }

  public String node() {
    return options.node();
  }

  /**
   * Stops taking work: health says stopping, the service stops, channels end, connections close.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopping.set(true);
    service.close();
    endpoint.close();
    presence.close();
    cluster.close();
  }

  /**
   * How this node reaches the others: alone with in-process PubSub, or through Redis (see
   * docs/cluster.md), where a Redis lease picks the one node whose {@link NotificationsService}
   * sends.
   */
  record Cluster(
      PubSub pubSub,
      Supplier<String> state,
      ActiveDispatcher activeDispatcher,
      AutoCloseable lease) {

    /** The longest the cluster goes without a dispatcher after its node dies (issue 5: ≤ 5 s). */
    static final Duration DISPATCHER_LEASE = Duration.ofSeconds(3);

    static Cluster open(LaunchOptions options) {
      if (options.redis() == null) {
        return new Cluster(
            new LocalPubSub(options.node()), () -> "disabled", ActiveDispatcher.always(), () -> {});
      }
      var config =
          RedisConfig.defaults().withUri(options.redis().toString()).withNode(options.node());
      var redis = new RedisPubSub(config, List.of(new BroadcastCodec(), new TrackerCodec()));
      var lease = RedisLease.start(redis, "dispatcher", DISPATCHER_LEASE);
      return new Cluster(redis, () -> redis.health().label(), lease::isHeld, lease);
    }

    /** The lease first, so another node can take over while this one still delivers. */
    void close() {
      try {
        lease.close();
      } catch (Exception e) {
        log.warn("dispatcher lease did not close cleanly: {}", e.toString());
      }
      pubSub.close();
    }
  }
}
