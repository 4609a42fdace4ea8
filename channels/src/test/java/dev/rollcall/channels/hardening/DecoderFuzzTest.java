package dev.rollcall.channels.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.protocol.Message;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.Serializer;
import dev.rollcall.protocol.V1JsonSerializer;
import dev.rollcall.protocol.V2JsonSerializer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The decoders against mutations of valid frames: every input decodes to a message or fails with a
 * {@link ProtocolException} (which the transport turns into close code 1007), and a decoded message
 * can be encoded again (the echo a channel might send back).
 */
class DecoderFuzzTest {

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void v2FramesDecodeOrAreRefused(@ForAll("v2") FuzzFrame frame) {
    assertDecodesOrRefuses(V2JsonSerializer.INSTANCE, frame);
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void v1FramesDecodeOrAreRefused(@ForAll("v1") FuzzFrame frame) {
    assertDecodesOrRefuses(V1JsonSerializer.INSTANCE, frame);
  }

  @Provide
  Arbitrary<FuzzFrame> v2() {
    return FuzzFrames.frames(Vsn.V2);
  }

  @Provide
  Arbitrary<FuzzFrame> v1() {
    return FuzzFrames.frames(Vsn.V1);
  }

  private static void assertDecodesOrRefuses(Serializer serializer, FuzzFrame frame) {
    Message message;
    try {
      message =
          (frame.firstByte() & 0x0F) == RawWebSocket.BINARY
              ? serializer.decodeBinary(frame.payload())
              : serializer.decodeText(new String(frame.payload(), StandardCharsets.UTF_8));
    } catch (ProtocolException refused) {
      assertThat(refused.getMessage()).as("a protocol error says why").isNotBlank();
      return;
    }
    assertThat(message).isNotNull();
    assertThatNoException()
        .as("re-encoding " + message)
        .isThrownBy(() -> serializer.encode(message));
  }
}
