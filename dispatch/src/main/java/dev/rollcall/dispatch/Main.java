package dev.rollcall.dispatch;

import dev.rollcall.dispatch.logging.JsonLineEncoder;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code rollcall} command: parses flags and environment, runs {@link DispatchApp}. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    LaunchOptions options;
    DispatchConfig config;
    try {
      options = LaunchOptions.parse(System.getenv(), args);
      if (options.help()) {
        System.out.print(LaunchOptions.USAGE);
        return;
      }
      if (options.logFormat().equals("json")) {
        JsonLineEncoder.install(options.node());
      }
      config = DispatchConfig.defaults().withNotifyInterval(options.notifyInterval());
      String secret = System.getenv("ROLLCALL_SECRET");
      if (secret != null && !secret.isEmpty()) {
        config = config.withSecret(secret);
      }
    } catch (UsageException | IllegalArgumentException e) {
      System.err.println("rollcall: " + e.getMessage());
      System.err.println("Run with --help for the options.");
      System.exit(2);
      return;
    }
    DispatchApp app;
    try {
      app = DispatchApp.start(options, config);
    } catch (UsageException e) {
      System.err.println("rollcall: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      // Netty rethrows bind failures as checked exceptions; without exit(1) the started threads
      // would keep a half-built process alive.
      log.debug("start failed", e);
      System.err.println(
          "rollcall: could not start on " + options.host() + ":" + options.port() + ": " + e);
      System.exit(1);
      return;
    }
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("shutdown")
                .unstarted(
                    () -> {
                      log.info("shutting down");
                      app.close();
                      stopped.countDown();
                    }));
    String shown = options.host().equals("0.0.0.0") ? "localhost" : options.host();
    log.info(
        "Rollcall dispatch on http://{}:{} (node {}, notify every {} ms)",
        shown,
        app.port(),
        app.node(),
        options.notifyInterval().toMillis());
    stopped.await();
  }
}
