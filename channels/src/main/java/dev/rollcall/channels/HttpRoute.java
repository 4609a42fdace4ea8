package dev.rollcall.channels;

import java.util.Map;

/** A plain HTTP handler an {@link Endpoint} serves beside its socket ({@code /healthz}, pages). */
@FunctionalInterface
public interface HttpRoute {

  Response handle(Request request) throws Exception;

  /**
   * @param query decoded query parameters; @param headers lower-case names
   */
  record Request(
      String method, String path, Map<String, String> query, Map<String, String> headers) {}

  record Response(int status, String contentType, byte[] body) {}
}
