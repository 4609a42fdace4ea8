package dev.rollcall.client.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** phoenix.js {@code endPointURL}: endpoint + {@code /websocket} + params + {@code vsn}. */
public final class EndpointUrl {
  private EndpointUrl() {}

  public static URI of(String endpoint, Map<String, String> params) {
    URI uri = URI.create(endpoint);
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new IllegalArgumentException("endpoint must be ws:// or wss://, not " + endpoint);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("endpoint has no host: " + endpoint);
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    path = (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + "/websocket";
    var query = new StringBuilder(uri.getRawQuery() == null ? "" : uri.getRawQuery());
    params.forEach((key, value) -> append(query, key, value));
    if (!params.containsKey("vsn")) {
      append(query, "vsn", "2.0.0");
    }
    return URI.create(scheme + "://" + uri.getRawAuthority() + path + "?" + query);
  }

  private static void append(StringBuilder query, String key, String value) {
    if (!query.isEmpty()) {
      query.append('&');
    }
    query
        .append(URLEncoder.encode(key, StandardCharsets.UTF_8))
        .append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }
}
