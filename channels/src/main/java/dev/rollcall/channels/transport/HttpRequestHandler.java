package dev.rollcall.channels.transport;

import dev.rollcall.channels.ConnectInfo;
import dev.rollcall.channels.ConnectResult;
import dev.rollcall.channels.HttpRoute;
import dev.rollcall.protocol.Serializer;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
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
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request before the upgrade: the WebSocket upgrade at {@code socketPath + "/websocket"}
 * (method, upgrade header, origin, vsn, connection limit, then the socket's connect callback),
 * plain HTTP routes and static resources.
 *
 * <p>Confined to the connection's event loop, except user callbacks ({@code connect}, routes),
 * which run on a virtual thread so they may block.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpRequestHandler.class);
  static final String SUBPROTOCOL = "phoenix";

  private final NettyEndpoint endpoint;

  HttpRequestHandler(NettyEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST);
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path = uri.path();
    String socketPath = endpoint.config().socketPath();
    if (path.equals(socketPath + "/websocket")) {
      upgrade(ctx, request, uri);
    } else if (path.equals(socketPath + "/longpoll")) {
      endpoint.longPoll().handle(ctx, request, uri);
    } else if (path.equals(socketPath) || path.startsWith(socketPath + "/")) {
      respond(ctx, request, HttpResponseStatus.NOT_FOUND);
    } else if (!request.method().equals(HttpMethod.GET)
        && endpoint.route(request.method().name(), path) == null) {
      respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED);
    } else {
      serve(ctx, request, uri);
    }
  }

  // ---- WebSocket upgrade

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
    HttpHeaders headers = request.headers();
    if (!request.method().equals(HttpMethod.GET)
        || !headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST);
      return;
    }
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    if (!endpoint.originCheck().allows(origin)) {
      log.warn("refusing WebSocket from origin {}: not in allowedOrigins", origin);
      respond(ctx, request, HttpResponseStatus.FORBIDDEN);
      return;
    }
    Map<String, String> params = socketParams(uri.parameters());
    String vsn = params.get("vsn");
    Serializer serializer = Serializer.forVsn(vsn);
    if (serializer == null) {
      log.info("refusing WebSocket with unsupported vsn \"{}\"", vsn);
      respond(ctx, request, HttpResponseStatus.FORBIDDEN);
      return;
    }
    if (!endpoint.transportStats().tryOpen(endpoint.config().maxConnections())) {
      log.warn("refusing WebSocket: {} connections open", endpoint.config().maxConnections());
      respond(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE);
      return;
    }
    ConnectInfo info =
        new ConnectInfo(
            params,
            BearerToken.from(headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)),
            lowerCaseHeaders(headers),
            (InetSocketAddress) ctx.channel().remoteAddress());
    request.retain();
    Thread.startVirtualThread(
        () -> {
          ConnectResult result = connect(endpoint, info);
          ctx.executor()
              .execute(
                  () -> {
                    try {
                      finishUpgrade(ctx, request, serializer, info, result);
                    } finally {
                      request.release();
                    }
                  });
        });
  }

  /** The socket's connect callback; a null or a throw refuses (runs on a virtual thread). */
  static ConnectResult connect(NettyEndpoint endpoint, ConnectInfo info) {
    try {
      ConnectResult result = endpoint.socket().connect(info);
      return result == null ? ConnectResult.refuse() : result;
    } catch (Throwable e) {
      log.error("socket connect failed; refusing the connection", e);
      return ConnectResult.refuse();
    }
  }

  private void finishUpgrade(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      Serializer serializer,
      ConnectInfo info,
      ConnectResult result) {
    if (!(result instanceof ConnectResult.Accept accept) || !ctx.channel().isActive()) {
      endpoint.transportStats().closed();
      respond(ctx, request, HttpResponseStatus.FORBIDDEN);
      return;
    }
    String url =
        (endpoint.sslContext() == null ? "ws://" : "wss://")
            + request.headers().get(HttpHeaderNames.HOST, "localhost")
            + request.uri();
    boolean deflate =
        endpoint.config().compress()
            && PerMessageDeflate.offered(
                request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshakerFactory(
                url,
                SUBPROTOCOL,
                deflate ? endpoint.deflateDecoderConfig() : endpoint.decoderConfig())
            .newHandshaker(request);
    if (handshaker == null) {
      endpoint.transportStats().closed();
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    Connection connection =
        endpoint.open(ctx.channel(), serializer, accept, info.params(), deflate);
    HttpHeaders responseHeaders = new DefaultHttpHeaders();
    if (deflate) {
      responseHeaders.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, PerMessageDeflate.RESPONSE);
    }
    handshaker
        .handshake(ctx.channel(), request, responseHeaders, ctx.channel().newPromise())
        .addListener(
            f -> {
              if (f.isSuccess()) {
                EndpointInitializer.switchToWebSocket(ctx.pipeline(), connection, endpoint);
              } else {
                endpoint.closed(connection);
                ctx.close();
              }
            });
  }

  // ---- plain HTTP

  private void serve(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
    String path = uri.path();
    HttpRoute route = endpoint.route(request.method().name(), path);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (route != null) {
      HttpRoute.Request routeRequest =
          new HttpRoute.Request(
              request.method().name(),
              path,
              firstValues(uri.parameters()),
              lowerCaseHeaders(request.headers()),
              ByteBufUtil.getBytes(request.content()));
      Thread.startVirtualThread(
          () -> {
            HttpRoute.Response response;
            try {
              response = route.handle(routeRequest);
            } catch (Throwable e) {
              log.error("route {} failed", path, e);
              response = new HttpRoute.Response(500, "text/plain; charset=utf-8", new byte[0]);
            }
            write(ctx, keepAlive, response);
          });
      return;
    }
    StaticResources.Resource resource =
        endpoint.staticResources() == null ? null : endpoint.staticResources().find(path);
    if (resource == null) {
      respond(ctx, request, HttpResponseStatus.NOT_FOUND);
    } else {
      write(ctx, keepAlive, new HttpRoute.Response(200, resource.contentType(), resource.body()));
    }
  }

  private static void write(
      ChannelHandlerContext ctx, boolean keepAlive, HttpRoute.Response response) {
    byte[] body = response.body() == null ? new byte[0] : response.body();
    FullHttpResponse http =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(response.status()),
            Unpooled.wrappedBuffer(body));
    if (response.contentType() != null) {
      http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    }
    send(ctx, keepAlive, http);
  }

  /**
   * A socket's connect params, which it keeps for its life: names are interned (a node sees a
   * handful of distinct ones), and so is the value of {@code vsn}, one of a few protocol versions,
   * so that 10 000 sockets do not each hold their own "vsn" and "2.0.0" (~100 bytes each).
   */
  static Map<String, String> socketParams(Map<String, List<String>> parameters) {
    Map<String, String> first = HashMap.newHashMap(parameters.size());
    parameters.forEach(
        (name, values) -> {
          String value = values.isEmpty() ? "" : values.get(0);
          first.put(name.intern(), name.equals("vsn") ? value.intern() : value);
        });
    return Map.copyOf(first);
  }

  /** An empty-bodied status (Phoenix answers refused upgrades with an empty 403). */
  private static void respond(
      ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status) {
    send(
        ctx,
        HttpUtil.isKeepAlive(request),
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER));
  }

  private static void send(
      ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close(); // an HTTP connection that went quiet
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  static Map<String, String> firstValues(Map<String, List<String>> parameters) {
    Map<String, String> first = new HashMap<>(parameters.size());
    parameters.forEach((name, values) -> first.put(name, values.isEmpty() ? "" : values.get(0)));
    return Map.copyOf(first);
  }

  static Map<String, String> lowerCaseHeaders(HttpHeaders headers) {
    Map<String, String> map = new HashMap<>();
    for (Map.Entry<String, String> header : headers) {
      map.merge(
          header.getKey().toLowerCase(Locale.ROOT), header.getValue(), (a, b) -> a + ", " + b);
    }
    return Map.copyOf(map);
  }
}
