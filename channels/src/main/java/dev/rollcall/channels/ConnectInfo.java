package dev.rollcall.channels;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * What a client presents when it connects: query parameters (phoenix.js {@code params}), the bearer
 * token from {@code Sec-WebSocket-Protocol} (phoenix.js {@code authToken}, else null), the request
 * headers (lower-case names) and its address.
 */
public record ConnectInfo(
    Map<String, String> params,
    String authToken,
    Map<String, String> headers,
    InetSocketAddress remoteAddress) {}
