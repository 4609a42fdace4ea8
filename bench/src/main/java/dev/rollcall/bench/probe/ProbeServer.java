package dev.rollcall.bench.probe;

import dev.rollcall.channels.Channel;
import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Socket;
import java.nio.file.Path;

/**
 * The server side of the probes: an endpoint on a free loopback port where every {@code room:*}
 * join is accepted, and the folder of the Node clients that connect to it.
 */
final class ProbeServer {
  private ProbeServer() {}

  static Endpoint start() {
    return start(false);
  }

  /** With {@code compress}, permessage-deflate is negotiated with clients that offer it. */
  static Endpoint start(boolean compress) {
    Channel room = (topic, params, socket) -> JoinResult.ok();
    return Endpoint.builder()
        .config(EndpointConfig.defaults().withHost("127.0.0.1").withPort(0).withCompress(compress))
        .socket(Socket.builder().channel("room:*", () -> room).build())
        .start();
  }

  static String url(Endpoint endpoint) {
    return "ws://127.0.0.1:" + endpoint.port() + "/socket/websocket?vsn=2.0.0";
  }

  /** The Node clients live with the channels module's JS tests, which pin their {@code ws}. */
  static Path nodeClients() {
    return Path.of(System.getProperty("rollcall.root", "."), "channels", "src", "test", "js");
  }
}
