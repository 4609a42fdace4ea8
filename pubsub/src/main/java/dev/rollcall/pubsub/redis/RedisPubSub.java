package dev.rollcall.pubsub.redis;

import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.LocalPubSub;
import dev.rollcall.pubsub.MessageCodec;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.Subscriber;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PubSub} that spans every node connected to the same Redis (after phoenix_pubsub_redis).
 *
 * <p>Local subscribers are served by a {@link LocalPubSub} at once; the same message is published
 * on Redis for the other nodes, which deliver it to their own local subscribers. All broadcasts
 * share one Redis channel ({@code <prefix>:b}) and every node subscribes to it plus its own direct
 * channel ({@code <prefix>:n:<node>}); docs/cluster.md gives the measurement behind that choice. A
 * node ignores the echo of its own broadcasts, so each subscriber sees a message exactly once.
 *
 * <p>A lost connection is retried with capped exponential backoff; meanwhile local delivery goes
 * on, messages for other nodes are dropped (at-most-once, as in Phoenix) and {@link #health()} is
 * {@link RedisHealth#DOWN}. Each change of health is logged once and reported to the {@link
 * #addHealthListener health listeners} (the tracker asks for state transfers when it comes back).
 *
 * <p>Thread-safe: publishing from any thread (never blocking: one drainer thread writes every
 * PUBLISH, see {@link PublishQueue}); messages from Redis are delivered on the subscription
 * connection's event-loop thread (one thread, so in Redis order); connecting and reconnecting
 * happen on one connector thread.
 */
public final class RedisPubSub implements PubSub {
  private static final Logger log = LoggerFactory.getLogger(RedisPubSub.class);

  private final RedisConfig config;
  private final LocalPubSub local;
  // Tells this process's echoes from another process that (wrongly) runs under the same node name.
  private final long instance = ThreadLocalRandom.current().nextLong();
  private final Map<String, MessageCodec> codecsByKind = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<MessageCodec> codecs = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Consumer<RedisHealth>> healthListeners =
      new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<RedisLease> leases = new CopyOnWriteArrayList<>();
  private final String broadcastChannelName;
  private final byte[] broadcastChannel;
  private final String ownChannelName;
  private final byte[] ownChannel;
  private final RedisURI redisUri;
  private final ClientResources resources;
  private final RedisClient client;
  private final ScheduledExecutorService connector;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final PublishQueue publishQueue;

  private volatile Link link; // written on the connector thread only
  private volatile RedisHealth health = RedisHealth.DOWN;
  private int failedAttempts; // connector thread only
  private boolean outageLogged; // connector thread only

  private final LongAdder published = new LongAdder();
  private final LongAdder publishFailed = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder ownEchoes = new LongAdder();
  private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

  /** The two connections of one connected period: one subscribed, one publishing. */
  private record Link(
      StatefulRedisPubSubConnection<byte[], byte[]> subscription,
      StatefulRedisConnection<byte[], byte[]> publisher) {

    boolean owns(RedisChannelHandler<?, ?> connection) {
      return connection == subscription || connection == publisher;
    }

    CompletableFuture<Void> close() {
      return CompletableFuture.allOf(subscription.closeAsync(), publisher.closeAsync());
    }
  }

  /**
   * Starts connecting in the background and returns at once (in {@link RedisHealth#DOWN} until the
   * first connection is subscribed). The layers above {@link #register} the codecs of their
   * messages when they start on it.
   */
  public RedisPubSub(RedisConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.local = new LocalPubSub(config.node());
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, new LongAdder());
    }
    this.broadcastChannelName = config.channelPrefix() + ":b";
    this.broadcastChannel = broadcastChannelName.getBytes(StandardCharsets.UTF_8);
    this.ownChannelName = directChannelName(config.node());
    this.ownChannel = ownChannelName.getBytes(StandardCharsets.UTF_8);

    this.redisUri = RedisURI.create(config.uri());
    redisUri.setTimeout(config.commandTimeout());
    // Two I/O threads suffice for two connections; Lettuce's default is one per core.
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            // We reconnect ourselves: one backoff, one log line per state change, and "up" only
            // once both connections exist and the subscription is confirmed.
            .autoReconnect(false)
            // Never queue messages while disconnected: at-most-once, no stale burst later.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(config.connectTimeout())
                    .keepAlive(
                        SocketOptions.KeepAliveOptions.builder()
                            .enable()
                            .idle(config.keepAliveIdle())
                            .interval(Duration.ofSeconds(1))
                            .count(3)
                            .build())
                    .build())
            .build());
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            runOnConnector(() -> connectionLost(connection));
          }
        });
    var executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "rollcall-redis-" + config.node());
              thread.setDaemon(true);
              return thread;
            });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // no retry after close()
    this.connector = executor;
    this.publishQueue =
        new PublishQueue(
            config.node(),
            config.publishBacklog(),
            () -> {
              Link current = link;
              return current == null ? null : current.publisher();
            },
            published,
            publishFailed);
    runOnConnector(this::connect);
  }

  @Override
  public void register(MessageCodec codec) {
    Objects.requireNonNull(codec, "codec");
    MessageCodec known = codecsByKind.putIfAbsent(codec.kind(), codec);
    if (known == null) {
      codecs.add(codec);
    } else if (known.getClass() != codec.getClass()) {
      throw new IllegalArgumentException(
          "codec kind "
              + codec.kind()
              + " is taken by "
              + known.getClass().getName()
              + ", cannot register "
              + codec.getClass().getName());
    }
  }

  /** Called on the connector thread at every change of {@link #health()}. */
  public void addHealthListener(Consumer<RedisHealth> listener) {
    healthListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public RedisHealth health() {
    return health;
  }

  public RedisConfig config() {
    return config;
  }

  public RedisStats stats() {
    Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    dropped.forEach((reason, count) -> drops.put(reason, count.sum()));
    return new RedisStats(
        published.sum(), publishFailed.sum(), received.sum(), ownEchoes.sum(), drops);
  }

  /** Commands on the current connection, or null while Redis is down (for {@link RedisLease}). */
  RedisAsyncCommands<byte[], byte[]> commands() {
    Link current = link;
    return current == null ? null : current.publisher().async();
  }

  /** A lease on this connection, released by {@link #close()} (see {@link RedisLease#start}). */
  void adopt(RedisLease lease) {
    leases.add(lease);
  }

  /** Distinguishes this process from a restarted one with the same node name. */
  long instance() {
    return instance;
  }

  /** The Redis channel of {@code node}'s direct messages. */
  public String directChannelName(String node) {
    return config.channelPrefix() + ":n:" + node;
  }

  /** The Redis channel every broadcast travels on. */
  public String broadcastChannelName() {
    return broadcastChannelName;
  }

  @Override
  public String node() {
    return config.node();
  }

  @Override
  public void subscribe(String topic, Subscriber subscriber) {
    local.subscribe(topic, subscriber);
  }

  @Override
  public void unsubscribe(String topic, Subscriber subscriber) {
    local.unsubscribe(topic, subscriber);
  }

  @Override
  public void unsubscribeAll(Subscriber subscriber) {
    local.unsubscribeAll(subscriber);
  }

  @Override
  public void broadcast(String topic, Object message) {
    publish(broadcastChannel, envelope(RedisEnvelope.Mode.BROADCAST, topic, message));
    local.deliver(new Delivery(topic, message, null));
  }

  @Override
  public void broadcastFrom(Subscriber from, String topic, Object message) {
    publish(broadcastChannel, envelope(RedisEnvelope.Mode.BROADCAST, topic, message));
    local.deliver(new Delivery(topic, message, from));
  }

  @Override
  public void localBroadcast(String topic, Object message) {
    local.localBroadcast(topic, message);
  }

  @Override
  public void directBroadcast(String node, String topic, Object message) {
    if (config.node().equals(node)) {
      local.deliver(new Delivery(topic, message, null)); // no round trip through Redis to ourselves
      return;
    }
    byte[] channel = directChannelName(node).getBytes(StandardCharsets.UTF_8);
    publish(channel, envelope(RedisEnvelope.Mode.DIRECT, topic, message));
  }

  @Override
  public int subscriberCount(String topic) {
    return local.subscriberCount(topic);
  }

  /**
   * Gives back the leases taken on this connection, disconnects from Redis and drops every local
   * subscription. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    leases.forEach(RedisLease::close); // while the connection is still there to release them
    publishQueue.close(); // writes what is queued, while the connection is still there
    connector.execute(
        () -> {
          Link current = link;
          link = null;
          if (current != null) {
            try {
              current.close().get(2, TimeUnit.SECONDS); // before shutdown, which would close again
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
              // the client shutdown below releases what is left
            }
          }
        });
    connector.shutdown();
    try {
      if (!connector.awaitTermination(5, TimeUnit.SECONDS)) {
        connector.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
    local.close();
    health = RedisHealth.DOWN;
  }

  private RedisEnvelope envelope(RedisEnvelope.Mode mode, String topic, Object message) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    for (MessageCodec codec : codecs) {
      if (codec.handles(message)) {
        return new RedisEnvelope(
            mode, config.node(), instance, topic, codec.kind(), codec.encode(message));
      }
    }
    throw new IllegalArgumentException(
        "no MessageCodec registered for "
            + message.getClass().getName()
            + " (topic "
            + topic
            + ")");
  }

  /** Never blocks: the one writer of {@link PublishQueue} sends it (docs/cluster.md). */
  private void publish(byte[] channel, RedisEnvelope envelope) {
    if (link == null) {
      publishFailed.increment(); // Redis is down: the other nodes miss this one (logged as DOWN)
      return;
    }
    publishQueue.offer(channel, envelope.encode());
  }

  /** A message from Redis: checked, decoded, delivered locally; bad input dropped and counted. */
  private void onMessage(byte[] channel, byte[] bytes) {
    received.increment();
    boolean direct = Arrays.equals(channel, ownChannel);
    RedisEnvelope envelope;
    try {
      envelope = RedisEnvelope.decode(bytes);
    } catch (RedisEnvelope.Rejected e) {
      drop(channel, e.reason(), e.getMessage());
      return;
    }
    if (envelope.mode() != (direct ? RedisEnvelope.Mode.DIRECT : RedisEnvelope.Mode.BROADCAST)) {
      drop(channel, DropReason.UNPARSEABLE, envelope.mode() + " message on this channel");
      return;
    }
    if (envelope.sender().equals(config.node())) {
      if (!direct && envelope.instance() == instance) {
        ownEchoes.increment(); // already delivered locally when sent
        return;
      }
      drop(
          channel,
          DropReason.FROM_SELF,
          direct
              ? "direct message from this node through Redis"
              : "another process uses this node name");
      return;
    }
    MessageCodec codec = codecsByKind.get(envelope.codecKind());
    if (codec == null) {
      drop(channel, DropReason.UNKNOWN_CODEC, "codec kind " + envelope.codecKind());
      return;
    }
    Object message;
    try {
      message = codec.decode(envelope.payload());
    } catch (RuntimeException e) {
      drop(channel, DropReason.UNDECODABLE, codec.kind() + ": " + e);
      return;
    }
    if (message == null) {
      drop(channel, DropReason.UNDECODABLE, codec.kind() + ": decoded to null");
      return;
    }
    local.deliver(new Delivery(envelope.topic(), message, null));
  }

  private void drop(byte[] channel, DropReason reason, String detail) {
    dropped.get(reason).increment();
    log.warn(
        "dropped a message on redis channel {}: {} ({})",
        new String(channel, StandardCharsets.UTF_8),
        reason.label(),
        detail);
  }

  // ---- connection lifecycle, all on the connector thread ----

  private void runOnConnector(Runnable task) {
    if (!closed.get()) {
      try {
        connector.execute(task);
      } catch (RejectedExecutionException e) {
        // closing: nothing left to do
      }
    }
  }

  private void connect() {
    if (closed.get()) {
      return;
    }
    StatefulRedisPubSubConnection<byte[], byte[]> subscription = null;
    StatefulRedisConnection<byte[], byte[]> publisher = null;
    try {
      subscription = client.connectPubSub(ByteArrayCodec.INSTANCE, redisUri);
      subscription.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
              onMessage(channel, message);
            }
          });
      publisher = client.connect(ByteArrayCodec.INSTANCE, redisUri);
      subscription.sync().subscribe(broadcastChannel, ownChannel);
      if (!subscription.isOpen() || !publisher.isOpen()) {
        throw new IllegalStateException("connection closed while subscribing");
      }
    } catch (RuntimeException e) {
      if (subscription != null) {
        subscription.closeAsync();
      }
      if (publisher != null) {
        publisher.closeAsync();
      }
      retryLater(e);
      return;
    }
    link = new Link(subscription, publisher);
    failedAttempts = 0;
    outageLogged = false;
    log.info(
        "redis up: node {} connected to {} (channels {}, {})",
        config.node(),
        redisUri.getHost() + ":" + redisUri.getPort(),
        broadcastChannelName,
        ownChannelName);
    setHealth(RedisHealth.UP);
  }

  private void connectionLost(RedisChannelHandler<?, ?> connection) {
    Link current = link;
    if (current == null || !current.owns(connection) || closed.get()) {
      return; // a connection we closed ourselves, or one of an earlier period
    }
    link = null;
    current.close();
    log.warn(
        "redis down: node {} lost its connection to {}; local delivery continues, retrying every"
            + " {}..{} ms",
        config.node(),
        redisUri.getHost() + ":" + redisUri.getPort(),
        config.reconnectMin().toMillis(),
        config.reconnectMax().toMillis());
    outageLogged = true;
    setHealth(RedisHealth.DOWN);
    connector.schedule(this::connect, backoff(0), TimeUnit.MILLISECONDS);
  }

  private void retryLater(RuntimeException cause) {
    if (closed.get()) {
      return;
    }
    if (!outageLogged) {
      log.warn(
          "redis down: node {} cannot reach {} ({}); local delivery continues, retrying every"
              + " {}..{} ms",
          config.node(),
          redisUri.getHost() + ":" + redisUri.getPort(),
          cause.getMessage(),
          config.reconnectMin().toMillis(),
          config.reconnectMax().toMillis());
      outageLogged = true;
    }
    long delay = backoff(failedAttempts);
    failedAttempts = Math.min(failedAttempts + 1, 30);
    try {
      connector.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** min·2^attempt capped at max, with "equal jitter" so restarted nodes do not stampede. */
  private long backoff(int attempt) {
    long min = config.reconnectMin().toMillis();
    long max = config.reconnectMax().toMillis();
    long exponential = attempt >= 30 ? max : Math.min(max, min << Math.min(attempt, 30));
    long half = Math.max(1, exponential / 2);
    return half + ThreadLocalRandom.current().nextLong(half + 1);
  }

  private void setHealth(RedisHealth next) {
    if (health == next) {
      return;
    }
    health = next;
    for (Consumer<RedisHealth> listener : healthListeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        log.warn("redis health listener failed: {}", e.toString());
      }
    }
  }
}
