package dev.rollcall.pubsub.redis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One message between nodes as it travels through Redis: who sent it (node name and the instance of
 * this process), whether it is a broadcast or a direct message, the PubSub topic, and the message
 * encoded by the {@link dev.rollcall.pubsub.MessageCodec} of {@code codecKind}.
 *
 * <p>Layout (big-endian, strings in {@link DataOutputStream#writeUTF} form): {@code "RC", u8
 * version=1, u8 mode ('b'|'d'), utf sender, i64 instance, utf topic, utf codecKind, payload...}
 * (the payload runs to the end). The two magic bytes tell garbage from an envelope; the version
 * comes next so a future layout can change everything after it.
 */
record RedisEnvelope(
    Mode mode, String sender, long instance, String topic, String codecKind, byte[] payload) {

  /** The only layout this release writes and reads. */
  public static final int FORMAT_VERSION = 1;

  private static final byte MAGIC_0 = 'R';
  private static final byte MAGIC_1 = 'C';

  /** Broadcast to every node but the sender, or direct to the node whose channel carries it. */
  public enum Mode {
    BROADCAST((byte) 'b'),
    DIRECT((byte) 'd');

    private final byte wire;

    Mode(byte wire) {
      this.wire = wire;
    }
  }

  public RedisEnvelope {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(codecKind, "codecKind");
    Objects.requireNonNull(payload, "payload");
  }

  public byte[] encode() {
    var bytes = new ByteArrayOutputStream(64 + topic.length() + payload.length);
    try (var out = new DataOutputStream(bytes)) {
      out.writeByte(MAGIC_0);
      out.writeByte(MAGIC_1);
      out.writeByte(FORMAT_VERSION);
      out.writeByte(mode.wire);
      out.writeUTF(sender);
      out.writeLong(instance);
      out.writeUTF(topic);
      out.writeUTF(codecKind);
      out.write(payload);
    } catch (UTFDataFormatException e) {
      throw new IllegalArgumentException("sender, topic or codec kind longer than 65535 bytes", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail otherwise
    }
    return bytes.toByteArray();
  }

  /** Reads {@code bytes}, or says why they are not an envelope this node accepts. */
  public static RedisEnvelope decode(byte[] bytes) throws Rejected {
    if (bytes.length < 3 || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
      throw new Rejected(DropReason.UNPARSEABLE, "not a rollcall envelope");
    }
    if (bytes[2] != FORMAT_VERSION) {
      throw new Rejected(DropReason.UNKNOWN_VERSION, "format version " + (bytes[2] & 0xff));
    }
    var in = new DataInputStream(new ByteArrayInputStream(bytes, 3, bytes.length - 3));
    try {
      Mode mode =
          switch (in.readByte()) {
            case 'b' -> Mode.BROADCAST;
            case 'd' -> Mode.DIRECT;
            default -> throw new Rejected(DropReason.UNPARSEABLE, "unknown mode");
          };
      String sender = in.readUTF();
      long instance = in.readLong();
      String topic = in.readUTF();
      String codecKind = in.readUTF();
      byte[] payload = in.readAllBytes();
      return new RedisEnvelope(mode, sender, instance, topic, codecKind, payload);
    } catch (IOException e) {
      throw new Rejected(DropReason.UNPARSEABLE, "truncated or malformed: " + e);
    }
  }

  // Records compare arrays by identity; envelopes are values, so compare the payload's content.
  @Override
  public boolean equals(Object o) {
    return o instanceof RedisEnvelope e
        && mode == e.mode
        && instance == e.instance
        && sender.equals(e.sender)
        && topic.equals(e.topic)
        && codecKind.equals(e.codecKind)
        && Arrays.equals(payload, e.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, sender, instance, topic, codecKind, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "RedisEnvelope[%s from %s/%x on %s, %s, %d bytes]"
        .formatted(mode, sender, instance, topic, codecKind, payload.length);
  }

  /** Bytes from Redis that are not an acceptable envelope, with the reason counted in metrics. */
  public static final class Rejected extends Exception {
    private final DropReason reason;

    public Rejected(DropReason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }

    public DropReason reason() {
      return reason;
    }
  }
}
