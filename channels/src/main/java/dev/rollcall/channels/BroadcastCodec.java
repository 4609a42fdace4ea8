package dev.rollcall.channels;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.pubsub.MessageCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Carries {@link Broadcast}s between nodes (register it with a node-crossing PubSub). The payload
 * travels as JSON and arrives as plain Java values (maps, lists, strings, numbers, booleans, null);
 * a {@code byte[]} payload (a V2 binary broadcast) travels as raw bytes and arrives as {@code
 * byte[]}.
 *
 * <p>Layout: {@code u8 payload kind (0 JSON, 1 binary), utf topic, utf event, payload...}.
 * Stateless and thread-safe.
 */
public final class BroadcastCodec implements MessageCodec {
  private static final int JSON = 0;
  private static final int BINARY = 1;

  private final ObjectMapper mapper = new ObjectMapper();

  public BroadcastCodec() {}

  @Override
  public String kind() {
    return "bcast";
  }

  @Override
  public boolean handles(Object message) {
    return message instanceof Broadcast;
  }

  @Override
  public byte[] encode(Object message) {
    Broadcast broadcast = (Broadcast) message;
    var bytes = new ByteArrayOutputStream(128);
    try (var out = new DataOutputStream(bytes)) {
      boolean binary = broadcast.payload() instanceof byte[];
      out.writeByte(binary ? BINARY : JSON);
      out.writeUTF(broadcast.topic());
      out.writeUTF(broadcast.event());
      if (binary) {
        out.write((byte[]) broadcast.payload());
      } else {
        out.write(mapper.writeValueAsBytes(broadcast.payload()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode broadcast on " + broadcast.topic(), e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object decode(byte[] bytes) {
    var in = new DataInputStream(new ByteArrayInputStream(bytes));
    try {
      int kind = in.readUnsignedByte();
      String topic = in.readUTF();
      String event = in.readUTF();
      byte[] rest = in.readAllBytes();
      Object payload =
          switch (kind) {
            case JSON -> mapper.readValue(rest, Object.class);
            case BINARY -> rest;
            default -> throw new IllegalArgumentException("unknown broadcast payload kind " + kind);
          };
      return new Broadcast(topic, event, payload);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an encoded broadcast: " + e.getMessage(), e);
    }
  }
}
