package dev.rollcall.dispatch.admin;

import dev.rollcall.channels.Channel;
import dev.rollcall.channels.ChannelSocket;
import dev.rollcall.channels.JoinResult;
import dev.rollcall.channels.Reply;

/**
 * {@code admin:dashboard}: joined by the operator dashboard with {@code {"key": <api key>}}. The
 * join reply carries the cluster view and the chart's history; after that the channel only relays
 * the {@code stats} pushes its node's {@link AdminDashboard} broadcasts on the topic. A wrong or
 * missing key is refused with {@code unauthorized}; with no key configured every join is refused
 * with {@code disabled}. One instance per joined dashboard, called on its channel's thread.
 */
public final class AdminChannel implements Channel {
  private final AdminKey key;
  private final AdminDashboard dashboard;

  public AdminChannel(AdminKey key, AdminDashboard dashboard) {
    this.key = key;
    this.dashboard = dashboard;
  }

  @Override
  public JoinResult join(String topic, Object params, ChannelSocket socket) {
    return switch (key.check(params)) {
      case DISABLED -> JoinResult.refuse("disabled");
      case UNAUTHORIZED -> JoinResult.refuse("unauthorized");
      case ALLOWED -> JoinResult.ok(dashboard.joinReply());
    };
  }

  /** The dashboard only listens: any push is answered, and changes nothing. */
  @Override
  public Reply handleIn(String event, Object payload, ChannelSocket socket) {
    return Reply.error("read_only");
  }
}
