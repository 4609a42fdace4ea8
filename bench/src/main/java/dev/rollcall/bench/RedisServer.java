package dev.rollcall.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} the tool starts on a free loopback port for the nodes of a grow run (no
 * persistence), stopped on close or when the tool exits. Used by one thread.
 */
final class RedisServer implements AutoCloseable {
  private final Process process;
  private final Path log;
  final int port;

  private RedisServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
  }

  /** Starts one and waits (at most {@code limit}) until it answers PING. */
  static RedisServer start(Duration limit) throws IOException, InterruptedException {
    int port = ServerProcess.freePort();
    Path log = Files.createTempFile("rollcall-bench-redis", ".log");
    Process process;
    try {
      process =
          new ProcessBuilder(
                  "redis-server",
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IOException("redis-server is not on PATH (--nodes clusters the nodes on it)", e);
    }
    RedisServer redis = new RedisServer(process, log, port);
    long end = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        redis.close();
        throw new IOException("redis-server exited with " + process.exitValue());
      }
      if (redis.answersPing()) {
        return redis;
      }
      Thread.sleep(100);
    }
    redis.close();
    throw new IOException("redis-server did not answer PING within " + limit);
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      socket.setSoTimeout(500);
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] answer = new byte[7];
      int read = socket.getInputStream().read(answer);
      return read > 0 && new String(answer, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException notYet) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temp file
    }
  }
}
