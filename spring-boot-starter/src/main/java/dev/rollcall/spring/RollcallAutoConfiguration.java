package dev.rollcall.spring;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.Socket;
import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.pubsub.LocalPubSub;
import dev.rollcall.pubsub.PubSub;
import dev.rollcall.pubsub.redis.RedisConfig;
import dev.rollcall.pubsub.redis.RedisHealth;
import dev.rollcall.pubsub.redis.RedisPubSub;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A Rollcall endpoint on its own port, serving every {@link ChannelRoute} bean, with {@link PubSub}
 * (in memory, or Redis when {@code rollcall.redis.url} is set) and {@link Presence} as beans an
 * application can inject and replace. Meters go to Micrometer and health to Actuator when the
 * application has them.
 */
@AutoConfiguration
@EnableConfigurationProperties(RollcallProperties.class)
public class RollcallAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  PubSub rollcallPubSub(RollcallProperties properties) {
    String node = properties.node() != null ? properties.node() : RedisConfig.defaultNodeName();
    if (properties.redis().url() == null) {
      return new LocalPubSub(node);
    }
    return new RedisPubSub(RedisConfig.defaults().withUri(properties.redis().url()).withNode(node));
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Presence rollcallPresence(PubSub pubSub) {
    return Presence.start(pubSub, PresenceConfig.defaults());
  }

  @Bean
  @ConditionalOnMissingBean
  Socket rollcallSocket(
      ObjectProvider<ChannelRoute> routes, ObjectProvider<SocketConnect> connect) {
    Socket.Builder socket = Socket.builder();
    routes.orderedStream().forEach(route -> socket.channel(route.pattern(), route.channel()));
    connect.ifAvailable(c -> socket.connect(c::connect));
    return socket.build();
  }

  @Bean
  RollcallServer rollcallServer(RollcallProperties properties, PubSub pubSub, Socket socket) {
    return new RollcallServer(
        properties.endpointConfig(), pubSub, socket, properties.staticResources());
  }

  /** The endpoint's figures as meters, under {@code rollcall.*}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterBinder.class)
  static class Meters {
    @Bean
    MeterBinder rollcallMeters(RollcallServer server) {
      return registry -> {
        gauge(
            registry,
            "rollcall.connections",
            "open WebSocket connections",
            server,
            Endpoint.Stats::connections);
        gauge(registry, "rollcall.channels", "joined channels", server, Endpoint.Stats::channels);
        gauge(
            registry,
            "rollcall.mail.queued",
            "messages waiting in channel mailboxes",
            server,
            Endpoint.Stats::queuedMail);
        gauge(
            registry,
            "rollcall.sockets.paused",
            "sockets not read while their channels catch up",
            server,
            Endpoint.Stats::pausedSockets);
        FunctionCounter.builder("rollcall.messages.in", server, stat(Endpoint.Stats::messagesIn))
            .description("frames received from clients")
            .register(registry);
        FunctionCounter.builder("rollcall.messages.out", server, stat(Endpoint.Stats::messagesOut))
            .description("frames sent to clients")
            .register(registry);
      };
    }

    private static void gauge(
        io.micrometer.core.instrument.MeterRegistry registry,
        String name,
        String description,
        RollcallServer server,
        ToDoubleFunction<Endpoint.Stats> figure) {
      Gauge.builder(name, server, stat(figure)).description(description).register(registry);
    }

    /** A figure of the running endpoint; NaN while it is stopped (a gauge's "no value"). */
    private static ToDoubleFunction<RollcallServer> stat(ToDoubleFunction<Endpoint.Stats> figure) {
      return server -> {
        Endpoint endpoint = server.endpoint();
        return endpoint == null ? Double.NaN : figure.applyAsDouble(endpoint.stats());
      };
    }
  }

  /** {@code rollcall} in Actuator's health: down while stopped, or while Redis is unreachable. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class HealthContributor {
    @Bean
    HealthIndicator rollcallHealthIndicator(RollcallServer server, PubSub pubSub) {
      return () -> {
        Endpoint endpoint = server.endpoint();
        if (endpoint == null) {
          return Health.down().withDetail("endpoint", "stopped").build();
        }
        Health.Builder health =
            pubSub instanceof RedisPubSub redis && redis.health() != RedisHealth.UP
                ? Health.down().withDetail("redis", redis.health().label())
                : Health.up();
        Endpoint.Stats stats = endpoint.stats();
        return health
            .withDetail("port", endpoint.port())
            .withDetail("connections", stats.connections())
            .withDetail("channels", stats.channels())
            .build();
      };
    }
  }
}
