package dev.rollcall.channels.transport;

import dev.rollcall.channels.channel.CloseCodes;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.DataFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an upgraded connection: decodes each data frame with the connection's
 * serializer and hands the message to its session. The one place where a bad frame becomes a close
 * code (1007 undecodable, 1009 too big), logged in one line.
 *
 * <p>Confined to the connection's event loop.
 */
final class SocketHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(SocketHandler.class);

  private static final FastThreadLocal<CharsetDecoder> UTF8 =
      new FastThreadLocal<>() {
        @Override
        protected CharsetDecoder initialValue() {
          return StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
      };

  /** The fragment aggregator's name; it joins the pipeline with the first fragmented message. */
  static final String FRAGMENTS = "fragments";

  private final Connection connection;
  private final Consumer<Connection> onClosed;
  private final int maxFrameBytes;

  /** Without permessage-deflate, nothing inflates: the frame decoder enforces the frame limit. */
  SocketHandler(Connection connection, Consumer<Connection> onClosed) {
    this(connection, onClosed, Integer.MAX_VALUE);
  }

  /** {@code onClosed} is shared by the endpoint's connections, so it is given the connection. */
  SocketHandler(Connection connection, Consumer<Connection> onClosed, int maxFrameBytes) {
    this.connection = connection;
    this.onClosed = onClosed;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    connection.touch(); // any inbound frame, pings included, keeps the socket alive
    if (msg instanceof WebSocketFrame first
        && !first.isFinalFragment()
        && (first instanceof TextWebSocketFrame || first instanceof BinaryWebSocketFrame)) {
      aggregateFrom(ctx, first);
      return;
    }
    try {
      if (connection.closing()) {
        // Our close frame is out: drop what the client still sends until its close answers it.
        if (msg instanceof CloseWebSocketFrame) {
          ctx.close();
        }
        return;
      }
      if (msg instanceof WebSocketFrame data
          && (data instanceof TextWebSocketFrame || data instanceof BinaryWebSocketFrame)
          && data.rsv() != 0) {
        inflated(ctx, data);
        return;
      }
      switch (msg) {
        case TextWebSocketFrame text -> {
          String decoded = strictUtf8(text.content());
          if (decoded == null) {
            fail(ctx.channel().remoteAddress(), CloseCodes.INVALID_PAYLOAD, "invalid UTF-8");
          } else {
            received(ctx, decoded, null);
          }
        }
        case BinaryWebSocketFrame binary ->
            received(ctx, null, ByteBufUtil.getBytes(binary.content()));
        case PingWebSocketFrame ping ->
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        case CloseWebSocketFrame close -> {
          // The client leaves: echo its close (RFC 6455 §5.5.1) and drop the connection.
          CloseWebSocketFrame echo =
              close.statusCode() < 0
                  ? new CloseWebSocketFrame() // the client sent no code (1005): echo none
                  : new CloseWebSocketFrame(close.statusCode(), "");
          ctx.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
        }
        default -> {}
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * The first fragment of a message, before any aggregator is there: clients almost never fragment,
   * so the aggregator (a handler and its context, ~110 bytes) joins the pipeline just before this
   * handler only now, and stays. The fragment re-enters the pipeline in front of it; from then on
   * this handler sees whole messages, capped at {@code maxFrameBytes} (1009 beyond). A continuation
   * frame with no message started is dropped, with or without the aggregator.
   */
  private void aggregateFrom(ChannelHandlerContext ctx, WebSocketFrame first) {
    ChannelPipeline pipeline = ctx.pipeline();
    if (pipeline.get(FRAGMENTS) == null) {
      pipeline.addBefore(ctx.name(), FRAGMENTS, new WebSocketFrameAggregator(maxFrameBytes));
    }
    List<String> names = pipeline.names();
    int at = names.indexOf(FRAGMENTS);
    if (at == 0) {
      pipeline.fireChannelRead(first);
    } else {
      pipeline.context(names.get(at - 1)).fireChannelRead(first);
    }
  }

  /**
   * A data frame with RSV1: a message compressed with permessage-deflate (only a connection that
   * negotiated it may send one; the frame decoder refuses RSV bits on the others). It inflates to
   * at most {@code maxFrameBytes}, or the socket closes with 1009, as for a frame that big.
   */
  private void inflated(ChannelHandlerContext ctx, WebSocketFrame frame) {
    SocketAddress from = ctx.channel().remoteAddress();
    if (frame.rsv() != 0x4 || !connection.deflate()) {
      fail(from, CloseCodes.PROTOCOL_ERROR, "reserved bits " + frame.rsv() + " not negotiated");
      return;
    }
    byte[] message;
    try {
      message = PerMessageDeflate.decompress(ByteBufUtil.getBytes(frame.content()), maxFrameBytes);
    } catch (PerMessageDeflate.TooBig e) {
      fail(from, CloseCodes.MESSAGE_TOO_BIG, e.getMessage());
      return;
    } catch (DataFormatException e) {
      fail(from, CloseCodes.INVALID_PAYLOAD, "invalid deflate data: " + e.getMessage());
      return;
    }
    if (frame instanceof BinaryWebSocketFrame) {
      received(ctx, null, message);
      return;
    }
    String decoded = strictUtf8(Unpooled.wrappedBuffer(message));
    if (decoded == null) {
      fail(from, CloseCodes.INVALID_PAYLOAD, "invalid UTF-8");
    } else {
      received(ctx, decoded, null);
    }
  }

  /**
   * The frame as text, or null if it is not valid UTF-8 (RFC 6455 §8.1: close with 1007). Netty's
   * decoder checks only close frames, and its Utf8FrameValidator would cost a handler per
   * connection; one decoder per event loop thread does it for all.
   */
  private static String strictUtf8(ByteBuf content) {
    try {
      return UTF8.get().decode(content.nioBuffer()).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private void received(ChannelHandlerContext ctx, String text, byte[] bytes) {
    if (connection.closing()) {
      return;
    }
    connection.stats().messagesIn.increment();
    Message message;
    try {
      message =
          text != null
              ? connection.serializer().decodeText(text)
              : connection.serializer().decodeBinary(bytes);
    } catch (ProtocolException e) {
      fail(ctx.channel().remoteAddress(), CloseCodes.INVALID_PAYLOAD, e.getMessage());
      return;
    } catch (RuntimeException e) {
      // A serializer bug must still cost only this socket.
      fail(ctx.channel().remoteAddress(), CloseCodes.INVALID_PAYLOAD, e.toString());
      return;
    }
    connection.session().handle(message);
  }

  private void fail(SocketAddress from, int code, String why) {
    log.info("closing socket from {} with {}: {}", from, code, why);
    connection.close(
        code,
        switch (code) {
          case CloseCodes.MESSAGE_TOO_BIG -> "frame too big";
          case CloseCodes.PROTOCOL_ERROR -> "protocol error";
          default -> "invalid frame";
        });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    SocketAddress from = ctx.channel().remoteAddress();
    switch (cause) {
      case TooLongFrameException tooLong ->
          fail(from, CloseCodes.MESSAGE_TOO_BIG, cause.getMessage());
      case CorruptedWebSocketFrameException corrupt -> {
        // Netty's frame decoder has already sent its close frame (1009 too big, 1007 bad UTF-8,
        // 1002 protocol error) and closes the connection.
        log.info(
            "closing socket from {} with {}: {}",
            from,
            corrupt.closeStatus().code(),
            cause.getMessage());
      }
      case PrematureChannelClosureException gone ->
          // The client went away in the middle of a fragmented message: nothing left to close.
          log.debug("socket from {} closed mid-message", from);
      case IOException io -> {
        log.debug("socket from {} failed: {}", from, io.toString());
        ctx.close();
      }
      default -> {
        log.warn("socket from {} failed: {}", from, cause.toString());
        ctx.close();
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connection.discard();
    connection.session().closed();
    onClosed.accept(connection);
    ctx.fireChannelInactive();
  }
}
