package dev.rollcall.dispatch.admin;

import dev.rollcall.presence.PresenceNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The cluster as one node sees it: the figures each node last published, joined with the presence
 * tracker's view of which nodes are up and when each was last heard. A node the tracker lists is up
 * or down as the tracker says (the same view that decides when its heroes leave); one the tracker
 * no longer lists but that published figures lately is shown down, until {@code forgetAfter}.
 * Totals add up the nodes that are up and whose figures are fresh.
 *
 * <p>Thread-safe: figures arrive on PubSub's thread, snapshots are taken on the dashboard's; both
 * hold this object's lock for a map's worth of work.
 */
public final class ClusterView {
  private final DashboardConfig config;
  private final Map<String, Heard> latest = new HashMap<>();

  /** Figures and when this node received them (its own clock, epoch milliseconds). */
  private record Heard(NodeStats stats, long receivedAt) {}

  public ClusterView(DashboardConfig config) {
    this.config = config;
  }

  /** Notes {@code stats}, received at {@code now}; older figures than the ones held are ignored. */
  public synchronized void accept(NodeStats stats, long now) {
    Heard held = latest.get(stats.node());
    if (held == null || held.stats().at() <= stats.at()) {
      latest.put(stats.node(), new Heard(stats, now));
    }
  }

  /** One node's row: the tracker's verdict and its latest figures (null if none yet). */
  public record Row(
      String name, boolean local, boolean up, long heartbeatAgeMillis, NodeStats stats) {

    Map<String, Object> toWire() {
      Map<String, Object> wire = new LinkedHashMap<>();
      wire.put("name", name);
      wire.put("local", local);
      wire.put("up", up);
      wire.put("heartbeat_age_ms", heartbeatAgeMillis);
      wire.put("stats", stats == null ? null : stats.toWire());
      return wire;
    }
  }

  /** Sums over the nodes that are up and have fresh figures. */
  public record Totals(
      int nodesUp,
      long connections,
      long channels,
      double messagesInPerSecond,
      double messagesOutPerSecond) {

    Map<String, Object> toWire() {
      Map<String, Object> wire = new LinkedHashMap<>();
      wire.put("nodes_up", nodesUp);
      wire.put("connections", connections);
      wire.put("channels", channels);
      wire.put("messages_in_per_s", messagesInPerSecond);
      wire.put("messages_out_per_s", messagesOutPerSecond);
      return wire;
    }
  }

  /** The rows (this node first, then by name) and their totals. */
  public record Snapshot(List<Row> rows, Totals totals) {}

  /**
   * The view at {@code now}, given the tracker's {@link PresenceNode}s; forgets figures of nodes
   * that have been silent and unlisted for {@code forgetAfter}.
   */
  public synchronized Snapshot snapshot(List<PresenceNode> tracked, long now) {
    long stale = config.staleAfter().toMillis();
    long forget = config.forgetAfter().toMillis();
    Set<String> listed = tracked.stream().map(PresenceNode::name).collect(Collectors.toSet());
    latest
        .entrySet()
        .removeIf(e -> !listed.contains(e.getKey()) && now - e.getValue().receivedAt() > forget);

    List<Row> rows = new ArrayList<>();
    for (PresenceNode node : tracked) {
      Heard heard = latest.get(node.name());
      rows.add(
          new Row(
              node.name(),
              node.local(),
              node.up(),
              node.sinceHeard().toMillis(),
              heard == null ? null : heard.stats()));
    }
    // Nodes the tracker has dropped (shut down, or silent past its permdown period) stay visible
    // as down while their last figures are recent: an operator sees that a node went away.
    new TreeMap<>(latest)
        .forEach(
            (name, heard) -> {
              if (!listed.contains(name)) {
                rows.add(new Row(name, false, false, now - heard.receivedAt(), heard.stats()));
              }
            });

    int up = 0;
    long connections = 0;
    long channels = 0;
    double in = 0;
    double out = 0;
    for (Row row : rows) {
      if (!row.up()) {
        continue;
      }
      up++;
      Heard heard = latest.get(row.name());
      if (heard != null && now - heard.receivedAt() <= stale) {
        connections += heard.stats().connections();
        channels += heard.stats().channels();
        in += heard.stats().messagesInPerSecond();
        out += heard.stats().messagesOutPerSecond();
      }
    }
    return new Snapshot(List.copyOf(rows), new Totals(up, connections, channels, in, out));
  }
}
