/**
 * The Phoenix Channels server: what an application writes against ({@code Channel}, {@code Socket},
 * {@code Endpoint}, replies, broadcasts, {@code Token}) is {@code dev.rollcall.channels}; the Netty
 * transport and the socket and channel processes behind it are internal.
 */
module dev.rollcall.channels {
  requires transitive dev.rollcall.pubsub;
  requires transitive dev.rollcall.protocol;
  requires com.fasterxml.jackson.databind;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires org.slf4j;

  exports dev.rollcall.channels;

  uses dev.rollcall.channels.Endpoint.Builder;

  provides dev.rollcall.channels.Endpoint.Builder with
      dev.rollcall.channels.transport.NettyEndpoint.Builder;
}
