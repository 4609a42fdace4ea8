package dev.rollcall.dispatch;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.Socket;
import dev.rollcall.dispatch.admin.AdminChannel;
import dev.rollcall.dispatch.admin.AdminDashboard;
import dev.rollcall.dispatch.admin.AdminKey;
import dev.rollcall.dispatch.admin.AdminPageRoute;
import dev.rollcall.dispatch.admin.DashboardConfig;
import dev.rollcall.dispatch.admin.NodeSampler;
import dev.rollcall.dispatch.api.ApiRoute;
import dev.rollcall.dispatch.api.HeroDisconnects;
import dev.rollcall.dispatch.api.ReadinessRoute;
import dev.rollcall.dispatch.history.NotificationHistory;
import dev.rollcall.dispatch.offers.DispatchCore;
import dev.rollcall.dispatch.offers.DispatchDriver;
import dev.rollcall.dispatch.offers.DispatchStore;
import dev.rollcall.dispatch.offers.DriverRequests;
import dev.rollcall.dispatch.offers.OfferRules;
import dev.rollcall.dispatch.offers.RedisDispatchStore;
import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.PresenceFetch;
import dev.rollcall.pubsub.LocalPubSub;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.redis.RedisConfig;
import dev.rollcall.pubsub.redis.RedisHealth;
import dev.rollcall.pubsub.redis.RedisLease;
import dev.rollcall.pubsub.redis.RedisPubSub;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
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
  private final Presence presence;
  private final Endpoint endpoint;
  private final NotificationsService service;
  private final Dispatching dispatching;
  private final AtomicBoolean stopping;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final NotificationHistory history;
  private final AdminDashboard dashboard;
  private final LobbySummary summary;

  private DispatchApp(
      LaunchOptions options,
      Cluster cluster,
      Presence presence,
      Endpoint endpoint,
      NotificationsService service,
      Dispatching dispatching,
      AtomicBoolean stopping,
      NotificationHistory history,
      AdminDashboard dashboard,
      LobbySummary summary) {
    this.history = history;
    this.dashboard = dashboard;
    this.summary = summary;
    this.options = options;
    this.cluster = cluster;
    this.presence = presence;
    this.endpoint = endpoint;
    this.service = service;
    this.dispatching = dispatching;
    this.stopping = stopping;
  }

  public static DispatchApp start(LaunchOptions options, DispatchConfig config) {
    Clock clock = Clock.systemUTC();
    Cluster cluster = Cluster.open(options);
    PubSub pubSub = cluster.pubSub();
    AdminDashboard.register(pubSub);
    PresenceConfig presenceConfig =
        options
            .tunables()
            .presence()
            .applyTo(PresenceConfig.defaults().withGroups(LobbySummary.GROUPS));
    Presence presence = Presence.start(pubSub, presenceConfig, PresenceFetch.IDENTITY);
    var summary =
        LobbySummary.start(
            presence,
            pubSub,
            NotificationsChannel.LOBBY,
            LobbySummary.PERIOD,
            options.presenceCountRate());
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var latencies = new LatencyHistograms(registry);
    presence.observe(latencies);
    latencies.listenTo(pubSub);
    var metrics = new DispatchMetrics(registry);
    var names = new SuperheroNames();
    var dispatching = Dispatching.start(options, cluster, presence, metrics, clock);
    var desk =
        new DispatchDesk(dispatching.requests(), dispatching.store(), config.maxBodyLength());
    var history = HistoryWiring.open(options, clock);
    dispatching.driver().sendDirectThrough(history);
    var roster = new HeroRoster();
    var lobby =
        new NotificationsChannel.Lobby(
            presence, roster, names, config, metrics, clock, desk, history, summary);
    var tokens = new HeroTokens(config, clock);
    // Warm up what the first page load needs (datafaker loads its YAML, PBKDF2 derives the key):
    // otherwise the first visitor waits over a second for a name.
    tokens.verify(tokens.sign(tokens.newIdentity(names.draw())));
    var adminKey = new AdminKey(options.apiKey());
    var dashboard =
        new AdminDashboard(
            DashboardConfig.defaults(),
            pubSub,
            presence,
            new NodeSampler(options.node(), registry, cluster.state(), clock, System::nanoTime),
            dispatching.store()::load,
            clock);
    Socket socket =
        Socket.builder()
            .channel("notifications:*", () -> new NotificationsChannel(lobby))
            .channel(AdminDashboard.TOPIC, () -> new AdminChannel(adminKey, dashboard))
            .connect(tokens::connect)
            .build();
    var stopping = new AtomicBoolean();
    var readiness =
        new ReadinessRoute(
            options.node(),
            options.redis() != null,
            stopping::get,
            presenceConfig.tracker().broadcastPeriod().multipliedBy(2),
            clock);
    if (pubSub instanceof RedisPubSub redis) {
      redis.addHealthListener(health -> readiness.redisChanged(health == RedisHealth.UP));
      readiness.redisChanged(redis.health() == RedisHealth.UP);
    }
    var endpointRef = new AtomicReference<Endpoint>();
    Supplier<Endpoint> endpoint = endpointRef::get;
    endpointRef.set(
        Endpoint.builder()
            .config(
                options
                    .tunables()
                    .endpoint()
                    .applyTo(EndpointConfig.defaults())
                    .withHost(options.host())
                    .withPort(options.port())
                    .withAllowedOrigins(options.allowedOrigins())
                    .withLongPollWindow(options.transports().longPollWindow())
                    .withCompress(options.transports().compress())
                    .withTls(options.transports().tlsCert(), options.transports().tlsKey())
                    .withSecretKeyBase(config.secret()))
            .pubSub(pubSub)
            .observer(latencies)
            .socket(socket)
            .http("/healthz", new HealthRoute(options.node(), cluster.state(), stopping::get))
            .http("/readyz", readiness)
            .http("/metrics", new MetricsRoute(registry, endpoint, presence, metrics, pubSub))
            .http(
                "/api/token",
                new TokenRoute(
                    tokens,
                    names,
                    name -> !presence.get(NotificationsChannel.LOBBY, name).isEmpty()))
            .httpPrefix(
                "/api/",
                new ApiRoute(
                    options.apiKey(),
                    pubSub,
                    presence,
                    NotificationsChannel.LOBBY,
                    (body, reporter) -> desk.handle("report_incident", body, reporter),
                    new HeroDisconnects(
                        pubSub, hero -> roster.disconnect(hero, endpoint.get()::disconnect))))
            .http(
                "/admin",
                new AdminPageRoute(
                    adminKey, AdminPageRoute.builtPage(DispatchApp.class.getClassLoader())))
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
            new Random(),
            history);
    service.start();
    dashboard.start();
    return new DispatchApp(
        options,
        cluster,
        presence,
        endpointRef.get(),
        service,
        dispatching,
        stopping,
        history,
        dashboard,
        summary);
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
    // Clients leave a few hundred at a time while the service and the driver still run, so the
    // heroes who reconnect elsewhere find a working cluster.
    endpoint.drain(options.drainBatch(), options.drainInterval());
    service.close();
    dashboard.close();
    dispatching.close();
    endpoint.close();
    summary.close();
    presence.close();
    history.close();
    cluster.close();
  }

  /**
   * Offers that must be accepted: the driver (driving while this node holds the dispatcher lease),
   * the way this node's channels ask it, and where dispatches are kept (Redis in a cluster, so the
   * next driver resumes them).
   */
  record Dispatching(DispatchStore store, DriverRequests requests, DispatchDriver driver) {
    /** How long a hero's dispatch push waits for the driver before it is refused. */
    static final Duration DRIVER_TIMEOUT = Duration.ofSeconds(3);

    static Dispatching start(
        LaunchOptions options,
        Cluster cluster,
        Presence presence,
        DispatchMetrics metrics,
        Clock clock) {
      DispatchStore store =
          options.redis() == null
              ? DispatchStore.inProcess()
              : RedisDispatchStore.open(
                  options.redis().toString(), RedisConfig.defaults().channelPrefix());
      var requests = new DriverRequests(cluster.pubSub(), DRIVER_TIMEOUT);
      var rules =
          new OfferRules(
              options.offerTimeout(),
              options.reassignAfter(),
              OfferRules.defaults().keepResolved());
      var driver =
          new DispatchDriver(
              new DispatchCore(rules),
              store,
              cluster.pubSub(),
              presence,
              NotificationsChannel.LOBBY,
              cluster.activeDispatcher()::isActive,
              metrics::counted,
              clock,
              new Random());
      driver.start();
      metrics.drivingBy(driver::isDriving);
      return new Dispatching(store, requests, driver);
    }

    void close() {
      driver.close();
      requests.close();
      store.close();
    }
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

    /**
     * The longest the cluster goes without a dispatcher after its node dies: ≤ 5 s, the
     * failure-detection target.
     */
    static final Duration DISPATCHER_LEASE = Duration.ofSeconds(3);

    static Cluster open(LaunchOptions options) {
      if (options.redis() == null) {
        return new Cluster(
            new LocalPubSub(options.node()), () -> "disabled", ActiveDispatcher.always(), () -> {});
      }
      var config =
          options
              .tunables()
              .redis()
              .applyTo(RedisConfig.defaults())
              .withUri(options.redis().toString())
              .withNode(options.node());
      var redis = new RedisPubSub(config);
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
