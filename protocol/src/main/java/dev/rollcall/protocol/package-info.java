/**
 * The Phoenix Channels wire protocol: {@link dev.rollcall.protocol.Message} and the serializers for
 * V1 (JSON objects), V2 (JSON arrays) and V2 binary frames. Pure: no I/O, no Netty. Shared by the
 * server ({@code channels}), the Java client ({@code client}) and the load generator.
 */
package dev.rollcall.protocol;
