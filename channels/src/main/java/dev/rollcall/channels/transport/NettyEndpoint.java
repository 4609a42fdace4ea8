package dev.rollcall.channels.transport;

import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.HttpRoute;
import dev.rollcall.channels.Socket;
import dev.rollcall.pubsub.PubSub;

/** The Netty-based {@link Endpoint}. TODO(issue 2): not yet implemented. */
public final class NettyEndpoint {
  private NettyEndpoint() {}

  public static final class Builder implements Endpoint.Builder {
    @Override
    public Endpoint.Builder config(EndpointConfig config) {
      return this;
    }

    @Override
    public Endpoint.Builder socket(Socket socket) {
      return this;
    }

    @Override
    public Endpoint.Builder pubSub(PubSub pubSub) {
      return this;
    }

    @Override
    public Endpoint.Builder http(String path, HttpRoute route) {
      return this;
    }

    @Override
    public Endpoint.Builder staticResources(String classpathRoot) {
      return this;
    }

    @Override
    public Endpoint start() {
      throw new UnsupportedOperationException("issue 2");
    }
  }
}
