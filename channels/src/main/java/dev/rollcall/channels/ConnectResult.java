package dev.rollcall.channels;

import java.util.Map;

/** What {@link Socket} connect decides; a refusal is HTTP 403 before the upgrade. */
public sealed interface ConnectResult {

  /**
   * Accepted. {@code assigns} seed every channel's {@link ChannelSocket#assigns()}; {@code id}, if
   * not null, names the connection so {@link Endpoint#disconnect(String)} can close all sockets of
   * one user.
   */
  record Accept(Map<String, Object> assigns, String id) implements ConnectResult {}

  record Refuse() implements ConnectResult {}

  static ConnectResult accept() {
    return new Accept(Map.of(), null);
  }

  static ConnectResult accept(Map<String, Object> assigns, String id) {
    return new Accept(Map.copyOf(assigns), id);
  }

  static ConnectResult refuse() {
    return new Refuse();
  }
}
