package dev.rollcall.spring;

import dev.rollcall.channels.Channel;
import java.util.function.Supplier;

/**
 * A channel declared as a bean: topics matching {@code pattern} ({@code "room:*"} or an exact
 * topic) start a new channel from {@code channel} for each join, as {@code Socket.Builder.channel}
 * does. Declare one {@code @Bean} per pattern.
 */
public record ChannelRoute(String pattern, Supplier<? extends Channel> channel) {
  public ChannelRoute {
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException("a channel route needs a topic pattern");
    }
    if (channel == null) {
      throw new IllegalArgumentException("a channel route needs a channel supplier: " + pattern);
    }
  }
}
