package dev.rollcall.channels.hardening;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.rollcall.channels.testing.Vsn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of what a hostile or broken client sends: valid V1/V2 text frames and V2 binary
 * pushes (random and unknown events, joins of random topics, nested and odd payloads, wrong types,
 * huge numbers, deep nesting), mutations of those bytes (truncation, bit flips, invalid UTF-8, the
 * wrong opcode), and frames that break the WebSocket framing itself.
 */
final class FuzzFrames {
  /** The topic the well-behaved clients chat on; fuzzers never join it. */
  static final String CALM_TOPIC = "room:calm";

  /**
   * Events of the test {@code RoomChannel} that answer any payload without throwing, plus unknown
   * ones (a one-line channel crash). Left out: {@code crash}, {@code sleep}, {@code flood} and
   * {@code subscribe}, whose deliberate failures (stack traces, long sleeps, 32 MB floods) test
   * other things elsewhere.
   */
  private static final List<String> EVENTS =
      List.of(
          "phx_join",
          "phx_leave",
          "heartbeat",
          "echo",
          "shout",
          "shout_others",
          "push",
          "noreply",
          "refuse",
          "stop",
          "send_self",
          "assigns",
          "binary");

  private FuzzFrames() {}

  static Arbitrary<SocketPlan> socketPlans() {
    return Arbitraries.oneOf(socketPlans(Vsn.V1), socketPlans(Vsn.V2));
  }

  private static Arbitrary<SocketPlan> socketPlans(Vsn vsn) {
    return Arbitraries.frequencyOf(Tuple.of(12, frames(vsn)), Tuple.of(1, brokenFrames()))
        .list()
        .ofMinSize(1)
        .ofMaxSize(12)
        .map(frames -> new SocketPlan(vsn, frames));
  }

  /** Well-framed frames for a socket speaking {@code vsn}: valid, mutated, or the wrong kind. */
  static Arbitrary<FuzzFrame> frames(Vsn vsn) {
    Arbitrary<byte[]> text = vsn == Vsn.V2 ? v2Text() : v1Text();
    return Arbitraries.frequencyOf(
        Tuple.of(24, text.map(b -> FuzzFrame.data("valid " + vsn + " text", RawWebSocket.TEXT, b))),
        Tuple.of(
            4,
            Combinators.combine(text, mutations())
                .as((b, m) -> FuzzFrame.data(m.name() + " " + vsn, RawWebSocket.TEXT, m.apply(b)))),
        Tuple.of(1, text.map(b -> FuzzFrame.data(vsn + " text as binary", RawWebSocket.BINARY, b))),
        Tuple.of(2, binaryPush().map(b -> FuzzFrame.data("binary push", RawWebSocket.BINARY, b))),
        Tuple.of(
            1,
            Combinators.combine(binaryPush(), mutations())
                .as(
                    (b, m) ->
                        FuzzFrame.data(m.name() + " binary", RawWebSocket.BINARY, m.apply(b)))),
        Tuple.of(1, deepNesting(vsn)),
        Tuple.of(
            1,
            Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(64)
                .map(b -> FuzzFrame.data("random binary", RawWebSocket.BINARY, b))),
        Tuple.of(
            1,
            Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(64)
                .map(b -> FuzzFrame.data("random text bytes", RawWebSocket.TEXT, b))),
        Tuple.of(
            1,
            Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(16)
                .map(b -> FuzzFrame.data("ping", RawWebSocket.PING, b))));
  }

  /** Frames that break the WebSocket framing (or close it): nothing after them is meaningful. */
  static Arbitrary<FuzzFrame> brokenFrames() {
    Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(32);
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.integers().between(0, 255), small)
            .as((first, b) -> FuzzFrame.wire("first byte " + first, first, true, b.length, b)),
        small.map(b -> FuzzFrame.wire("unmasked text", 0x81, false, b.length, b)),
        Combinators.combine(
                Arbitraries.of(
                    (1L << 20) + 1, 1L << 32, 1L << 40, Long.MAX_VALUE, 0x7FFF_FFFFL, 126L, 65536L),
                small)
            .as(
                (claimed, b) ->
                    FuzzFrame.wire("claims " + claimed + " bytes", 0x81, true, claimed, b)),
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMinSize(126)
            .ofMaxSize(300)
            .map(b -> FuzzFrame.wire("oversized ping", 0x89, true, b.length, b)),
        small.map(b -> FuzzFrame.wire("text fragment", 0x01, true, b.length, b)),
        small.map(b -> FuzzFrame.wire("stray continuation", 0x80, true, b.length, b)),
        small.map(b -> FuzzFrame.wire("close", 0x88, true, b.length, b)),
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMinSize(1)
            .ofMaxSize(64)
            .map(b -> FuzzFrame.wire("raw bytes", 0, false, b.length, b)));
  }

  /** One byte-level change to an encoded frame. */
  record Mutation(String name, int kind, int position, int value) {
    byte[] apply(byte[] frame) {
      if (frame.length == 0) {
        return frame;
      }
      int at = Math.floorMod(position, frame.length);
      return switch (kind) {
        case 0 -> Arrays.copyOf(frame, at);
        case 1 -> {
          byte[] flipped = frame.clone();
          flipped[at] ^= (byte) (1 << (value & 7));
          yield flipped;
        }
        case 2 -> {
          byte[] replaced = frame.clone();
          replaced[at] = (byte) value;
          yield replaced;
        }
        case 3 -> insert(frame, at, INVALID_UTF8[Math.floorMod(value, INVALID_UTF8.length)]);
        case 4 -> insert(frame, at, Arrays.copyOfRange(frame, at, frame.length));
        default -> {
          byte[] shuffled = frame.clone();
          int other = Math.floorMod(value, frame.length);
          byte b = shuffled[at];
          shuffled[at] = shuffled[other];
          shuffled[other] = b;
          yield shuffled;
        }
      };
    }

    private static byte[] insert(byte[] frame, int at, byte[] bytes) {
      byte[] out = new byte[frame.length + bytes.length];
      System.arraycopy(frame, 0, out, 0, at);
      System.arraycopy(bytes, 0, out, at, bytes.length);
      System.arraycopy(frame, at, out, at + bytes.length, frame.length - at);
      return out;
    }
  }

  private static final byte[][] INVALID_UTF8 = {
    {(byte) 0xFF},
    {(byte) 0xC3, 0x28},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a lone surrogate
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
    {(byte) 0xC0, (byte) 0x80}, // overlong NUL
    {(byte) 0xE2, (byte) 0x82} // truncated sequence
  };

  private static final String[] MUTATION_NAMES = {
    "truncated", "bit flip", "byte replaced", "invalid UTF-8", "slice duplicated", "bytes swapped"
  };

  static Arbitrary<Mutation> mutations() {
    return Combinators.combine(
            Arbitraries.integers().between(0, MUTATION_NAMES.length - 1),
            Arbitraries.integers(),
            Arbitraries.integers().between(0, 255))
        .as((kind, position, value) -> new Mutation(MUTATION_NAMES[kind], kind, position, value));
  }

  // ---- valid frames

  static Arbitrary<byte[]> v2Text() {
    return Combinators.combine(refs(), refs(), topics(), events(), json(), extras())
        .as(
            (joinRef, ref, topic, event, payload, extra) -> {
              StringBuilder frame =
                  new StringBuilder("[")
                      .append(joinRef)
                      .append(',')
                      .append(ref)
                      .append(',')
                      .append(topic)
                      .append(',')
                      .append(event)
                      .append(',')
                      .append(payload);
              // wrong arity now and then: fewer than five elements, or extra ones
              String text =
                  extra < 0
                      ? frame.substring(0, Math.max(1, frame.lastIndexOf(","))) + "]"
                      : frame.append(",null".repeat(extra)).append(']').toString();
              return text.getBytes(StandardCharsets.UTF_8);
            });
  }

  static Arbitrary<byte[]> v1Text() {
    return Combinators.combine(refs(), refs(), topics(), events(), json(), extras())
        .as(
            (joinRef, ref, topic, event, payload, extra) -> {
              String text =
                  "{"
                      + (extra < 0 ? "" : "\"join_ref\":" + joinRef + ",")
                      + "\"ref\":"
                      + ref
                      + ",\"topic\":"
                      + topic
                      + ",\"event\":"
                      + event
                      + (extra < 0 ? "" : ",\"payload\":" + payload)
                      + (extra > 0 ? ",\"extra\":" + payload : "")
                      + "}";
              return text.getBytes(StandardCharsets.UTF_8);
            });
  }

  /** A V2 binary push (kind 0): sizes, then join_ref, ref, topic, event, then raw payload. */
  static Arbitrary<byte[]> binaryPush() {
    return Combinators.combine(
            plainRefs(),
            plainRefs(),
            plainTopics(),
            Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(EVENTS)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(8))),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
        .as(
            (joinRef, ref, topic, event, payload) -> {
              byte[][] fields = {utf8(joinRef), utf8(ref), utf8(topic), utf8(event)};
              int length = 5 + payload.length;
              for (byte[] f : fields) {
                length += Math.min(255, f.length);
              }
              ByteBuffer out = ByteBuffer.allocate(length).put((byte) 0);
              for (byte[] f : fields) {
                out.put((byte) Math.min(255, f.length));
              }
              for (byte[] f : fields) {
                out.put(f, 0, Math.min(255, f.length));
              }
              return out.put(payload).array();
            });
  }

  private static FuzzFrame deepNestingFrame(Vsn vsn, int depth, boolean objects) {
    String open = objects ? "{\"a\":" : "[";
    String close = objects ? "}" : "]";
    String payload = open.repeat(depth) + "1" + close.repeat(depth);
    String frame =
        vsn == Vsn.V2
            ? "[\"1\",\"7\",\"room:deep\",\"echo\"," + payload + "]"
            : "{\"ref\":\"7\",\"topic\":\"room:deep\",\"event\":\"echo\",\"payload\":"
                + payload
                + "}";
    return FuzzFrame.data(
        "payload nested " + depth + " deep",
        RawWebSocket.TEXT,
        frame.getBytes(StandardCharsets.UTF_8));
  }

  static Arbitrary<FuzzFrame> deepNesting(Vsn vsn) {
    return Combinators.combine(
            Arbitraries.of(2, 63, 64, 65, 200, 998, 999, 1000, 1001, 5000, 20_000),
            Arbitraries.of(true, false))
        .as((depth, objects) -> deepNestingFrame(vsn, depth, objects));
  }

  private static Arbitrary<String> refs() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, plainRefs().map(FuzzFrames::quote)),
        Tuple.of(2, Arbitraries.just("null")),
        Tuple.of(1, hugeNumbers()),
        Tuple.of(1, Arbitraries.integers().map(String::valueOf)),
        Tuple.of(1, Arbitraries.of("{}", "[]", "true", "1.5", "{\"ref\":\"1\"}")));
  }

  private static Arbitrary<String> plainRefs() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("1", "2", "3", "")),
        Tuple.of(1, Arbitraries.strings().ofMaxLength(12)));
  }

  private static Arbitrary<String> topics() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, plainTopics().map(FuzzFrames::quote)),
        Tuple.of(1, Arbitraries.of("null", "42", "[]", "{}", "false", "1e400")));
  }

  /** Topics a fuzzer may join: random ones, the room route, never the calm clients' topic. */
  private static Arbitrary<String> plainTopics() {
    return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.of("phoenix", "room:lobby", "room:1", "room:", "rooms:x")),
            Tuple.of(4, Arbitraries.strings().ofMaxLength(12).map(s -> "room:" + s)),
            Tuple.of(1, Arbitraries.strings().ofMaxLength(300)))
        .filter(topic -> !topic.equals(CALM_TOPIC) && !topic.equals("room:crash-join"));
  }

  private static Arbitrary<String> events() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.of(EVENTS).map(FuzzFrames::quote)),
        Tuple.of(2, Arbitraries.strings().ofMaxLength(10).map(FuzzFrames::quote)),
        Tuple.of(1, Arbitraries.of("null", "7", "[\"echo\"]", "{\"event\":\"echo\"}")));
  }

  /** -1: one element short (or payload missing in V1); 0: exact; 1..2: extra elements. */
  private static Arbitrary<Integer> extras() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(-1)),
        Tuple.of(10, Arbitraries.just(0)),
        Tuple.of(1, Arbitraries.integers().between(1, 2)));
  }

  /** Random JSON text up to three levels deep, with odd numbers and strings. */
  static Arbitrary<String> json() {
    return JSON;
  }

  private static final Arbitrary<String> JSON = json(3);

  /** Built to a fixed depth once: jqwik's recursive combinators rebuild generators per sample. */
  private static Arbitrary<String> json(int depth) {
    if (depth == 0) {
      return scalars();
    }
    Arbitrary<String> inner = json(depth - 1);
    Arbitrary<String> array = inner.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<String> object =
        Combinators.combine(
                Arbitraries.strings().ofMaxLength(6).list().ofMaxSize(3), inner.list().ofSize(3))
            .as(
                (keys, values) -> {
                  StringBuilder text = new StringBuilder("{");
                  for (int i = 0; i < keys.size(); i++) {
                    text.append(i == 0 ? "" : ",")
                        .append(quote(keys.get(i)))
                        .append(':')
                        .append(values.get(i));
                  }
                  return text.append('}').toString();
                });
    return Arbitraries.frequencyOf(Tuple.of(3, scalars()), Tuple.of(1, array), Tuple.of(1, object));
  }

  private static Arbitrary<String> scalars() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.strings().ofMaxLength(20).map(FuzzFrames::quote)),
        Tuple.of(2, Arbitraries.integers().map(String::valueOf)),
        Tuple.of(
            1,
            Arbitraries.doubles()
                .map(String::valueOf)
                .filter(d -> !d.contains("N") && !d.contains("I"))),
        Tuple.of(1, hugeNumbers()),
        Tuple.of(1, Arbitraries.of("null", "true", "false", "{}", "[]", "\"\"")));
  }

  private static Arbitrary<String> hugeNumbers() {
    return Arbitraries.of(
        "1e999999",
        "-1e-999999",
        "123456789012345678901234567890123456789012345678901234567890",
        "-9223372036854775809",
        "9223372036854775808",
        "1.7976931348623157e309",
        "0.000000000000000000000000000000000000000000000000001",
        "-0",
        "1" + "0".repeat(1200),
        "1." + "1".repeat(1200));
  }

  private static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  private static byte[] utf8(String s) {
    return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
  }
}
