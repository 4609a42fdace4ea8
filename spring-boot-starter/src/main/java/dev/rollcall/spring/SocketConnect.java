package dev.rollcall.spring;

import dev.rollcall.channels.ConnectInfo;
import dev.rollcall.channels.ConnectResult;

/**
 * Phoenix's {@code UserSocket.connect/3} as a bean: decides whether a connection may open (from its
 * params, e.g. a token) and what it carries to every channel. Without such a bean, every connection
 * is accepted.
 */
@FunctionalInterface
public interface SocketConnect {
  ConnectResult connect(ConnectInfo info);
}
