package dev.rollcall.channels.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The two JSON protocol versions as a test writes frames: {@link #in} what a client sends, {@link
 * #out} what the server must send (V1 never writes join_ref).
 */
public enum Vsn {
  V1("1.0.0"),
  V2("2.0.0");

  private static final ObjectMapper json = new ObjectMapper();

  public final String vsn;

  Vsn(String vsn) {
    this.vsn = vsn;
  }

  /** A client frame; {@code payload} is JSON text. */
  public String in(String joinRef, String ref, String topic, String event, String payload) {
    try {
      if (this == V2) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        a.add(joinRef).add(ref).add(topic).add(event).add(json.readTree(payload));
        return a.toString();
      }
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      if (joinRef != null) {
        o.put("join_ref", joinRef);
      }
      o.put("ref", ref)
          .put("topic", topic)
          .put("event", event)
          .set("payload", json.readTree(payload));
      return o.toString();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server frame as this version writes it. */
  public String out(String joinRef, String ref, String topic, String event, String payload) {
    if (this == V2) {
      return in(joinRef, ref, topic, event, payload);
    }
    return in(null, ref, topic, event, payload);
  }

  /** A {@code phx_reply} frame. */
  public String reply(String joinRef, String ref, String topic, String status, String response) {
    return out(
        joinRef,
        ref,
        topic,
        "phx_reply",
        "{\"status\":\"" + status + "\",\"response\":" + response + "}");
  }

  public String join(String joinRef, String topic, String params) {
    return in(joinRef, joinRef, topic, "phx_join", params);
  }

  public String okJoin(String joinRef, String topic) {
    return reply(joinRef, joinRef, topic, "ok", "{}");
  }

  public String heartbeat(String ref) {
    return in(null, ref, "phoenix", "heartbeat", "{}");
  }

  public String heartbeatReply(String ref) {
    return reply(null, ref, "phoenix", "ok", "{}");
  }
}
