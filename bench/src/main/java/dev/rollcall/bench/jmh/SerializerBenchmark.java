package dev.rollcall.bench.jmh;

import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.ReplyPayload;
import dev.rollcall.protocol.Serializer;
import dev.rollcall.protocol.V2JsonSerializer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** V2 encode and decode of the frames the dispatch app sends and receives most. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerializerBenchmark {
  private final Serializer v2 = V2JsonSerializer.INSTANCE;
  private final Message notification;
  private final Message joinReply;
  private final Message binaryPush;
  private final String clientPush =
      "[\"3\",\"7\",\"notifications:lobby\",\"notify_all\",{\"body\":\"hello everyone\"}]";
  private final byte[] clientPushBytes = clientPush.getBytes(StandardCharsets.UTF_8);
  private final byte[] clientBinaryPush;

  public SerializerBenchmark() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("body", "Message to Captain Kick-Ass Eleven from internal service");
    payload.put("timestamp", 1795866032L);
    payload.put("from", "Giant Superman IX");
    notification = new Message(null, null, "notifications:lobby", "notification", payload);
    joinReply =
        new Message(
            "1", "1", "notifications:lobby", Message.REPLY, new ReplyPayload("ok", Map.of()));
    binaryPush = new Message("1", null, "room:1", "blob", new byte[64]);
    clientBinaryPush =
        dev.rollcall.protocol.ClientSerializer.INSTANCE
            .encode(new Message("1", "2", "room:1", "blob", new byte[64]))
            .bytes();
  }

  @Benchmark
  public byte[] encodeBroadcast() {
    return v2.encode(notification).bytes();
  }

  @Benchmark
  public byte[] encodeReply() {
    return v2.encode(joinReply).bytes();
  }

  @Benchmark
  public byte[] encodeBinaryPush() {
    return v2.encode(binaryPush).bytes();
  }

  @Benchmark
  public Message decodePushString() throws ProtocolException {
    return v2.decodeText(clientPush);
  }

  @Benchmark
  public Message decodePushBytes() throws ProtocolException {
    return V2JsonSerializer.INSTANCE.decodeText(clientPushBytes);
  }

  @Benchmark
  public Message decodeBinaryPush() throws ProtocolException {
    return v2.decodeBinary(clientBinaryPush);
  }
}
