package dev.rollcall.pubsub.redis;

/** Why a message that arrived from Redis was dropped instead of delivered (a metrics label). */
public enum DropReason {
  /** The bytes are not an envelope: truncated, garbage, or the wrong mode for its channel. */
  UNPARSEABLE,
  /** An envelope of a format version this node does not speak (a newer or older release). */
  UNKNOWN_VERSION,
  /**
   * Claims to come from this node's name, but this process did not send it: another process runs
   * with the same {@code --node}, or a direct message to ourselves went through Redis.
   */
  FROM_SELF,
  /** No registered {@link dev.rollcall.pubsub.MessageCodec} has the envelope's codec kind. */
  UNKNOWN_CODEC,
  /** The codec of that kind refused the bytes. */
  UNDECODABLE;

  /** The label used in metrics, e.g. {@code unknown_version}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
