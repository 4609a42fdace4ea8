package dev.rollcall.channels.transport;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The allow-list of {@code EndpointConfig.allowedOrigins}, after Phoenix's {@code check_origin}
 * list: {@code "https://host:port"}, {@code "//host"} (any scheme and port), {@code "//*.host"}
 * (the host and its subdomains). Missing parts of a pattern match anything. Immutable.
 */
record OriginCheck(List<Pattern> patterns) {

  record Pattern(String scheme, String host, int port) {}

  static OriginCheck of(List<String> allowed) {
    return new OriginCheck(allowed.stream().map(OriginCheck::parse).toList());
  }

  /** {@code [scheme:]//host[:port]}; parsed by hand because {@code *.host} is not a URI host. */
  private static Pattern parse(String pattern) {
    int slashes = pattern.indexOf("//");
    if (slashes < 0) {
      throw new IllegalArgumentException("allowed origin must contain //host: " + pattern);
    }
    String scheme =
        slashes == 0
            ? null
            : pattern.substring(0, slashes).replaceAll(":$", "").toLowerCase(Locale.ROOT);
    String authority = pattern.substring(slashes + 2).replaceAll("/.*$", "");
    int colon = authority.lastIndexOf(':');
    int port = -1;
    if (colon >= 0) {
      port = Integer.parseInt(authority.substring(colon + 1));
      authority = authority.substring(0, colon);
    }
    if (authority.isEmpty()) {
      throw new IllegalArgumentException("allowed origin without a host: " + pattern);
    }
    return new Pattern(scheme, authority.toLowerCase(Locale.ROOT), port);
  }

  /** Whether a request with this {@code Origin} header may connect; no header is allowed. */
  boolean allows(String origin) {
    if (patterns.isEmpty() || origin == null) {
      return true; // Phoenix skips the check for requests without an Origin (non-browser clients)
    }
    URI uri;
    try {
      uri = URI.create(origin.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (uri.getHost() == null) {
      return false; // "null" origins (sandboxed frames, file://) never match
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    for (Pattern p : patterns) {
      if ((p.scheme() == null || p.scheme().equals(scheme))
          && (p.port() < 0 || p.port() == port)
          && hostMatches(p.host(), host)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hostMatches(String pattern, String host) {
    if (pattern.startsWith("*.")) {
      String base = pattern.substring(2);
      return host.equals(base) || host.endsWith("." + base);
    }
    return pattern.equals(host);
  }
}
