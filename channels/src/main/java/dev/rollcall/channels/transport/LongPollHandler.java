package dev.rollcall.channels.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.channels.ConnectInfo;
import dev.rollcall.channels.ConnectResult;
import dev.rollcall.protocol.Serializer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-poll transport's HTTP side at {@code socketPath + "/longpoll"}, as Phoenix serves it:
 * every answer is HTTP 200 with a JSON body {@code {"status", "token", "messages"}}; GET without a
 * valid token opens a session (410 and its token), GET with one polls (200 with frames, or 204
 * after the window), POST delivers one frame or an ndjson batch of at most {@link #MAX_BATCH}
 * lines, OPTIONS answers CORS preflights. docs/protocol.md has the details.
 *
 * <p>Stateless; called on the request's event loop. The socket's {@code connect} runs on a virtual
 * thread, as for WebSockets.
 */
final class LongPollHandler {
  private static final Logger log = LoggerFactory.getLogger(LongPollHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Phoenix's {@code @max_poll_batch_size}: later lines of a POST are ignored. */
  static final int MAX_BATCH = 100;

  static final String TOKEN_HEADER = "x-phoenix-longpoll-token";
  static final String AUTH_TOKEN_HEADER = "x-phoenix-authtoken";

  private final NettyEndpoint endpoint;
  private final LongPollSessions sessions;

  LongPollHandler(NettyEndpoint endpoint, LongPollSessions sessions) {
    this.endpoint = endpoint;
    this.sessions = sessions;
  }

  void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpMethod method = request.method();
    if (method.equals(HttpMethod.OPTIONS)) {
      preflight(ctx, request, keepAlive);
      return;
    }
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.POST)) {
      error(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, "long-poll takes GET, POST, OPTIONS");
      return;
    }
    Map<String, String> params = HttpRequestHandler.socketParams(uri.parameters());
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    if (!endpoint.originCheck().allows(origin)) {
      log.warn("refusing long-poll from origin {}: not in allowedOrigins", origin);
      status(ctx, keepAlive, 403);
      return;
    }
    String token = request.headers().get(TOKEN_HEADER, params.get("token"));
    LongPollSessions.Lookup lookup = sessions.find(token);
    if (method.equals(HttpMethod.GET)) {
      switch (lookup) {
        case LongPollSessions.Lookup.Local local ->
            local
                .session()
                .executor()
                .execute(
                    () ->
                        local
                            .session()
                            .poll(pollAnswer(ctx, keepAlive, token), sessions.windowMillis()));
        case LongPollSessions.Lookup.OtherNode other ->
            sessions.pollRemote(other.topic(), pollAnswer(ctx, keepAlive, token));
        case LongPollSessions.Lookup.Gone gone -> status(ctx, keepAlive, 410);
        case LongPollSessions.Lookup.Invalid invalid -> open(ctx, request, params, keepAlive);
      }
      return;
    }
    List<String> lines = lines(request);
    switch (lookup) {
      case LongPollSessions.Lookup.Local local ->
          local
              .session()
              .executor()
              .execute(() -> local.session().post(lines, postAnswer(ctx, keepAlive)));
      case LongPollSessions.Lookup.OtherNode other ->
          sessions.postRemote(other.topic(), lines, postAnswer(ctx, keepAlive));
      case LongPollSessions.Lookup.Gone gone -> status(ctx, keepAlive, 410);
      case LongPollSessions.Lookup.Invalid invalid -> status(ctx, keepAlive, 410);
    }
  }

  /**
   * One frame, or with {@code application/x-ndjson} one frame per line (blank lines skipped), of
   * which the first {@link #MAX_BATCH} count.
   */
  private static List<String> lines(FullHttpRequest request) {
    String body = request.content().toString(StandardCharsets.UTF_8);
    String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
    if (!type.startsWith("application/x-ndjson")) {
      return List.of(body);
    }
    List<String> lines = new ArrayList<>();
    for (String line : body.split("\r?\n")) {
      if (!line.isBlank()) {
        lines.add(line);
        if (lines.size() == MAX_BATCH) {
          break;
        }
      }
    }
    return lines;
  }

  // ---- opening a session: the WebSocket upgrade's checks and connect

  private void open(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      Map<String, String> params,
      boolean keepAlive) {
    Serializer serializer = Serializer.forVsn(params.get("vsn"));
    if (serializer == null) {
      log.info("refusing long-poll with unsupported vsn \"{}\"", params.get("vsn"));
      status(ctx, keepAlive, 403);
      return;
    }
    if (!endpoint.transportStats().tryOpen(endpoint.config().maxConnections())) {
      log.warn("refusing long-poll: {} connections open", endpoint.config().maxConnections());
      // phoenix.js retries (with backoff) on status 500; it throws on a status it does not know.
      send(
          ctx,
          keepAlive,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          statusAndError(500, "too many connections"));
      return;
    }
    HttpHeaders headers = request.headers();
    ConnectInfo info =
        new ConnectInfo(
            params,
            headers.get(AUTH_TOKEN_HEADER),
            HttpRequestHandler.lowerCaseHeaders(headers),
            (InetSocketAddress) ctx.channel().remoteAddress());
    Thread.startVirtualThread(
        () -> {
          ConnectResult result = HttpRequestHandler.connect(endpoint, info);
          if (!(result instanceof ConnectResult.Accept accept)) {
            endpoint.transportStats().closed();
            status(ctx, keepAlive, 403);
            return;
          }
          LongPollSession session = endpoint.openLongPoll(serializer, accept, params);
          String token = sessions.token(session);
          send(ctx, keepAlive, HttpResponseStatus.OK, body(410, token, List.of()));
        });
  }

  // ---- answers

  private LongPollSession.Answer pollAnswer(
      ChannelHandlerContext ctx, boolean keepAlive, String token) {
    return new LongPollSession.Answer() {
      @Override
      public boolean waiting() {
        return ctx.channel().isActive();
      }

      @Override
      public void send(int status, List<String> messages) {
        if (status == 410) {
          status(ctx, keepAlive, 410);
        } else {
          LongPollHandler.send(
              ctx, keepAlive, HttpResponseStatus.OK, body(status, token, messages));
        }
      }
    };
  }

  private LongPollSession.Answer postAnswer(ChannelHandlerContext ctx, boolean keepAlive) {
    return new LongPollSession.Answer() {
      @Override
      public boolean waiting() {
        return ctx.channel().isActive();
      }

      @Override
      public void send(int status, List<String> messages) {
        if (status == 400) {
          error(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, "invalid frame: session ended");
        } else {
          status(ctx, keepAlive, status);
        }
      }
    };
  }

  private static void preflight(ChannelHandlerContext ctx, FullHttpRequest request, boolean keep) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    headers.set(
        HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
        String.join(
            ", ", request.headers().getAll(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS)));
    headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "get, post, options");
    headers.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "3600");
    headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    write(ctx, keep, response);
  }

  private static Map<String, Object> body(int status, String token, List<String> messages) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("token", token);
    body.put("messages", messages);
    return body;
  }

  private static Map<String, Object> statusAndError(int status, String why) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("error", why);
    return body;
  }

  private static void status(ChannelHandlerContext ctx, boolean keepAlive, int status) {
    send(ctx, keepAlive, HttpResponseStatus.OK, Map.of("status", status));
  }

  /** An HTTP error outside the protocol (Plug's 400 and 413): a JSON body all the same. */
  static void error(
      ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String why) {
    send(ctx, keepAlive, status, statusAndError(status.code(), why));
  }

  private static void send(
      ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body) {
    send(ctx, keepAlive, status, json(body));
  }

  private static void send(
      ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, byte[] json) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(json));
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    write(ctx, keepAlive, response);
  }

  private static byte[] json(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of strings and numbers always serialize", e);
    }
  }

  private static void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse resp) {
    HttpUtil.setContentLength(resp, resp.content().readableBytes());
    if (keepAlive) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(resp);
    } else {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
