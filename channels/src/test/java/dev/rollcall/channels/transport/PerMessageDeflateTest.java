package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.testing.RunningEndpoint;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate as a client that offers it sees it: the handshake answer, compressed frames
 * both ways (inflated here with a plain zlib inflater, as a browser does), uncompressed ones for
 * short messages, and nothing of it when the endpoint has compression off or the client does not
 * offer it.
 */
class PerMessageDeflateTest {
  private RunningEndpoint server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A minimal client: upgrade with chosen headers, masked frames out, raw frames in. */
  private static final class Client implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    final Map<String, String> headers = new LinkedHashMap<>();

    Client(int port, String extensions) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = new DataInputStream(socket.getInputStream());
      out = new BufferedOutputStream(socket.getOutputStream());
      out.write(
          ("GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                  + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  + "Sec-WebSocket-Version: 13\r\n"
                  + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n")
                  + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(line()).startsWith("HTTP/1.1 101");
      for (String line = line(); !line.isEmpty(); line = line()) {
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    }

    private String line() throws IOException {
      var line = new ByteArrayOutputStream();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.US_ASCII);
    }

    void send(String text, boolean compress) throws IOException {
      byte[] payload = text.getBytes(StandardCharsets.UTF_8);
      if (compress) {
        payload = deflate(payload);
      }
      out.write(0x80 | (compress ? 0x40 : 0) | 0x1);
      if (payload.length < 126) {
        out.write(0x80 | payload.length);
      } else {
        out.write(0x80 | 126);
        out.write(payload.length >>> 8);
        out.write(payload.length & 0xFF);
      }
      out.write(new byte[4]); // a zero mask keeps the payload as it is
      out.write(payload);
      out.flush();
    }

    record Frame(boolean compressed, String text) {}

    Frame read() throws IOException {
      int first = in.readUnsignedByte();
      int second = in.readUnsignedByte();
      int length = second & 0x7F;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = Math.toIntExact(in.readLong());
      }
      byte[] payload = new byte[length];
      in.readFully(payload);
      boolean compressed = (first & 0x40) != 0;
      return new Frame(
          compressed, new String(compressed ? inflate(payload) : payload, StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static byte[] deflate(byte[] payload) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(payload);
    byte[] out = new byte[payload.length + 64];
    int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
    deflater.end();
    return java.util.Arrays.copyOf(out, n - 4);
  }

  private static byte[] inflate(byte[] payload) {
    try {
      Inflater inflater = new Inflater(true);
      byte[] input = java.util.Arrays.copyOf(payload, payload.length + 4);
      input[payload.length + 2] = (byte) 0xff;
      input[payload.length + 3] = (byte) 0xff;
      inflater.setInput(input);
      var out = new ByteArrayOutputStream();
      byte[] chunk = new byte[4096];
      while (!inflater.needsInput()) {
        out.write(chunk, 0, inflater.inflate(chunk));
      }
      inflater.end();
      return out.toByteArray();
    } catch (java.util.zip.DataFormatException e) {
      throw new AssertionError("the server sent a frame that is not deflate data", e);
    }
  }

  @Test
  void aClientOfferingItGetsItAndEveryFrameReadsBack() throws Exception {
    server = new RunningEndpoint(config -> config.withCompress(true));
    try (var client = new Client(server.port(), "permessage-deflate; client_max_window_bits")) {
      assertThat(client.headers.get("sec-websocket-extensions"))
          .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
      client.send("[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}]", true);
      Client.Frame joined = client.read();
      assertThat(joined.compressed()).as("a short reply goes uncompressed").isFalse();
      assertThat(joined.text()).contains("\"status\":\"ok\"");
      String big = "x".repeat(2000);
      client.send("[\"1\",\"2\",\"room:lobby\",\"echo\",{\"body\":\"" + big + "\"}]", true);
      Client.Frame echoed = client.read();
      assertThat(echoed.compressed()).isTrue();
      assertThat(echoed.text())
          .isEqualTo(
              "[\"1\",\"2\",\"room:lobby\",\"phx_reply\",{\"response\":{\"body\":\""
                  + big
                  + "\"},\"status\":\"ok\"}]");
      // A broadcast: compressed once for all subscribers (the fastlane), still readable.
      client.send("[\"1\",\"3\",\"room:lobby\",\"shout\",{\"body\":\"" + big + "\"}]", false);
      Client.Frame shout = client.read();
      Client.Frame reply = client.read();
      if (shout.text().contains("phx_reply")) {
        Client.Frame swap = shout;
        shout = reply;
        reply = swap;
      }
      assertThat(shout.compressed()).isTrue();
      assertThat(shout.text())
          .isEqualTo("[null,null,\"room:lobby\",\"shout\",{\"body\":\"" + big + "\"}]");
      assertThat(reply.text()).contains("\"status\":\"ok\"");
    }
  }

  @Test
  void offAtTheEndpointOrNotOfferedMeansPlainFrames() throws Exception {
    server = new RunningEndpoint(config -> config);
    try (var client = new Client(server.port(), "permessage-deflate")) {
      assertThat(client.headers).doesNotContainKey("sec-websocket-extensions");
      String big = "y".repeat(500);
      client.send("[\"1\",\"1\",\"room:lobby\",\"echo\",{\"b\":\"" + big + "\"}]", false);
      assertThat(client.read().compressed()).isFalse();
    }
    server.close();
    server = new RunningEndpoint(config -> config.withCompress(true));
    try (var client = new Client(server.port(), null)) {
      assertThat(client.headers).doesNotContainKey("sec-websocket-extensions");
    }
    // An offer the server cannot honour (a smaller server window) is declined, not half-honoured.
    try (var client = new Client(server.port(), "permessage-deflate; server_max_window_bits=10")) {
      assertThat(client.headers).doesNotContainKey("sec-websocket-extensions");
    }
  }

  @Property(tries = 200)
  void compressThenDecompressIsTheIdentity(@ForAll @StringLength(max = 5000) String text)
      throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] compressed = PerMessageDeflate.compress(bytes);
    byte[] back =
        compressed == null ? bytes : PerMessageDeflate.decompress(compressed, bytes.length);
    assertThat(back).isEqualTo(bytes);
    if (compressed != null) {
      assertThat(inflate(compressed)).as("a standard inflater reads it too").isEqualTo(bytes);
    }
  }

  @Test
  void aSmallFrameThatInflatesPastTheLimitIsRefused() {
    byte[] bomb = deflate(new byte[1 << 20]);
    assertThat(bomb.length).isLessThan(2048);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PerMessageDeflate.decompress(bomb, 1 << 16))
        .isInstanceOf(PerMessageDeflate.TooBig.class);
  }
}
