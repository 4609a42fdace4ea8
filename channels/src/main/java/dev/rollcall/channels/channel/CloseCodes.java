package dev.rollcall.channels.channel;

/**
 * The WebSocket close codes Rollcall sends (RFC 6455 §7.4.1). Never 1000 when the client should
 * come back: phoenix.js does not reconnect after a clean 1000 close.
 */
public final class CloseCodes {
  /** Shutdown, disconnect by socket id, idle timeout: phoenix.js reconnects. */
  public static final int GOING_AWAY = 1001;

  /** A frame that breaks RFC 6455 itself (reserved bits no extension negotiated). */
  public static final int PROTOCOL_ERROR = 1002;

  /** A frame that is not a message of the negotiated protocol. */
  public static final int INVALID_PAYLOAD = 1007;

  /** A client that stays over its message rate. */
  public static final int POLICY_VIOLATION = 1008;

  /** A frame larger than {@code maxFrameBytes}. */
  public static final int MESSAGE_TOO_BIG = 1009;

  /** A client that does not read what it is sent fast enough. */
  public static final int TRY_AGAIN_LATER = 1013;

  private CloseCodes() {}
}
