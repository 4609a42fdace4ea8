/**
 * A Phoenix Channels client for the JVM: {@code dev.rollcall.client} is shaped like phoenix.js
 * (socket, channels, pushes, presence); {@code dev.rollcall.client.frames} is the frame-level
 * connection for load tools and protocol tests. The Netty connection behind both is internal.
 */
module dev.rollcall.client {
  requires transitive dev.rollcall.protocol;
  requires transitive io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;

  exports dev.rollcall.client;
  exports dev.rollcall.client.frames;
}
