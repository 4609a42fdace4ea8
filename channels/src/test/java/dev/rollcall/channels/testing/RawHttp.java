package dev.rollcall.channels.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request over a plain socket, for the status codes of refused upgrades ({@code
 * java.net.http} may not send {@code Upgrade} headers itself).
 */
public final class RawHttp {
  private RawHttp() {}

  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** A GET of {@code target} with the headers of a WebSocket upgrade plus {@code extra}. */
  public static Response upgrade(int port, String target, String... extra) {
    StringBuilder request =
        new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n")
            .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
    for (String header : extra) {
      request.append(header).append("\r\n");
    }
    return send(port, request.append("Connection: close\r\n\r\n").toString());
  }

  public static Response get(int port, String target) {
    return send(
        port,
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
  }

  public static Response send(int port, String request) {
    return sendOnOneConnection(port, request, 1).get(0);
  }

  /** Writes {@code requests} (one or more, pipelined) and reads {@code count} responses. */
  public static List<Response> sendOnOneConnection(int port, String requests, int count) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(requests.getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      List<Response> responses = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        responses.add(read(in));
      }
      return responses;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response read(InputStream in) throws IOException {
    String statusLine = line(in);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(in); !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    return new Response(status, headers, in.readNBytes(length));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
