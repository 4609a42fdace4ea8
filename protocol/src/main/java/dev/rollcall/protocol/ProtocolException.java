package dev.rollcall.protocol;

/**
 * A frame that is not a message of this protocol. Its message is exact and short: the transport
 * logs it in one line and closes the socket with 1007.
 */
public final class ProtocolException extends Exception {
  public ProtocolException(String message) {
    super(message, null, false, false);
  }
}
