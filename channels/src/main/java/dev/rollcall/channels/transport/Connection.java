package dev.rollcall.channels.transport;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.channel.CloseCodes;
import dev.rollcall.channels.channel.Outbound;
import dev.rollcall.channels.channel.ReadGate;
import dev.rollcall.channels.channel.SocketSession;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.Serializer;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.Subscriber;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgraded WebSocket connection: its serializer, its {@link SocketSession}, and the outbox
 * through which every frame for this client passes.
 *
 * <p>Threading: producers on any thread (channel processes, publishers) encode on their own thread
 * and queue; the connection's event loop drains the queue, writes everything and flushes once per
 * drain, so a burst of broadcasts costs one syscall, not one per frame.
 */
final class Connection implements Outbound, ReadGate {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /** Flush within a drain after this many bytes, so only what the kernel refuses stays queued. */
  private static final int FLUSH_EVERY_BYTES = 64 * 1024;

  /** Netty's name for the frame encoder the handshake adds; after it come inbound handlers only. */
  private static final String FRAME_ENCODER = "wsencoder";

  /** How long a close frame may wait behind unread data before the TCP connection is dropped. */
  private static final long CLOSE_GRACE_SECONDS = 5;

  private final Channel channel;
  private final Serializer serializer;
  private final EndpointStats stats;
  private final ConcurrentLinkedQueue<Object> outbox = new ConcurrentLinkedQueue<>();

  /** 1 while a drain is scheduled; a field updater, not an AtomicBoolean of 16 bytes each. */
  private volatile int drainScheduled;

  private static final AtomicIntegerFieldUpdater<Connection> DRAIN_SCHEDULED =
      AtomicIntegerFieldUpdater.newUpdater(Connection.class, "drainScheduled");
  private final Runnable drain = this::drain;
  private final FastlaneKey fastlaneKey;
  private final boolean deflate;
  private volatile boolean closing;
  private volatile long lastReadNanos = System.nanoTime();
  private volatile boolean readingPaused;
  private boolean discarding;
  private boolean closed;
  private SocketSession session;
  private Subscriber idSubscriber;
  private ChannelOutboundInvoker frameWriter; // event loop only

  Connection(Channel channel, Serializer serializer, EndpointStats stats) {
    this(channel, serializer, stats, false);
  }

  Connection(Channel channel, Serializer serializer, EndpointStats stats, boolean deflate) {
    this.channel = channel;
    this.serializer = serializer;
    this.stats = stats;
    this.deflate = deflate;
    this.fastlaneKey =
        (deflate ? DEFLATED_FASTLANE_KEYS : FASTLANE_KEYS)
            .computeIfAbsent(serializer, s -> new FastlaneKey(s, deflate));
  }

  /** Whether this connection negotiated permessage-deflate. */
  boolean deflate() {
    return deflate;
  }

  /** Memo value of a broadcast that could not be encoded. */
  private static final ByteBuf UNENCODABLE = Unpooled.unreleasableBuffer(Unpooled.buffer(0));

  /** Memo key of a broadcast's frame for one serializer, compressed or not. */
  private record FastlaneKey(Serializer serializer, boolean deflate) {}

  /** One key per serializer for all connections (serializers are shared, one per vsn). */
  private static final ConcurrentHashMap<Serializer, FastlaneKey> FASTLANE_KEYS =
      new ConcurrentHashMap<>();

  private static final ConcurrentHashMap<Serializer, FastlaneKey> DEFLATED_FASTLANE_KEYS =
      new ConcurrentHashMap<>();

  void attach(SocketSession session) {
    this.session = session;
  }

  SocketSession session() {
    return session;
  }

  Channel channel() {
    return channel;
  }

  void idSubscriber(Subscriber subscriber) {
    this.idSubscriber = subscriber;
  }

  Subscriber idSubscriber() {
    return idSubscriber;
  }

  /** Called on the event loop for every inbound frame. */
  void touch() {
    lastReadNanos = System.nanoTime();
  }

  long lastReadNanos() {
    return lastReadNanos;
  }

  /**
   * On the event loop. A paused socket sends nothing we can see, heartbeats included: the idle
   * sweep leaves it alone, since the silence is the server's doing.
   */
  @Override
  public void pauseReading() {
    readingPaused = true;
    channel.config().setAutoRead(false);
  }

  /** On the event loop; the idle clock starts again from now. */
  @Override
  public void resumeReading() {
    readingPaused = false;
    touch();
    channel.config().setAutoRead(true);
  }

  boolean readingPaused() {
    return readingPaused;
  }

  EndpointStats stats() {
    return stats;
  }

  boolean closing() {
    return closing;
  }

  @Override
  public Serializer serializer() {
    return serializer;
  }

  @Override
  public void write(Message message) {
    if (!closing) {
      enqueue(FrameBytes.frame(channel.alloc(), serializer.encode(message), deflate));
    }
  }

  @Override
  public void writeBroadcast(Delivery delivery, Broadcast broadcast) {
    if (closing) {
      return;
    }
    ByteBuf shared =
        delivery.memo(
            fastlaneKey, key -> fastlaneFrame(key.serializer(), key.deflate(), broadcast));
    if (shared != UNENCODABLE) {
      enqueue(shared.duplicate());
    }
  }

  /**
   * Once per delivery and serializer; a payload it cannot encode is logged once, not per client.
   */
  private ByteBuf fastlaneFrame(Serializer serializer, boolean deflate, Broadcast broadcast) {
    stats.fastlaneEncodes.increment();
    try {
      return FrameBytes.shared(
          serializer.encode(
              new Message(null, null, broadcast.topic(), broadcast.event(), broadcast.payload())),
          deflate);
    } catch (RuntimeException e) {
      log.error(
          "dropping broadcast {} on {}: cannot encode its payload: {}",
          broadcast.event(),
          broadcast.topic(),
          e.toString());
      return UNENCODABLE;
    }
  }

  @Override
  public void execute(Runnable task) {
    enqueue(task);
  }

  @Override
  public void close(int code, String reason) {
    closing = true;
    enqueue((Runnable) () -> sendClose(code, reason));
  }

  private void enqueue(Object item) {
    outbox.add(item);
    if (DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
      try {
        channel.eventLoop().execute(drain);
      } catch (RejectedExecutionException e) {
        // The endpoint has stopped its event loops: nobody will write this any more.
        closing = true;
        for (Object dropped; (dropped = outbox.poll()) != null; ) {
          ReferenceCountUtil.release(dropped);
        }
      }
    }
  }

  private void drain() {
    drainScheduled = 0;
    int unflushed = 0;
    Object item;
    while ((item = outbox.poll()) != null) {
      if (item instanceof ByteBuf frame) {
        if (closed || discarding) {
          ReferenceCountUtil.release(frame);
          continue;
        }
        unflushed += frame.readableBytes();
        stats.messagesOut.increment();
        frameWriter().write(frame, channel.voidPromise());
        if (unflushed >= FLUSH_EVERY_BYTES) {
          flushOrOverflow();
          unflushed = 0;
        }
      } else {
        ((Runnable) item).run();
      }
    }
    if (unflushed > 0) {
      flushOrOverflow();
    }
  }

  /**
   * Where pre-built frames enter the pipeline: the frame encoder's context, so each write goes
   * straight to the socket instead of walking the pipeline and being type-checked by the encoder (a
   * per-frame cost in fan-out); the channel itself until the encoder is there.
   */
  private ChannelOutboundInvoker frameWriter() {
    if (frameWriter == null) {
      ChannelHandlerContext encoder = channel.pipeline().context(FRAME_ENCODER);
      if (encoder == null) {
        return channel;
      }
      frameWriter = encoder;
    }
    return frameWriter;
  }

  /**
   * Flushes; what the kernel did not take stays in Netty's buffer. A client with more than {@code
   * maxOutboundBytes} (Netty's high watermark) unread <em>behind the frame it is reading</em> is
   * not keeping up: drop what is queued and close with 1013 rather than grow the heap. The frame
   * being written does not count, so one frame larger than the limit (the {@code presence_state} of
   * a 40k-hero lobby is over 4 MB) still reaches a client that reads it, and only a backlog behind
   * it can close the socket.
   */
  private void flushOrOverflow() {
    frameWriter().flush();
    // A closed channel is never writable: only a live one that stopped reading is a slow reader.
    // Writable means under the limit counting everything, so the walk below runs only beyond it.
    if (!channel.isWritable() && channel.isActive() && !closing) {
      long limit = channel.config().getWriteBufferHighWaterMark();
      if (backlogBehindCurrentFrame(limit) > limit) {
        log.info(
            "closing socket from {} with 1013: more than {} bytes unread",
            channel.remoteAddress(),
            limit);
        discarding = true;
        close(CloseCodes.TRY_AGAIN_LATER, "slow reader");
      }
    }
  }

  /**
   * Bytes flushed to Netty but not yet to the kernel, beyond the frame the kernel is taking now;
   * counts no further than just past {@code limit}, so a long backlog costs one short walk.
   */
  private long backlogBehindCurrentFrame(long limit) {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    if (buffer == null) {
      return 0;
    }
    long[] backlog = {-1}; // -1: the current frame, not counted, not yet seen
    try {
      buffer.forEachFlushedMessage(
          message -> {
            if (backlog[0] < 0) {
              backlog[0] = 0;
              return true;
            }
            backlog[0] += bytes(message);
            return backlog[0] <= limit;
          });
    } catch (Exception e) {
      // The processor above throws nothing; keep the old rule if Netty ever does.
      return Long.MAX_VALUE;
    }
    return Math.max(0, backlog[0]);
  }

  private static long bytes(Object message) {
    return switch (message) {
      case ByteBuf buf -> buf.readableBytes();
      case ByteBufHolder holder -> holder.content().readableBytes();
      default -> 0;
    };
  }

  /** On the event loop: the close frame after everything queued, then the TCP close. */
  private void sendClose(int code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    closing = true;
    if (!channel.isActive()) {
      return;
    }
    if (readingPaused) {
      resumeReading(); // the client's close frame must be read; what comes before it is dropped
    }
    // Half-close after the close frame and keep reading (and dropping) until the client answers:
    // closing at once, with its unread bytes in our buffer, would make the kernel send a reset that
    // can reach the client before the close frame does (RFC 6455 §7.1.1).
    channel
        .writeAndFlush(new CloseWebSocketFrame(code, reason))
        .addListener(
            (ChannelFutureListener)
                future -> {
                  if (channel instanceof DuplexChannel duplex && future.isSuccess()) {
                    duplex.shutdownOutput();
                  } else {
                    channel.close();
                  }
                });
    channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
  }

  /** On the event loop, once the channel is inactive: nothing more goes out. */
  void discard() {
    closed = true;
    closing = true;
    Object item;
    while ((item = outbox.poll()) != null) {
      if (item instanceof ByteBuf frame) {
        ReferenceCountUtil.release(frame);
      } else {
        ((Runnable) item).run();
      }
    }
  }
}
