package dev.rollcall.client.frames;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How one {@link ClientSocket} connects.
 *
 * @param params query parameters added to the URL (as phoenix.js {@code params}); {@code vsn}
 *     defaults to 2.0.0 when neither the URL nor params set it
 * @param authToken sent as phoenix.js does, in {@code Sec-WebSocket-Protocol}; null for none
 * @param localAddress source address to bind (127.0.0.2, ... to get past the ephemeral ports of one
 *     address pair); null for any
 * @param heartbeatInterval period of {@code heartbeat} pushes on {@code phoenix}; null for none
 * @param listener receives every frame on the event loop; null to collect them in the socket's
 *     mailbox for {@link ClientSocket#expect}
 * @param rawText hand text frames undecoded to {@link ClientListener#onText} (for peers that are
 *     not Phoenix, such as the load generator's Socket.IO baseline); needs a listener
 */
public record SocketOptions(
    Map<String, String> params,
    String authToken,
    InetAddress localAddress,
    Duration heartbeatInterval,
    ClientListener listener,
    boolean rawText) {

  public SocketOptions {
    params = Map.copyOf(Objects.requireNonNull(params, "params"));
    if (heartbeatInterval != null && heartbeatInterval.isNegative()) {
      throw new IllegalArgumentException("heartbeatInterval must not be negative");
    }
    if (rawText && listener == null) {
      throw new IllegalArgumentException("rawText needs a listener");
    }
  }

  /** No params, no token, any source address, no heartbeat, frames into the mailbox. */
  public static SocketOptions defaults() {
    return new SocketOptions(Map.of(), null, null, null, null, false);
  }

  public SocketOptions withParams(Map<String, String> value) {
    return new SocketOptions(value, authToken, localAddress, heartbeatInterval, listener, rawText);
  }

  public SocketOptions withAuthToken(String value) {
    return new SocketOptions(params, value, localAddress, heartbeatInterval, listener, rawText);
  }

  public SocketOptions withLocalAddress(InetAddress value) {
    return new SocketOptions(params, authToken, value, heartbeatInterval, listener, rawText);
  }

  public SocketOptions withHeartbeat(Duration value) {
    return new SocketOptions(params, authToken, localAddress, value, listener, rawText);
  }

  public SocketOptions withListener(ClientListener value) {
    return new SocketOptions(params, authToken, localAddress, heartbeatInterval, value, rawText);
  }

  public SocketOptions withRawText(boolean value) {
    return new SocketOptions(params, authToken, localAddress, heartbeatInterval, listener, value);
  }
}
