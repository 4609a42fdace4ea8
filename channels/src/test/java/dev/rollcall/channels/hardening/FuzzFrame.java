package dev.rollcall.channels.hardening;

import java.io.IOException;

/**
 * One frame a fuzzing client sends.
 *
 * @param what a short description, for the report of a failing socket
 * @param firstByte FIN, RSV bits and opcode as sent
 * @param masked whether the frame is masked (clients must mask, RFC 6455 §5.3)
 * @param claimedLength the length the header claims, which may not be the payload's
 * @param payload the bytes that follow the header
 * @param breaksFraming after this frame the stream is no longer a sequence of valid frames (or the
 *     client closed), so nothing sent after it means anything
 * @param incomplete the server is left waiting for bytes that never come: no answer is expected
 */
record FuzzFrame(
    String what,
    int firstByte,
    boolean masked,
    long claimedLength,
    byte[] payload,
    boolean breaksFraming,
    boolean incomplete) {

  /** A well-framed data frame whose content is the fuzz. */
  static FuzzFrame data(String what, int opcode, byte[] payload) {
    return new FuzzFrame(what, 0x80 | opcode, true, payload.length, payload, false, false);
  }

  /** A frame that is itself broken. */
  static FuzzFrame wire(
      String what, int firstByte, boolean masked, long claimedLength, byte[] payload) {
    boolean incomplete = claimedLength > payload.length || (firstByte & 0x80) == 0;
    return new FuzzFrame(what, firstByte, masked, claimedLength, payload, true, incomplete);
  }

  boolean isClientClose() {
    return (firstByte & 0x0F) == RawWebSocket.CLOSE;
  }

  void sendTo(RawWebSocket ws) throws IOException {
    if (what.startsWith("raw bytes")) {
      ws.sendRaw(payload);
    } else {
      ws.send(firstByte, masked, claimedLength, payload);
    }
  }

  @Override
  public String toString() {
    return what + " (" + payload.length + " bytes)";
  }
}
