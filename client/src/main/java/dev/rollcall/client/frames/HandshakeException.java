package dev.rollcall.client.frames;

import java.io.IOException;

/** The server answered the WebSocket upgrade with something other than 101 (e.g. 403). */
public final class HandshakeException extends IOException {
  private final int status;

  public HandshakeException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status of the refusal, or 0 when it was not an HTTP answer (timeout, bad 101). */
  public int status() {
    return status;
  }
}
