package dev.rollcall.channels.transport;

import dev.rollcall.channels.channel.CloseCodes;
import dev.rollcall.channels.protocol.Message;
import dev.rollcall.channels.protocol.ProtocolException;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.SocketAddress;
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

  private final Connection connection;
  private final Runnable onClosed;

  SocketHandler(Connection connection, Runnable onClosed) {
    this.connection = connection;
    this.onClosed = onClosed;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      switch (msg) {
        case TextWebSocketFrame text -> received(ctx, text.text(), null);
        case BinaryWebSocketFrame binary ->
            received(ctx, null, ByteBufUtil.getBytes(binary.content()));
        case PingWebSocketFrame ping ->
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        case CloseWebSocketFrame close -> {
          // The client leaves: echo its close (RFC 6455 §5.5.1) and drop the connection.
          ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
              .addListener(ChannelFutureListener.CLOSE);
        }
        default -> {}
      }
    } finally {
      ReferenceCountUtil.release(msg);
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
    connection.close(code, code == CloseCodes.MESSAGE_TOO_BIG ? "frame too big" : "invalid frame");
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      log.debug("closing idle socket from {}", ctx.channel().remoteAddress());
      connection.close(CloseCodes.GOING_AWAY, "idle timeout");
    } else {
      ctx.fireUserEventTriggered(evt);
    }
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
    onClosed.run();
    ctx.fireChannelInactive();
  }
}
