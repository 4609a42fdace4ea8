package dev.rollcall.dispatch.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load balancer without stickiness, for plain HTTP (long-poll): each request goes to the next
 * backend in turn; a backend that refuses the connection is skipped, as a balancer's health check
 * would. A request that fails once it reached a backend gets 502 with an empty body. Thread-safe.
 */
final class RoundRobinProxy implements AutoCloseable {
  private static final List<String> FORWARDED_HEADERS =
      List.of("content-type", "x-phoenix-longpoll-token", "x-phoenix-authtoken", "accept");

  private final List<Integer> backends;
  private final HttpServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicInteger next = new AtomicInteger();
  private final Map<Integer, AtomicLong> served = new ConcurrentHashMap<>();

  RoundRobinProxy(List<Integer> backendPorts) throws IOException {
    this.backends = List.copyOf(backendPorts);
    backends.forEach(port -> served.put(port, new AtomicLong()));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::forward);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Requests a backend answered, by its port. */
  long served(int backendPort) {
    return served.get(backendPort).get();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      int first = Math.floorMod(next.getAndIncrement(), backends.size());
      for (int attempt = 0; attempt < backends.size(); attempt++) {
        int port = backends.get((first + attempt) % backends.size());
        HttpRequest.Builder request =
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + exchange.getRequestURI()))
                .timeout(Duration.ofSeconds(30))
                .method(
                    exchange.getRequestMethod(),
                    body.length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : FORWARDED_HEADERS) {
          String value = exchange.getRequestHeaders().getFirst(header);
          if (value != null) {
            request.header(header, value);
          }
        }
        HttpResponse<byte[]> response;
        try {
          response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
          continue; // down: the next backend
        } catch (IOException e) {
          exchange.sendResponseHeaders(502, -1);
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          exchange.sendResponseHeaders(502, -1);
          return;
        }
        served.get(port).incrementAndGet();
        response
            .headers()
            .firstValue("content-type")
            .ifPresent(type -> exchange.getResponseHeaders().set("content-type", type));
        exchange.sendResponseHeaders(
            response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(response.body());
        }
        return;
      }
      exchange.sendResponseHeaders(502, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
