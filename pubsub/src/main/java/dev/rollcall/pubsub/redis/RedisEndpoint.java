package dev.rollcall.pubsub.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where Redis is, parsed from {@link RedisConfig#uri()}: one server (found directly or through
 * Sentinel, which Lettuce resolves at every connect) or a Redis Cluster given by seed nodes.
 * Immutable.
 */
sealed interface RedisEndpoint {

  String CLUSTER_SCHEME = "redis-cluster://";
  String SENTINEL_SCHEME = "redis-sentinel://";

  /** What the logs name it by, e.g. {@code cluster 127.0.0.1:7000,127.0.0.1:7001}. */
  String describe();

  /**
   * A single master: {@code redis://} / {@code rediss://}, or Sentinel ({@code
   * redis-sentinel://host:port[,host:port...]/mastername}, or Lettuce's own {@code
   * .../db#mastername}), which is looked up again at every (re)connect so a failover is followed.
   */
  record Single(RedisURI uri) implements RedisEndpoint {
    @Override
    public String describe() {
      if (uri.getSentinelMasterId() != null) {
        return "sentinel master " + uri.getSentinelMasterId() + " via " + hosts(uri.getSentinels());
      }
      return uri.getHost() + ":" + uri.getPort();
    }
  }

  /** {@code redis-cluster://[user:password@]host:port[,host:port...]}: seed nodes of a cluster. */
  record Cluster(List<RedisURI> seeds) implements RedisEndpoint {
    public Cluster {
      seeds = List.copyOf(seeds);
    }

    @Override
    public String describe() {
      return "cluster " + hosts(seeds);
    }
  }

  /** Parses a {@code --redis} URL; a clear {@link IllegalArgumentException} for anything else. */
  static RedisEndpoint parse(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith(CLUSTER_SCHEME)) {
      return parseCluster(text.substring(CLUSTER_SCHEME.length()));
    }
    if (lower.startsWith(SENTINEL_SCHEME)) {
      return parseSentinel(text);
    }
    RedisURI uri = RedisURI.create(text);
    return new Single(uri);
  }

  private static Cluster parseCluster(String rest) {
    String userInfo = "";
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      userInfo = rest.substring(0, at + 1);
      rest = rest.substring(at + 1);
    }
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    if (rest.contains("/") || rest.contains("?") || rest.contains("#")) {
      throw new IllegalArgumentException(
          "a cluster URL is redis-cluster://[user:password@]host:port[,host:port...] (no database"
              + " or options: a cluster has only database 0)");
    }
    List<RedisURI> seeds = new ArrayList<>();
    for (String hostPort : rest.split(",")) {
      if (hostPort.isBlank()) {
        throw new IllegalArgumentException("empty host in cluster URL");
      }
      seeds.add(RedisURI.create("redis://" + userInfo + hostPort.strip()));
    }
    return new Cluster(seeds);
  }

  private static Single parseSentinel(String text) {
    String lettuceForm = text;
    if (!text.contains("#")) {
      // Our documented form ends in /mastername; Lettuce's ends in [/db]#mastername.
      int slash = text.indexOf('/', SENTINEL_SCHEME.length());
      String name = slash < 0 ? "" : text.substring(slash + 1);
      if (name.isEmpty() || name.contains("/") || name.contains("?")) {
        throw new IllegalArgumentException(
            "a Sentinel URL is redis-sentinel://[password@]host:port[,host:port...]/mastername");
      }
      lettuceForm = text.substring(0, slash) + "#" + name;
    }
    RedisURI uri = RedisURI.create(lettuceForm);
    if (uri.getSentinelMasterId() == null || uri.getSentinelMasterId().isBlank()) {
      throw new IllegalArgumentException("a Sentinel URL needs the master's name: " + text);
    }
    return new Single(uri);
  }

  private static String hosts(List<RedisURI> uris) {
    return String.join(",", uris.stream().map(u -> u.getHost() + ":" + u.getPort()).toList());
  }
}
