package dev.rollcall.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One notification as a page receives it: {@code {"body", "timestamp", "from"}}, timestamp in
 * seconds as an integer (as Phoenix's {@code System.system_time(:second)}).
 */
public record Notification(String body, long timestamp, String from) {

  /** The sender name of notifications from {@link NotificationsService}. */
  public static final String SERVICE = "dispatch";

  public static final String EVENT = "notification";

  /** A plain map, so any PubSub codec carries it between nodes. */
  public Map<String, Object> payload() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("body", body);
    payload.put("timestamp", timestamp);
    payload.put("from", from);
    return payload;
  }
}
