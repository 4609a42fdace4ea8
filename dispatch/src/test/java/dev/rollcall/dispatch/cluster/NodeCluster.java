package dev.rollcall.dispatch.cluster;

import dev.rollcall.pubsub.redis.testing.RedisServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One real Redis and launcher nodes on it, for a Node suite to drive: {@link #urls()} is what the
 * scripts read as {@code DISPATCH_URLS}. Closing stops every node, prints each node's log (the
 * first thing to read when a script fails), then stops Redis. Used from the test's own thread.
 */
final class NodeCluster implements AutoCloseable {
  private final RedisServerProcess redis;
  private final List<ClusterNode> nodes = new ArrayList<>();

  private NodeCluster(RedisServerProcess redis) {
    this.redis = redis;
  }

  /**
   * Redis, then {@code count} nodes named {@code prefix-1..count} with the service's notifications
   * an hour apart and {@code extra} launcher options.
   */
  static NodeCluster start(String prefix, int count, String... extra) {
    NodeCluster cluster = new NodeCluster(RedisServerProcess.start());
    try {
      for (int i = 1; i <= count; i++) {
        cluster.nodes.add(ClusterNode.start(prefix + "-" + i, cluster.redis.uri(), "1h", extra));
      }
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  RedisServerProcess redis() {
    return redis;
  }

  List<ClusterNode> nodes() {
    return List.copyOf(nodes);
  }

  /** {@code http://127.0.0.1:<port>} of every node, comma-separated, in start order. */
  String urls() {
    return nodes.stream()
        .map(node -> "http://127.0.0.1:" + node.port())
        .collect(Collectors.joining(","));
  }

  @Override
  public void close() {
    for (ClusterNode node : nodes) {
      node.close();
      System.out.println("---- " + node + " ----\n" + node.log());
    }
    redis.close();
  }
}
