package dev.rollcall.bench.jmh;

import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.V2JsonSerializer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One broadcast to N subscribers: encoded once and shared (Phoenix's fastlane) versus encoded for
 * each subscriber. The per-subscriber work stops at the frame handed to the socket; the write
 * itself is the same in both and is left out.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BroadcastBenchmark {
  @Param({"1000"})
  public int subscribers;

  private final Message notification;

  public BroadcastBenchmark() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("body", "hello everyone");
    payload.put("timestamp", 1795866032L);
    payload.put("from", "Giant Superman IX");
    notification = new Message(null, null, "notifications:lobby", "notification", payload);
  }

  @Benchmark
  public void encodeOnce(Blackhole sink) {
    ByteBuf shared = Unpooled.wrappedBuffer(V2JsonSerializer.INSTANCE.encode(notification).bytes());
    for (int i = 0; i < subscribers; i++) {
      sink.consume(new TextWebSocketFrame(shared.retainedDuplicate()));
    }
    shared.release();
  }

  @Benchmark
  public void encodePerSubscriber(Blackhole sink) {
    for (int i = 0; i < subscribers; i++) {
      ByteBuf own = Unpooled.wrappedBuffer(V2JsonSerializer.INSTANCE.encode(notification).bytes());
      sink.consume(new TextWebSocketFrame(own));
    }
  }
}
