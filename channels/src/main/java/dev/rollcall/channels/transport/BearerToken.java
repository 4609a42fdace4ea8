package dev.rollcall.channels.transport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The auth token phoenix.js sends as a WebSocket subprotocol ({@code authToken} option): {@code
 * Sec-WebSocket-Protocol: phoenix, base64url.bearer.phx.<token in base64, no padding>}.
 */
final class BearerToken {
  static final String PREFIX = "base64url.bearer.phx.";

  private BearerToken() {}

  /** The decoded token from a {@code Sec-WebSocket-Protocol} header, or null if none is there. */
  static String from(String subprotocols) {
    if (subprotocols == null) {
      return null;
    }
    for (String entry : subprotocols.split(",")) {
      String protocol = entry.trim();
      if (protocol.startsWith(PREFIX)) {
        return decode(protocol.substring(PREFIX.length()));
      }
    }
    return null;
  }

  private static String decode(String encoded) {
    // phoenix.js encodes with btoa (standard alphabet) and strips '='; accept the URL alphabet too.
    String standard = encoded.replace('-', '+').replace('_', '/');
    try {
      return new String(Base64.getDecoder().decode(pad(standard)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String pad(String base64) {
    int rest = base64.length() % 4;
    return rest == 0 ? base64 : base64 + "=".repeat(4 - rest);
  }
}
