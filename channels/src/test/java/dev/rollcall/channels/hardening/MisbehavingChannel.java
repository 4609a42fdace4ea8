package dev.rollcall.channels.hardening;

import dev.rollcall.channels.Channel;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Reply;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A channel that behaves as badly as user code can: {@code bad:block-join} blocks in join, {@code
 * block} blocks in handleIn, each for up to 10 s (until the test releases them); {@code throw}
 * throws. Blocking waits on a latch rather than sleeping so a test can end without waiting out the
 * full 10 s.
 */
final class MisbehavingChannel implements Channel {
  static final long BLOCK_SECONDS = 10;

  private final CountDownLatch release;

  MisbehavingChannel(CountDownLatch release) {
    this.release = release;
  }

  @Override
  public JoinResult join(String topic, Object params, ChannelSocket socket) throws Exception {
    if (topic.equals("bad:block-join")) {
      release.await(BLOCK_SECONDS, TimeUnit.SECONDS);
    }
    return JoinResult.ok();
  }

  @Override
  public Reply handleIn(String event, Object payload, ChannelSocket socket) throws Exception {
    return switch (event) {
      case "block" -> {
        release.await(BLOCK_SECONDS, TimeUnit.SECONDS);
        yield Reply.ok();
      }
      case "throw" -> throw new IllegalStateException("misbehaving on purpose");
      default -> Reply.ok(payload);
    };
  }
}
