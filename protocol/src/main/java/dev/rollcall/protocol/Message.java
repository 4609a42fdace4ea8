package dev.rollcall.protocol;

/**
 * One frame of the Phoenix Channels protocol: V2 {@code [join_ref, ref, topic, event, payload]}.
 *
 * <p>Refs are opaque strings (phoenix.js always sends strings); join_ref and ref may be null. The
 * payload is a JSON value (Map, List, String, Number, Boolean, null), {@code byte[]} for a binary
 * frame, or a {@link ReplyPayload} for {@code phx_reply}.
 */
public record Message(String joinRef, String ref, String topic, String event, Object payload) {

  public static final String JOIN = "phx_join";
  public static final String LEAVE = "phx_leave";
  public static final String REPLY = "phx_reply";
  public static final String ERROR = "phx_error";
  public static final String CLOSE = "phx_close";
  public static final String HEARTBEAT = "heartbeat";
  public static final String PHOENIX_TOPIC = "phoenix";
}
