package dev.rollcall.pubsub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class RedisEnvelopeTest {

  @Property
  void decodeInvertsEncode(
      @ForAll RedisEnvelope.Mode mode,
      @ForAll @StringLength(max = 200) String sender,
      @ForAll long instance,
      @ForAll @StringLength(max = 300) String topic,
      @ForAll @StringLength(max = 20) String kind,
      @ForAll byte[] payload)
      throws RedisEnvelope.Rejected {
    var envelope = new RedisEnvelope(mode, sender, instance, topic, kind, payload);
    assertThat(RedisEnvelope.decode(envelope.encode())).isEqualTo(envelope);
  }

  @Property
  void everyStrictPrefixOfTheHeaderIsRejectedAsUnparseable(
      @ForAll @StringLength(min = 1, max = 50) String topic, @ForAll @IntRange(max = 40) int cut) {
    byte[] whole =
        new RedisEnvelope(RedisEnvelope.Mode.BROADCAST, "n", 1, topic, "k", new byte[0]).encode();
    byte[] prefix = Arrays.copyOf(whole, Math.min(cut, whole.length - 1));
    assertThatThrownBy(() -> RedisEnvelope.decode(prefix))
        .isInstanceOfSatisfying(
            RedisEnvelope.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(DropReason.UNPARSEABLE));
  }

  @Property
  void arbitraryBytesAreEitherAnEnvelopeOrRejectedNeverAnotherException(@ForAll byte[] bytes) {
    try {
      RedisEnvelope.decode(bytes);
    } catch (RedisEnvelope.Rejected expected) {
      assertThat(expected.reason()).isIn(DropReason.UNPARSEABLE, DropReason.UNKNOWN_VERSION);
    }
  }

  @Test
  void anotherFormatVersionIsRejectedAsUnknownVersion() {
    byte[] bytes =
        new RedisEnvelope(RedisEnvelope.Mode.DIRECT, "n", 1, "t", "k", new byte[] {1}).encode();
    bytes[2] = 9;
    assertThatThrownBy(() -> RedisEnvelope.decode(bytes))
        .isInstanceOf(RedisEnvelope.Rejected.class)
        .hasMessage("format version 9");
  }

  @Test
  void aTopicLongerThan65535BytesCannotBeSent() {
    var envelope =
        new RedisEnvelope(
            RedisEnvelope.Mode.BROADCAST, "n", 1, "t".repeat(70_000), "k", new byte[0]);
    assertThatThrownBy(envelope::encode).isInstanceOf(IllegalArgumentException.class);
  }
}
