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
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
import java.util.function.LongConsumer;
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
 * <p>On a Redis Cluster ({@code redis-cluster://}) it uses sharded pub/sub ({@code
 * SSUBSCRIBE}/{@code SPUBLISH}): broadcasts are spread over {@value #CLUSTER_BROADCAST_CHANNELS}
 * channels by topic, so one topic's traffic stays on one shard, in order, and the shards share the
 * load; every node subscribes to all of them once, at connect. Through Sentinel ({@code
 * redis-sentinel://}) the master is looked up again at every reconnect, so a failover is one more
 * lost connection.
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

  /**
   * Broadcast channels on a cluster: enough that three to a few dozen shards each serve several
   * (which shard a channel lands on is its key slot), few enough to subscribe at once.
   */
  static final int CLUSTER_BROADCAST_CHANNELS = 16;

  private final String[] broadcastChannelNames;
  private final byte[][] broadcastChannels;
  private final String ownChannelName;
  private final byte[] ownChannel;
  private final RedisEndpoint endpoint;
  private final CommandType publishCommand;
  private final SocketOptions socketOptions;
  private final ClientResources resources;
  private final RedisClient client; // null on a cluster
  private final RedisClusterClient clusterClient; // null unless on a cluster
  private final ScheduledExecutorService connector;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final PublishQueue publishQueue;
  private final PublishLagProbe lagProbe = new PublishLagProbe();

  private volatile Link link; // written on the connector thread only
  private volatile RedisHealth health = RedisHealth.DOWN;
  private int failedAttempts; // connector thread only
  private boolean outageLogged; // connector thread only

  private final LongAdder published = new LongAdder();
  private final LongAdder publishFailed = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder ownEchoes = new LongAdder();
  private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

  /** The connections of one connected period: subscribed ones and one publishing. */
  private sealed interface Link {
    StatefulConnection<byte[], byte[]> publisher();

    RedisScriptingAsyncCommands<byte[], byte[]> scripting();

    /** Whether losing {@code connection} means losing this period. */
    boolean owns(RedisChannelHandler<?, ?> connection);

    CompletableFuture<Void> close();
  }

  /** One server (directly or found through Sentinel): one subscribed connection, one publishing. */
  private record SingleLink(
      StatefulRedisPubSubConnection<byte[], byte[]> subscription,
      StatefulRedisConnection<byte[], byte[]> publisher)
      implements Link {

    @Override
    public RedisScriptingAsyncCommands<byte[], byte[]> scripting() {
      return publisher.async();
    }

    @Override
    public boolean owns(RedisChannelHandler<?, ?> connection) {
      return connection == subscription || connection == publisher;
    }

    @Override
    public CompletableFuture<Void> close() {
      return CompletableFuture.allOf(subscription.closeAsync(), publisher.closeAsync());
    }
  }

  /**
   * A cluster: the pub/sub connection whose per-master node connections hold the sharded
   * subscriptions, and the routing publisher (each {@code SPUBLISH} goes to the master of its
   * channel's slot).
   */
  private record ClusterLink(
      StatefulRedisClusterPubSubConnection<byte[], byte[]> subscription,
      StatefulRedisClusterConnection<byte[], byte[]> publisher,
      Set<RedisChannelHandler<?, ?>> subscribed)
      implements Link {

    @Override
    public RedisScriptingAsyncCommands<byte[], byte[]> scripting() {
      return publisher.async();
    }

    @Override
    public boolean owns(RedisChannelHandler<?, ?> connection) {
      return connection == subscription
          || connection == publisher
          || subscribed.contains(connection);
    }

    @Override
    public CompletableFuture<Void> close() {
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
    this.endpoint = RedisEndpoint.parse(config.uri());
    boolean cluster = endpoint instanceof RedisEndpoint.Cluster;
    this.publishCommand = cluster ? CommandType.SPUBLISH : CommandType.PUBLISH;
    if (cluster) {
      broadcastChannelNames = new String[CLUSTER_BROADCAST_CHANNELS];
      for (int i = 0; i < CLUSTER_BROADCAST_CHANNELS; i++) {
        broadcastChannelNames[i] = config.channelPrefix() + ":b:" + i;
      }
    } else {
      broadcastChannelNames = new String[] {config.channelPrefix() + ":b"};
    }
    this.broadcastChannels = new byte[broadcastChannelNames.length][];
    for (int i = 0; i < broadcastChannelNames.length; i++) {
      broadcastChannels[i] = broadcastChannelNames[i].getBytes(StandardCharsets.UTF_8);
    }
    this.ownChannelName = directChannelName(config.node());
    this.ownChannel = ownChannelName.getBytes(StandardCharsets.UTF_8);

    this.socketOptions =
        SocketOptions.builder()
            .connectTimeout(config.connectTimeout())
            .keepAlive(
                SocketOptions.KeepAliveOptions.builder()
                    .enable()
                    .idle(config.keepAliveIdle())
                    .interval(Duration.ofSeconds(1))
                    .count(3)
                    .build())
            .build();
    // Two I/O threads suffice for two connections (on a cluster: two per master, few bytes each);
    // Lettuce's default is one per core.
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).build();
    if (endpoint instanceof RedisEndpoint.Single single) {
      single.uri().setTimeout(config.commandTimeout());
      this.client = RedisClient.create(resources);
      client.setOptions(
          ClientOptions.builder()
              // We reconnect ourselves: one backoff, one log line per state change, and "up" only
              // once both connections exist and the subscription is confirmed.
              .autoReconnect(false)
              // Never queue messages while disconnected: at-most-once, no stale burst later.
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .socketOptions(socketOptions)
              .build());
      client.addListener(disconnectListener());
      this.clusterClient = null;
    } else {
      this.client = null;
      List<RedisURI> seeds = new ArrayList<>();
      for (RedisURI seed : ((RedisEndpoint.Cluster) endpoint).seeds()) {
        seeds.add(RedisURI.builder(seed).withTimeout(config.commandTimeout()).build());
      }
      this.clusterClient = RedisClusterClient.create(resources, seeds);
      clusterClient.setOptions(
          ClusterClientOptions.builder()
              .autoReconnect(false)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .socketOptions(socketOptions)
              // A dead master stays in the topology (flagged) after its replica took over: leave
              // it out, so no connection is attempted to it.
              .nodeFilter(
                  node ->
                      !node.is(RedisClusterNode.NodeFlag.FAIL)
                          && !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)
                          && !node.is(RedisClusterNode.NodeFlag.NOADDR)
                          && !node.is(RedisClusterNode.NodeFlag.HANDSHAKE))
              .build());
      clusterClient.addListener(disconnectListener());
    }
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
            publishCommand,
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

  /**
   * Hears the publish lag, in nanoseconds, of one of this node's broadcasts at a time: from being
   * queued for {@code PUBLISH} to its copy arriving back from Redis on this node's subscription
   * (the same hop every other node's copy makes). Called on Lettuce's I/O thread: must not block.
   * Without a listener nothing is timed.
   */
  public void addPublishLagListener(LongConsumer lagNanos) {
    lagProbe.addListener(Objects.requireNonNull(lagNanos, "lagNanos"));
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

  /**
   * Script commands on the current connection (on a cluster routed to the master of the key's
   * slot), or null while Redis is down (for {@link RedisLease}).
   */
  RedisScriptingAsyncCommands<byte[], byte[]> commands() {
    Link current = link;
    return current == null ? null : current.scripting();
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

  /**
   * The Redis channel every broadcast travels on with one Redis server; on a cluster the first of
   * the broadcast channels (see {@link #broadcastChannelName(String)}).
   */
  public String broadcastChannelName() {
    return broadcastChannelNames[0];
  }

  /** The Redis channel broadcasts on {@code topic} travel on. */
  public String broadcastChannelName(String topic) {
    return broadcastChannelNames[broadcastIndex(topic)];
  }

  /** Stable across processes: {@link String#hashCode} is specified. */
  private int broadcastIndex(String topic) {
    return broadcastChannels.length == 1
        ? 0
        : Math.floorMod(topic.hashCode(), broadcastChannels.length);
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
    publish(
        broadcastChannels[broadcastIndex(topic)],
        envelope(RedisEnvelope.Mode.BROADCAST, topic, message));
    local.deliver(new Delivery(topic, message, null));
  }

  @Override
  public void broadcastFrom(Subscriber from, String topic, Object message) {
    publish(
        broadcastChannels[broadcastIndex(topic)],
        envelope(RedisEnvelope.Mode.BROADCAST, topic, message));
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
    if (client != null) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (clusterClient != null) {
      clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
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
    byte[] bytes = envelope.encode();
    if (envelope.mode() == RedisEnvelope.Mode.BROADCAST) {
      lagProbe.published(bytes); // before the offer: the echo may beat this thread back
    }
    publishQueue.offer(channel, bytes);
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
        lagProbe.echoed(bytes);
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

  /** A channel nobody publishes on whose slot {@code master} serves. */
  private byte[] watchChannel(RedisClusterNode master) {
    for (int i = 0; ; i++) {
      byte[] channel = (config.channelPrefix() + ":w:" + i).getBytes(StandardCharsets.UTF_8);
      if (master.hasSlot(SlotHash.getSlot(channel))) {
        return channel;
      }
    }
  }

  private RedisConnectionStateListener disconnectListener() {
    return new RedisConnectionStateListener() {
      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        runOnConnector(() -> connectionLost(connection));
      }
    };
  }

  private void connect() {
    if (closed.get()) {
      return;
    }
    Link next;
    try {
      next =
          switch (endpoint) {
            case RedisEndpoint.Single single -> connectSingle(single.uri());
            case RedisEndpoint.Cluster cluster -> connectCluster();
          };
    } catch (RuntimeException e) {
      retryLater(e);
      return;
    }
    link = next;
    failedAttempts = 0;
    outageLogged = false;
    log.info(
        "redis up: node {} connected to {} (channels {}, {})",
        config.node(),
        endpoint.describe(),
        broadcastChannels.length == 1
            ? broadcastChannelNames[0]
            : config.channelPrefix() + ":b:0.." + (broadcastChannels.length - 1) + " sharded",
        ownChannelName);
    setHealth(RedisHealth.UP);
  }

  private Link connectSingle(RedisURI redisUri) {
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
      subscription.sync().subscribe(broadcastChannels[0], ownChannel);
      if (!subscription.isOpen() || !publisher.isOpen()) {
        throw new IllegalStateException("connection closed while subscribing");
      }
      return new SingleLink(subscription, publisher);
    } catch (RuntimeException e) {
      if (subscription != null) {
        subscription.closeAsync();
      }
      if (publisher != null) {
        publisher.closeAsync();
      }
      throw e;
    }
  }

  /**
   * Reads the topology, then {@code SSUBSCRIBE}s every channel on the master of its slot (a
   * connection per master) and waits for each confirmation. A master that is down, or a slot
   * without a master (failover under way), fails the attempt: the next one reads the topology
   * again.
   */
  private Link connectCluster() {
    // Read the topology afresh: after a failover the slots have new masters.
    clusterClient.getPartitions();
    clusterClient.refreshPartitions();
    StatefulRedisClusterPubSubConnection<byte[], byte[]> subscription = null;
    StatefulRedisClusterConnection<byte[], byte[]> publisher = null;
    try {
      subscription = clusterClient.connectPubSub(ByteArrayCodec.INSTANCE);
      publisher = clusterClient.connect(ByteArrayCodec.INSTANCE);
      Map<String, List<byte[]>> channelsByMaster = new LinkedHashMap<>();
      List<byte[]> channels = new ArrayList<>(Arrays.asList(broadcastChannels));
      channels.add(ownChannel);
      for (byte[] channel : channels) {
        RedisClusterNode master =
            subscription.getPartitions().getPartitionBySlot(SlotHash.getSlot(channel));
        if (master == null) {
          throw new IllegalStateException(
              "no master serves slot "
                  + SlotHash.getSlot(channel)
                  + " of "
                  + new String(channel, StandardCharsets.UTF_8));
        }
        channelsByMaster.computeIfAbsent(master.getNodeId(), id -> new ArrayList<>()).add(channel);
      }
      // A master that serves none of those (more shards than channels) still gets a silent
      // subscription: its death must drop this period too, or SPUBLISHes routed to it would fail
      // until some other master failed (the slot map is read at connect only).
      for (RedisClusterNode master : subscription.getPartitions()) {
        if (!master.getSlots().isEmpty() && !channelsByMaster.containsKey(master.getNodeId())) {
          channelsByMaster.put(master.getNodeId(), List.of(watchChannel(master)));
        }
      }
      Set<RedisChannelHandler<?, ?>> subscribed = ConcurrentHashMap.newKeySet();
      for (Map.Entry<String, List<byte[]>> entry : channelsByMaster.entrySet()) {
        StatefulRedisPubSubConnection<byte[], byte[]> node =
            subscription.getConnection(entry.getKey());
        if (node instanceof RedisChannelHandler<?, ?> handler) {
          subscribed.add(handler);
        }
        node.addListener(
            new RedisPubSubAdapter<>() {
              @Override
              public void smessage(byte[] channel, byte[] message) {
                onMessage(channel, message);
              }

              @Override
              public void sunsubscribed(byte[] channel, long count) {
                // Redis ends a shard channel's subscription when its slot moves to another master
                // (resharding, or this master was demoted): start over with the new topology.
                if (node instanceof RedisChannelHandler<?, ?> handler) {
                  runOnConnector(() -> connectionLost(handler));
                }
              }
            });
        for (byte[] channel : entry.getValue()) {
          node.sync().ssubscribe(channel); // one per command: SSUBSCRIBE's channels share a slot
        }
        if (!node.isOpen()) {
          throw new IllegalStateException("connection closed while subscribing");
        }
      }
      if (!subscription.isOpen() || !publisher.isOpen()) {
        throw new IllegalStateException("connection closed while subscribing");
      }
      return new ClusterLink(subscription, publisher, subscribed);
    } catch (RuntimeException e) {
      if (subscription != null) {
        subscription.closeAsync();
      }
      if (publisher != null) {
        publisher.closeAsync();
      }
      throw e;
    }
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
        endpoint.describe(),
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
          endpoint.describe(),
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
