package dev.rollcall.channels.hardening;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain TCP socket that writes any bytes at all: frames with any opcode,
 * RSV bits, mask or length, and payloads that are not UTF-8. Reads server frames (unmasked, RFC
 * 6455 §5.2). Confined to one thread.
 *
 * <p>Not the {@code rollcall-client} Socket: these tests need invalid bytes and blocking writes
 * that stall on TCP backpressure, where a client queues its writes.
 */
final class RawWebSocket implements AutoCloseable {
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;

  /** One frame from the server; {@code closeCode} is set for close frames (1005 when empty). */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
  }

  /** Upgrades {@code /socket/websocket?vsn=...}; fails unless the answer is 101. */
  static RawWebSocket connect(int port, String vsn) {
    try {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      RawWebSocket ws = new RawWebSocket(socket);
      ws.out.write(
          ("GET /socket/websocket?vsn="
                  + vsn
                  + " HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  + "Sec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      ws.out.flush();
      String status = ws.line();
      if (!status.startsWith("HTTP/1.1 101")) {
        socket.close();
        throw new IllegalStateException("upgrade refused: " + status);
      }
      while (!ws.line().isEmpty()) {
        // headers
      }
      return ws;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed during the handshake");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  /** A well-formed, masked, final frame. */
  void send(int opcode, byte[] payload) throws IOException {
    send(0x80 | opcode, true, payload.length, payload);
  }

  void sendText(String text) throws IOException {
    send(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A frame exactly as given: first byte (FIN, RSV, opcode), mask or not, the length the header
   * claims (which may differ from the payload that follows).
   */
  void send(int firstByte, boolean masked, long claimedLength, byte[] payload) throws IOException {
    out.write(firstByte);
    int maskBit = masked ? 0x80 : 0;
    if (claimedLength < 126) {
      out.write(maskBit | (int) claimedLength);
    } else if (claimedLength <= 0xFFFF) {
      out.write(maskBit | 126);
      out.write((int) (claimedLength >>> 8) & 0xFF);
      out.write((int) claimedLength & 0xFF);
    } else {
      out.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (claimedLength >>> shift) & 0xFF);
      }
    }
    byte[] body = payload.clone();
    if (masked) {
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      out.write(mask);
      for (int i = 0; i < body.length; i++) {
        body[i] ^= mask[i & 3];
      }
    }
    out.write(body);
  }

  /** Bytes with no framing at all. */
  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  void flush() throws IOException {
    out.flush();
  }

  /** The next server frame within {@code timeoutMillis}, or null on timeout or end of stream. */
  Frame read(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      int first = in.readUnsignedByte();
      int second = in.readUnsignedByte();
      long length = second & 0x7F;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      if ((second & 0x80) != 0) {
        throw new IOException("the server masked a frame");
      }
      byte[] payload = new byte[Math.toIntExact(length)];
      in.readFully(payload);
      return new Frame(first & 0x0F, payload);
    } catch (SocketTimeoutException | EOFException e) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
