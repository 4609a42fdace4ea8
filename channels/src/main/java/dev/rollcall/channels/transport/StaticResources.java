package dev.rollcall.channels.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Files served from the classpath under one root ("/" → index.html). Immutable; reads on each
 * request (pages are small and the JVM caches the jar).
 */
record StaticResources(String root, ClassLoader loader) {

  record Resource(String contentType, byte[] body) {}

  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("map", "application/json"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("webp", "image/webp"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("wasm", "application/wasm"));

  static StaticResources of(String root) {
    String trimmed = root.replaceAll("^/+", "").replaceAll("/+$", "");
    return new StaticResources(trimmed, StaticResources.class.getClassLoader());
  }

  /** The resource for a request path, or null (404). */
  Resource find(String path) {
    String relative = path.equals("/") || path.isEmpty() ? "index.html" : path.substring(1);
    if (relative.endsWith("/")) {
      relative += "index.html";
    }
    if (relative.contains("..") || relative.contains("\\") || relative.startsWith("/")) {
      return null;
    }
    String name = root.isEmpty() ? relative : root + "/" + relative;
    URL url = loader.getResource(name);
    if (url == null || isDirectory(url)) {
      return null;
    }
    try (InputStream in = url.openStream()) {
      return new Resource(contentType(relative), in.readAllBytes());
    } catch (IOException e) {
      return null; // a directory inside a jar, for instance
    }
  }

  private static boolean isDirectory(URL url) {
    try {
      return "file".equals(url.getProtocol()) && Files.isDirectory(Path.of(url.toURI()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return true;
    }
  }

  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }
}
