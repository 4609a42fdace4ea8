package dev.rollcall.channels.testing;

import dev.rollcall.channels.ConnectResult;
import dev.rollcall.channels.Socket;
import java.util.HashMap;
import java.util.Map;

/**
 * The socket the spec tests and the Node conformance suite connect to: {@code room:*} is a {@link
 * RoomChannel}. Connect params: {@code token=bad} (or the bearer token {@code forged}) is refused;
 * {@code user=<name>} becomes the assign {@code user}; {@code user_id=<id>} names the socket {@code
 * user_socket:<id>}.
 */
public final class TestSocket {
  private TestSocket() {}

  public static Socket create(Recorder recorder) {
    return Socket.builder()
        .channel("room:*", () -> new RoomChannel(recorder))
        .connect(
            info -> {
              if ("bad".equals(info.params().get("token")) || "forged".equals(info.authToken())) {
                return ConnectResult.refuse();
              }
              Map<String, Object> assigns = new HashMap<>();
              if (info.params().get("user") != null) {
                assigns.put("user", info.params().get("user"));
              }
              if (info.authToken() != null) {
                assigns.put("token", info.authToken());
              }
              String userId = info.params().get("user_id");
              return ConnectResult.accept(assigns, userId == null ? null : "user_socket:" + userId);
            })
        .build();
  }
}
