package dev.rollcall.client.frames;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a client connection: feeds the 101 answer and then every frame to its {@link
 * ClientSocket}. Confined to the connection's event loop.
 */
final class ClientFrameHandler extends ChannelInboundHandlerAdapter {
  private final ClientSocket socket;

  ClientFrameHandler(ClientSocket socket) {
    this.socket = socket;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    socket.onActive(ctx.channel());
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!socket.handshakeDone() && msg instanceof FullHttpResponse response) {
        socket.onHandshakeResponse(response);
      } else if (msg instanceof WebSocketFrame frame) {
        socket.onFrame(frame);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    socket.onInactive();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Decoder errors (bad frame from the server, reset by peer): the connection is over.
    socket.failConnect(cause);
    ctx.close();
  }
}
