package dev.rollcall.pubsub.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy a test controls, to cut one node off from a server (Redis) and heal it.
 * {@link #cut()} resets every open connection and refuses new ones until {@link #heal()}; the
 * server itself keeps running for everyone else.
 *
 * <p>Thread-safe: one virtual thread accepts, two pump each connection's directions; cut and heal
 * may be called from any thread.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean closed;

  private TcpProxy(ServerSocket listener, int targetPort) {
    this.listener = listener;
    this.targetPort = targetPort;
  }

  /** A proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
  public static TcpProxy start(int targetPort) {
    try {
      var listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      var proxy = new TcpProxy(listener, targetPort);
      Thread.ofVirtual().name("proxy-accept-" + listener.getLocalPort()).start(proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** {@code redis://127.0.0.1:<proxy port>}, for a node that should reach Redis through here. */
  public String redisUri() {
    return "redis://127.0.0.1:" + port();
  }

  /** Resets all connections through the proxy and refuses new ones. */
  public void cut() {
    cut = true;
    open.forEach(TcpProxy::reset);
  }

  /** Lets connections through again. */
  public void heal() {
    cut = false;
  }

  public boolean isCut() {
    return cut;
  }

  /** Number of proxied connections currently open (both ends count as one). */
  public int openConnections() {
    return open.size() / 2;
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    open.forEach(TcpProxy::reset);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (cut) {
        reset(client);
        continue;
      }
      try {
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
        open.add(client);
        open.add(server);
        if (cut) { // cut while connecting
          reset(client);
          reset(server);
          continue;
        }
        Thread.ofVirtual().start(() -> pump(client, server));
        Thread.ofVirtual().start(() -> pump(server, client));
      } catch (IOException e) {
        reset(client); // the target is down: behave like it
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) != -1) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // reset or closed: fall through and tear both ends down
    } finally {
      open.remove(from);
      open.remove(to);
      reset(from);
      reset(to);
    }
  }

  /** Closes with RST (SO_LINGER 0), as a broken network path looks to the peer. */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // already closed
    }
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public String toString() {
    return "TcpProxy[" + port() + " -> " + targetPort + (cut ? ", cut" : "") + "]";
  }
}
