package dev.rollcall.spring;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.Socket;
import dev.rollcall.pubsub.PubSub;
import org.springframework.context.SmartLifecycle;

/**
 * The Rollcall endpoint as part of the application context: it starts listening once the context is
 * refreshed and closes gracefully (channels terminate, presences leave, connections close with
 * 1001) when the context stops, before the beans it uses are destroyed. The context calls it from
 * one thread at a time; {@link #endpoint()} may be read from any thread.
 */
public final class RollcallServer implements SmartLifecycle {
  private final EndpointConfig config;
  private final PubSub pubSub;
  private final Socket socket;
  private final String staticResources;
  private volatile Endpoint endpoint;

  /**
   * @param staticResources a classpath folder served at {@code /}, or null
   */
  public RollcallServer(
      EndpointConfig config, PubSub pubSub, Socket socket, String staticResources) {
    this.config = config;
    this.pubSub = pubSub;
    this.socket = socket;
    this.staticResources = staticResources;
  }

  @Override
  public void start() {
    if (endpoint == null) {
      Endpoint.Builder builder = Endpoint.builder().config(config).pubSub(pubSub).socket(socket);
      if (staticResources != null) {
        builder.staticResources(staticResources);
      }
      endpoint = builder.start();
    }
  }

  @Override
  public void stop() {
    Endpoint running = endpoint;
    endpoint = null;
    if (running != null) {
      running.close();
    }
  }

  @Override
  public boolean isRunning() {
    return endpoint != null;
  }

  /** The running endpoint (its port, stats), or null when stopped. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** The bound port; throws when stopped. */
  public int port() {
    Endpoint running = endpoint;
    if (running == null) {
      throw new IllegalStateException("the Rollcall endpoint is not running");
    }
    return running.port();
  }
}
