package dev.rollcall.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The V2 binary frame layouts, as Phoenix and phoenix.js write them: every header field is one
 * unsigned byte, every string field UTF-8 of at most 255 bytes, the payload is the rest of the
 * frame. Stateless.
 *
 * <pre>
 * push      client → server  0, len(join_ref), len(ref), len(topic), len(event), join_ref, ref, topic, event, payload
 * push      server → client  0, len(join_ref), len(topic), len(event), join_ref, topic, event, payload  (no ref)
 * reply     server → client  1, len(join_ref), len(ref), len(topic), len(status), join_ref, ref, topic, status, payload
 * broadcast server → client  2, len(topic), len(event), topic, event, payload
 * </pre>
 *
 * A null join_ref or ref is written as the empty string (as Phoenix's {@code to_string(nil)}), and
 * an empty field is read back as the empty string, not null (as phoenix.js does).
 */
final class BinaryFrames {
  static final byte PUSH = 0;
  static final byte REPLY = 1;
  static final byte BROADCAST = 2;

  private BinaryFrames() {}

  /** Server → client: reply (kind 1), broadcast (kind 2, both refs null) or push (kind 0). */
  static byte[] encodeServer(Message message) {
    if (message.payload() instanceof ReplyPayload reply) {
      return frame(
          REPLY,
          bytes(reply.response()),
          message.joinRef(),
          message.ref(),
          message.topic(),
          reply.status());
    }
    byte[] payload = bytes(message.payload());
    if (message.joinRef() == null && message.ref() == null) {
      return frame(BROADCAST, payload, message.topic(), message.event());
    }
    // Like Phoenix, a server push has no ref field: the ref of a binary push is not sent.
    return frame(PUSH, payload, message.joinRef(), message.topic(), message.event());
  }

  /** Client → server push (kind 0), as phoenix.js {@code binaryEncode} writes it. */
  static byte[] encodeClientPush(Message message) {
    return frame(
        PUSH,
        bytes(message.payload()),
        message.joinRef(),
        message.ref(),
        message.topic(),
        message.event());
  }

  /** Client → server: only kind 0 (push) exists. */
  static Message decodeClientPush(byte[] frame) throws ProtocolException {
    Reader reader = new Reader(frame);
    int kind = reader.kind();
    if (kind != PUSH) {
      throw new ProtocolException("unexpected binary frame kind " + kind);
    }
    int[] sizes = reader.sizes(4);
    String joinRef = reader.string(sizes[0], "join_ref");
    String ref = reader.string(sizes[1], "ref");
    String topic = reader.string(sizes[2], "topic");
    String event = reader.string(sizes[3], "event");
    return new Message(joinRef, ref, topic, event, reader.rest());
  }

  /**
   * Server → client, as phoenix.js {@code binaryDecode} reads it: a reply's payload becomes a
   * {@link ReplyPayload} whose response is the bytes; a push has a null ref; a broadcast null refs.
   */
  static Message decodeServer(byte[] frame) throws ProtocolException {
    Reader reader = new Reader(frame);
    int kind = reader.kind();
    switch (kind) {
      case PUSH -> {
        int[] sizes = reader.sizes(3);
        String joinRef = reader.string(sizes[0], "join_ref");
        String topic = reader.string(sizes[1], "topic");
        String event = reader.string(sizes[2], "event");
        return new Message(joinRef, null, topic, event, reader.rest());
      }
      case REPLY -> {
        int[] sizes = reader.sizes(4);
        String joinRef = reader.string(sizes[0], "join_ref");
        String ref = reader.string(sizes[1], "ref");
        String topic = reader.string(sizes[2], "topic");
        String status = reader.string(sizes[3], "status");
        return new Message(
            joinRef, ref, topic, Message.REPLY, new ReplyPayload(status, reader.rest()));
      }
      case BROADCAST -> {
        int[] sizes = reader.sizes(2);
        String topic = reader.string(sizes[0], "topic");
        String event = reader.string(sizes[1], "event");
        return new Message(null, null, topic, event, reader.rest());
      }
      default -> throw new ProtocolException("unexpected binary frame kind " + kind);
    }
  }

  private static byte[] bytes(Object payload) {
    if (payload instanceof byte[] bytes) {
      return bytes;
    }
    throw new IllegalArgumentException("a binary frame needs a byte[] payload");
  }

  /** Fields are given in header order; names are only for the overflow message. */
  private static byte[] frame(byte kind, byte[] payload, String... fields) {
    byte[][] encoded = new byte[fields.length][];
    int length = 1 + fields.length + payload.length;
    for (int i = 0; i < fields.length; i++) {
      encoded[i] = fields[i] == null ? new byte[0] : fields[i].getBytes(StandardCharsets.UTF_8);
      if (encoded[i].length > 255) {
        throw new IllegalArgumentException(
            "unable to convert "
                + fieldName(kind, fields.length, i)
                + " to binary: must be less than or equal to 255 bytes, but is "
                + encoded[i].length
                + " bytes");
      }
      length += encoded[i].length;
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    out.put(kind);
    for (byte[] field : encoded) {
      out.put((byte) field.length);
    }
    for (byte[] field : encoded) {
      out.put(field);
    }
    out.put(payload);
    return out.array();
  }

  private static String fieldName(byte kind, int count, int index) {
    String[] names =
        switch (kind) {
          case REPLY -> new String[] {"join_ref", "ref", "topic", "status"};
          case BROADCAST -> new String[] {"topic", "event"};
          default ->
              count == 4
                  ? new String[] {"join_ref", "ref", "topic", "event"}
                  : new String[] {"join_ref", "topic", "event"};
        };
    return names[index];
  }

  /** A cursor over one frame; every read checks the bounds. */
  private static final class Reader {
    private final byte[] frame;
    private int position;

    Reader(byte[] frame) {
      this.frame = frame;
    }

    int kind() throws ProtocolException {
      if (frame.length == 0) {
        throw new ProtocolException("empty binary frame");
      }
      return frame[position++] & 0xFF;
    }

    int[] sizes(int count) throws ProtocolException {
      if (frame.length - position < count) {
        throw new ProtocolException("truncated binary frame header");
      }
      int[] sizes = new int[count];
      for (int i = 0; i < count; i++) {
        sizes[i] = frame[position++] & 0xFF;
      }
      return sizes;
    }

    String string(int size, String field) throws ProtocolException {
      if (frame.length - position < size) {
        throw new ProtocolException("truncated binary frame: " + field);
      }
      try {
        String value =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(frame, position, size))
                .toString();
        position += size;
        return value;
      } catch (CharacterCodingException e) {
        throw new ProtocolException("invalid UTF-8 in " + field);
      }
    }

    byte[] rest() {
      return Arrays.copyOfRange(frame, position, frame.length);
    }
  }
}
