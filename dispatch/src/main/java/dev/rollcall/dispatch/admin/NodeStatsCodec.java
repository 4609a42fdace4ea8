package dev.rollcall.dispatch.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.pubsub.MessageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Carries {@link NodeStats} between nodes, as the JSON object of {@link NodeStats#toWire()}.
 * Registered by {@link AdminDashboard#register} as soon as the node's PubSub exists, so a node that
 * is still starting does not drop (as an unknown kind) the figures its running peers publish every
 * second. Stateless and thread-safe.
 */
public final class NodeStatsCodec implements MessageCodec {
  private static final ObjectMapper json = new ObjectMapper();

  @Override
  public String kind() {
    return "nstats";
  }

  @Override
  public boolean handles(Object message) {
    return message instanceof NodeStats;
  }

  @Override
  public byte[] encode(Object message) {
    try {
      return json.writeValueAsBytes(((NodeStats) message).toWire());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@inheritDoc} Figures that are not a well-formed {@link NodeStats} are refused. */
  @Override
  public Object decode(byte[] bytes) {
    Object wire;
    try {
      wire = json.readValue(bytes, Object.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("node stats are not JSON: " + e.getMessage(), e);
    }
    return NodeStats.fromWire(wire)
        .orElseThrow(() -> new IllegalArgumentException("malformed node stats: " + wire));
  }
}
