package dev.rollcall.channels;

import java.util.Map;

/**
 * A plain HTTP handler an {@link Endpoint} serves beside its socket ({@code /healthz}, pages, an
 * API). Runs on a virtual thread, so it may block.
 */
@FunctionalInterface
public interface HttpRoute {

  /** The largest request body a route receives; a larger one is answered 413 before any route. */
  int MAX_BODY_BYTES = 64 * 1024;

  Response handle(Request request) throws Exception;

  /**
   * @param query decoded query parameters; @param headers lower-case names
   * @param body the request body, empty when there is none (at most {@link #MAX_BODY_BYTES})
   */
  record Request(
      String method,
      String path,
      Map<String, String> query,
      Map<String, String> headers,
      byte[] body) {

    /** A request without a body. */
    public Request(
        String method, String path, Map<String, String> query, Map<String, String> headers) {
      this(method, path, query, headers, new byte[0]);
    }
  }

  record Response(int status, String contentType, byte[] body) {}
}
