package dev.rollcall.dispatch.admin;

import dev.rollcall.channels.HttpRoute;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /admin}: the dashboard's page, which is only a sign-in form until the API key is
 * accepted by the {@code admin:dashboard} channel (the figures travel only over that channel). With
 * no API key configured it answers 404 with a page that says the dashboard is disabled. Immutable:
 * the page is read once.
 */
public final class AdminPageRoute implements HttpRoute {
  private static final String HTML = "text/html; charset=utf-8";
  static final String DISABLED_PAGE =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"UTF-8\"><title>Rollcall ·"
          + " dashboard disabled</title></head><body><h1>The operator dashboard is"
          + " disabled</h1><p data-testid=\"disabled\">This node runs without an API key. Start"
          + " it with <code>--api-key</code> (or <code>ROLLCALL_API_KEY</code>) to enable"
          + " <code>/admin</code>.</p></body></html>";

  private final boolean enabled;
  private final byte[] page;

  /**
   * @param page the built page ({@code admin.html} from the jar's {@code public/}), or null when
   *     the jar was built without it
   */
  public AdminPageRoute(AdminKey key, byte[] page) {
    this.enabled = key.enabled();
    this.page = page;
  }

  /** The page as the build put it on the class path, or null. */
  public static byte[] builtPage(ClassLoader loader) {
    try (InputStream in = loader.getResourceAsStream("public/admin.html")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Response handle(Request request) {
    if (!enabled) {
      return new Response(404, HTML, DISABLED_PAGE.getBytes(StandardCharsets.UTF_8));
    }
    if (page == null) {
      return new Response(
          404,
          "application/json",
          "{\"error\":\"not_found\",\"detail\":\"built without the page (-Dpage.skip)\"}"
              .getBytes(StandardCharsets.UTF_8));
    }
    return new Response(200, HTML, page);
  }
}
