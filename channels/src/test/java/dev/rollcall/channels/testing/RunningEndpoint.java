package dev.rollcall.channels.testing;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** An endpoint with the test socket on a free loopback port, plus the clients a test opened. */
public final class RunningEndpoint implements AutoCloseable {
  public final Recorder recorder = new Recorder();
  public final Endpoint endpoint;
  private final List<WsClient> clients = new ArrayList<>();

  public RunningEndpoint() {
    this(config -> config);
  }

  public RunningEndpoint(UnaryOperator<EndpointConfig> config) {
    this(config, builder -> builder);
  }

  public RunningEndpoint(
      UnaryOperator<EndpointConfig> config, UnaryOperator<Endpoint.Builder> builder) {
    this.endpoint =
        builder
            .apply(
                Endpoint.builder()
                    .config(
                        config.apply(EndpointConfig.defaults().withHost("127.0.0.1").withPort(0)))
                    .socket(TestSocket.create(recorder)))
            .start();
  }

  public int port() {
    return endpoint.port();
  }

  public WsClient connect(Vsn vsn) {
    return track(WsClient.connect(port(), vsn));
  }

  public WsClient connect(String query, Vsn vsn) {
    return track(WsClient.connect(port(), query, vsn, true));
  }

  public synchronized WsClient track(WsClient client) {
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    synchronized (this) {
      clients.forEach(WsClient::close);
    }
    endpoint.close();
  }
}
