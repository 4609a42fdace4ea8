package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.EndpointConfig;
import dev.rollcall.channels.channel.ChannelCounters;
import dev.rollcall.channels.channel.SocketSession;
import dev.rollcall.channels.testing.Recorder;
import dev.rollcall.channels.testing.TestSocket;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.Serializer;
import dev.rollcall.pubsub.Delivery;
import dev.rollcall.pubsub.LocalPubSub;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Codec-level checks on Netty's EmbeddedChannel: pre-built frames, fastlane sharing, UTF-8. */
class FrameCodecTest {
  private static final Serializer V2 = Serializer.forVsn("2.0.0");

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 1000, 65535, 65536, 70000})
  void preBuiltFramesAreWhatAWebSocketDecoderReads(int length) {
    byte[] payload = new byte[length];
    Arrays.fill(payload, (byte) 'a');
    for (boolean binary : new boolean[] {false, true}) {
      ByteBuf frame =
          FrameBytes.frame(ByteBufAllocator.DEFAULT, new Serializer.Encoded(binary, payload));
      WebSocketFrame decoded = clientDecode(frame);
      assertThat(decoded)
          .isInstanceOf(binary ? BinaryWebSocketFrame.class : TextWebSocketFrame.class);
      assertThat(decoded.isFinalFragment()).isTrue();
      assertThat(ByteBufUtil.getBytes(decoded.content())).isEqualTo(payload);
      decoded.release();
    }
  }

  @Test
  void aBroadcastIsEncodedOnceAndItsBytesSharedByEveryConnection() {
    AtomicInteger encodes = new AtomicInteger();
    Serializer counting = new CountingSerializer(V2, encodes);
    List<EmbeddedChannel> channels = new ArrayList<>();
    List<Connection> connections = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      EmbeddedChannel channel = new EmbeddedChannel();
      channels.add(channel);
      connections.add(new Connection(channel, counting, new EndpointStats()));
    }
    Broadcast broadcast = new Broadcast("room:x", "shout", Map.of("n", 1));
    Delivery delivery = new Delivery("room:x", broadcast, null);
    connections.forEach(c -> c.writeBroadcast(delivery, broadcast));

    assertThat(encodes).hasValue(1);
    ByteBuf first = null;
    for (EmbeddedChannel channel : channels) {
      channel.runPendingTasks();
      ByteBuf written = channel.readOutbound();
      if (first == null) {
        first = written;
      }
      // the same memory, not a copy per connection
      assertThat(written.memoryAddress()).isEqualTo(first.memoryAddress());
      WebSocketFrame decoded = clientDecode(written.duplicate());
      assertThat(decoded.content().toString(StandardCharsets.UTF_8))
          .isEqualTo("[null,null,\"room:x\",\"shout\",{\"n\":1}]");
      decoded.release();
    }
  }

  @Test
  void invalidUtf8InATextFrameCloses1007() {
    EmbeddedChannel channel = upgradedChannel();
    channel.writeInbound(
        new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'[', (byte) 0xC3, 0x28, ']'})));
    channel.runPendingTasks();

    CloseWebSocketFrame close = channel.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1007);
    close.release();
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 1000, 4000})
  void aClientCloseIsEchoedWithItsCode(int code) {
    EmbeddedChannel channel = upgradedChannel();
    channel.writeInbound(
        code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "bye"));
    channel.runPendingTasks();

    CloseWebSocketFrame echo = channel.readOutbound();
    assertThat(echo.statusCode()).isEqualTo(code);
    echo.release();
    assertThat(channel.isOpen()).isFalse();
  }

  /**
   * A SocketHandler with its connection and session, as after an upgrade, on an EmbeddedChannel.
   */
  private static EmbeddedChannel upgradedChannel() {
    EmbeddedChannel channel = new EmbeddedChannel();
    Connection connection = new Connection(channel, V2, new EndpointStats());
    connection.attach(
        new SocketSession(
            TestSocket.create(new Recorder()),
            EndpointConfig.defaults(),
            new LocalPubSub("test"),
            connection,
            connection,
            new ChannelCounters(),
            Map.of(),
            null,
            Map.of(),
            System::nanoTime));
    channel.pipeline().addLast(new SocketHandler(connection, closed -> {}));
    return channel;
  }

  /** Decodes a server frame as a client would (server frames are unmasked). */
  private static WebSocketFrame clientDecode(ByteBuf frame) {
    EmbeddedChannel client =
        new EmbeddedChannel(
            new WebSocket13FrameDecoder(
                WebSocketDecoderConfig.newBuilder()
                    .expectMaskedFrames(false)
                    .maxFramePayloadLength(1 << 20)
                    .build()));
    client.writeInbound(frame);
    WebSocketFrame decoded = client.readInbound();
    assertThat(decoded).as("one complete frame").isNotNull();
    return decoded;
  }

  private record CountingSerializer(Serializer delegate, AtomicInteger encodes)
      implements Serializer {
    @Override
    public String vsn() {
      return delegate.vsn();
    }

    @Override
    public Message decodeText(String text) throws ProtocolException {
      return delegate.decodeText(text);
    }

    @Override
    public Message decodeBinary(byte[] bytes) throws ProtocolException {
      return delegate.decodeBinary(bytes);
    }

    @Override
    public Encoded encode(Message message) {
      encodes.incrementAndGet();
      return delegate.encode(message);
    }
  }
}
