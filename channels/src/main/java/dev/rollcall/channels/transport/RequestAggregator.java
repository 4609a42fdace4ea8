package dev.rollcall.channels.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Netty's request aggregator with two limits: long-poll POSTs may carry a full batch ({@link
 * LongPollHandler#MAX_BATCH} frames of {@code maxFrameBytes}), everything else (upgrades, routes)
 * no more than a small request needs. A body over its limit gets HTTP 413 with a JSON body. A body
 * of known length is then read and dropped, and the connection serves on, as with Netty's own
 * aggregator: closing at once, while the client is still sending, makes the kernel reset the
 * connection, and the reset can destroy the answer before the client has read it. A body of unknown
 * length has no end to wait for: that connection closes after the answer.
 *
 * <p>One per connection, confined to its event loop.
 */
final class RequestAggregator extends HttpObjectAggregator {
  /** What an HTTP route's caller gets for a body over {@code HttpRoute.MAX_BODY_BYTES}. */
  private static final byte[] TOO_LARGE =
      "{\"error\":\"body_too_large\"}".getBytes(StandardCharsets.UTF_8);

  /** The most a refused body may have for the connection to read past it rather than close. */
  private static final long MAX_DRAINED = 16L * 1024 * 1024;

  private final int smallLimit;
  private final String longPollPath;
  private int limitOfCurrent;
  private boolean currentIsLongPoll;

  RequestAggregator(int smallLimit, int longPollLimit, String longPollPath) {
    super(Math.max(smallLimit, longPollLimit));
    this.smallLimit = smallLimit;
    this.longPollPath = longPollPath;
  }

  @Override
  protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
    limitOfCurrent = maxContentLength;
    currentIsLongPoll = start instanceof HttpRequest request && isLongPoll(request);
    if (!currentIsLongPoll) {
      limitOfCurrent = smallLimit;
    }
    try {
      return HttpUtil.getContentLength(start, -1L) > limitOfCurrent;
    } catch (NumberFormatException e) {
      return false; // the decoder reports a bad content-length itself
    }
  }

  private boolean isLongPoll(HttpRequest request) {
    String uri = request.uri();
    int query = uri.indexOf('?');
    return (query < 0 ? uri : uri.substring(0, query)).equals(longPollPath);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    // The aggregator drops the rest of this message's content before it reads the next one.
    long length = HttpUtil.getContentLength(oversized, -1L);
    boolean keepAlive = HttpUtil.isKeepAlive(oversized) && length >= 0 && length <= MAX_DRAINED;
    if (currentIsLongPoll) {
      LongPollHandler.error(
          ctx,
          keepAlive,
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "request body over " + limitOfCurrent + " bytes");
      return;
    }
    var response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            Unpooled.wrappedBuffer(TOO_LARGE));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    HttpUtil.setContentLength(response, TOO_LARGE.length);
    if (keepAlive) {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
