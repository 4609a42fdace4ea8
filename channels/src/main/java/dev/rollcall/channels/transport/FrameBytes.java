package dev.rollcall.channels.transport;

import dev.rollcall.protocol.Serializer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * Complete server-to-client WebSocket frames (RFC 6455 §5.2: FIN, opcode, unmasked length, payload)
 * built here rather than by Netty's frame encoder, which copies payloads under 1 KB into a new
 * buffer per connection: a broadcast is framed once and the same bytes go to every subscriber.
 */
final class FrameBytes {
  private static final int FIN = 0x80;

  /** Set on a message compressed with permessage-deflate (RFC 7692 §6). */
  private static final int RSV1 = 0x40;

  private static final int TEXT = 0x1;
  private static final int BINARY = 0x2;

  private FrameBytes() {}

  static int headerLength(int payloadLength) {
    return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
  }

  /** A frame for one connection, in a buffer from {@code alloc}; the write releases it. */
  static ByteBuf frame(ByteBufAllocator alloc, Serializer.Encoded encoded) {
    return frame(alloc, encoded, false);
  }

  /**
   * The same, compressed with permessage-deflate when {@code deflate} and the payload gains from
   * it.
   */
  static ByteBuf frame(ByteBufAllocator alloc, Serializer.Encoded encoded, boolean deflate) {
    byte[] payload = encoded.bytes();
    byte[] compressed = deflate ? PerMessageDeflate.compress(payload) : null;
    if (compressed != null) {
      payload = compressed;
    }
    ByteBuf buf = alloc.directBuffer(headerLength(payload.length) + payload.length);
    writeHeader(buf, encoded.binary(), compressed != null, payload.length);
    return buf.writeBytes(payload);
  }

  /**
   * A frame shared by many connections: direct memory owned by the garbage collector (no refcount
   * to get right across subscribers); write {@code duplicate()}s of it, which never free it.
   */
  static ByteBuf shared(Serializer.Encoded encoded) {
    return shared(encoded, false);
  }

  /** A shared frame, compressed once for all its subscribers when {@code deflate}. */
  static ByteBuf shared(Serializer.Encoded encoded, boolean deflate) {
    byte[] payload = encoded.bytes();
    byte[] compressed = deflate ? PerMessageDeflate.compress(payload) : null;
    if (compressed != null) {
      payload = compressed;
    }
    ByteBuffer memory = ByteBuffer.allocateDirect(headerLength(payload.length) + payload.length);
    ByteBuf buf = Unpooled.wrappedBuffer(memory).clear();
    writeHeader(buf, encoded.binary(), compressed != null, payload.length);
    buf.writeBytes(payload);
    return Unpooled.unreleasableBuffer(buf);
  }

  private static void writeHeader(ByteBuf buf, boolean binary, boolean compressed, int length) {
    buf.writeByte(FIN | (compressed ? RSV1 : 0) | (binary ? BINARY : TEXT));
    if (length < 126) {
      buf.writeByte(length);
    } else if (length <= 0xFFFF) {
      buf.writeByte(126);
      buf.writeShort(length);
    } else {
      buf.writeByte(127);
      buf.writeLong(length);
    }
  }
}
