/**
 * The Netty transport (internal): the HTTP/WebSocket pipeline ({@link
 * dev.rollcall.channels.transport.EndpointInitializer} lists it whole), the upgrade with vsn,
 * origin, connect and limits, pre-built WebSocket frames for the outbound path, and {@link
 * dev.rollcall.channels.transport.NettyEndpoint}, the {@link dev.rollcall.channels.Endpoint} a user
 * gets from {@code Endpoint.builder()}.
 */
package dev.rollcall.channels.transport;
