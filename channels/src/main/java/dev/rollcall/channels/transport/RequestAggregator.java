package dev.rollcall.channels.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's request aggregator with two limits: long-poll POSTs may carry a full batch ({@link
 * LongPollHandler#MAX_BATCH} frames of {@code maxFrameBytes}), everything else (upgrades, routes)
 * no more than a small request needs. A body over its limit gets HTTP 413 with a JSON body, and the
 * connection closes since the rest of the body is not read.
 *
 * <p>One per connection, confined to its event loop.
 */
final class RequestAggregator extends HttpObjectAggregator {
  private final int smallLimit;
  private final String longPollPath;
  private int limitOfCurrent;

  RequestAggregator(int smallLimit, int longPollLimit, String longPollPath) {
    super(Math.max(smallLimit, longPollLimit));
    this.smallLimit = smallLimit;
    this.longPollPath = longPollPath;
  }

  @Override
  protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
    limitOfCurrent = maxContentLength;
    if (start instanceof HttpRequest request && !isLongPoll(request)) {
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
    LongPollHandler.error(
        ctx,
        false,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "request body over " + limitOfCurrent + " bytes");
  }
}
