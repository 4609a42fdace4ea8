package dev.rollcall.presence.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollcall.presence.crdt.PresenceMeta;
import dev.rollcall.presence.crdt.Replica;
import dev.rollcall.presence.crdt.TrackerState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrackerCodecTest {
  private static final Replica A = new Replica("node-a", 17);
  private static final Replica B = new Replica("node-b", 42);
  private final TrackerCodec codec = new TrackerCodec();

  private Object roundTrip(TrackerMessage message) {
    assertThat(codec.handles(message)).isTrue();
    return codec.decode(codec.encode(message));
  }

  private static TrackerState stateWithEntries() {
    TrackerState a = new TrackerState(A);
    a.replicaUp(B);
    a.join(
        "room:lobby",
        "alice",
        "pid1",
        PresenceMeta.stamp(
            Map.of("n", 1, "nested", Map.of("list", List.of("x", true))), "ref1", null));
    a.join("room:other", "bob", "pid2", PresenceMeta.stamp(Map.of(), "ref2", null));
    return a;
  }

  @Test
  void heartbeatsRoundTrip() {
    TrackerState a = stateWithEntries();
    a.resetDelta();
    a.leave("room:other", "pid2", "bob");
    a.join("room:lobby", "carol", "pid3", PresenceMeta.stamp(Map.of(), "ref3", null));
    TrackerMessage withDelta = new TrackerMessage.Heartbeat(A, a.clock(), a.delta());
    assertThat(roundTrip(withDelta)).isEqualTo(withDelta);
    TrackerMessage empty = new TrackerMessage.Heartbeat(A, 9, null);
    assertThat(roundTrip(empty)).isEqualTo(empty);
  }

  @Test
  void transfersRoundTrip() {
    TrackerState a = stateWithEntries();
    TrackerMessage request = new TrackerMessage.TransferRequest(B, A, List.of(A, B));
    assertThat(roundTrip(request)).isEqualTo(request);
    TrackerState b = new TrackerState(B);
    b.replicaUp(A);
    b.join("room:lobby", "x", "p", PresenceMeta.stamp(Map.of(), "r", null));
    b.resetDelta();
    b.join("room:lobby", "y", "p", PresenceMeta.stamp(Map.of(), "r2", null));
    a.merge(b.delta()); // leaves a cloud in A's context of B
    TrackerMessage ack = new TrackerMessage.TransferAck(A, B, a.extract());
    assertThat(a.dots(B).cloud()).isNotEmpty();
    assertThat(roundTrip(ack)).isEqualTo(ack);
    TrackerMessage down = new TrackerMessage.GracefulPermdown(A);
    assertThat(roundTrip(down)).isEqualTo(down);
  }

  @Test
  void refusesWhatIsNotATrackerMessage() {
    assertThat(codec.kind()).isEqualTo("trk");
    assertThat(codec.handles("hello")).isFalse();
    assertThatThrownBy(() -> codec.encode("hello")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[]",
        "{}",
        "{\"k\":\"hb\"}",
        "{\"k\":\"zz\",\"r\":[[\"a\",1]],\"f\":0}",
        "{\"k\":\"hb\",\"r\":[[\"a\",1]],\"f\":1,\"c\":0}",
        "{\"k\":\"hb\",\"r\":[[\"a\",1]],\"f\":0,\"c\":-1}",
        "{\"k\":\"hb\",\"r\":[[\"\",1]],\"f\":0,\"c\":0}",
        "{\"k\":\"hb\",\"r\":[[\"a\",\"1\"]],\"f\":0,\"c\":0}",
        "{\"k\":\"hb\",\"r\":[[\"a\",1]],\"f\":0,\"c\":1.5}",
        "{\"k\":\"hb\",\"r\":[[\"a\",1]],\"t\":[\"x\"],\"f\":0,\"c\":1,"
            + "\"d\":{\"s\":0,\"e\":1,\"v\":[[0,\"k\",\"o\",[],0,1]],\"x\":[]}}",
        "{\"k\":\"hb\",\"r\":[[\"a\",1]],\"t\":[\"x\"],\"f\":0,\"c\":1,"
            + "\"d\":{\"s\":0,\"e\":1,\"v\":[[0,\"k\",\"o\",{},0,5]],\"x\":[]}}",
        "{\"k\":\"hb\",\"r\":[[\"a\",1]],\"t\":[\"x\"],\"f\":0,\"c\":1,"
            + "\"d\":{\"s\":0,\"e\":1,\"v\":[[3,\"k\",\"o\",{},0,1]],\"x\":[]}}",
        "{\"k\":\"hb\",\"r\":[[\"a\",1]],\"f\":0,\"c\":2,\"d\":{\"s\":0,\"e\":1,\"v\":[],\"x\":[]}}",
        "{\"k\":\"tack\",\"r\":[[\"a\",1],[\"b\",1]],\"t\":[\"x\"],\"f\":0,\"to\":1,"
            + "\"ctx\":[[0,1,[]]],\"v\":[[0,\"k\",\"o\",{},0,2]]}",
        "{\"k\":\"tack\",\"r\":[[\"a\",1],[\"b\",1]],\"f\":0,\"to\":1,"
            + "\"ctx\":[[0,1,[[1,3]]]],\"v\":[]}",
        "{\"k\":\"treq\",\"r\":[[\"a\",1]],\"f\":0,\"to\":4,\"kn\":[]}",
      })
  void refusesMalformedMessages(String json) {
    assertThatThrownBy(() -> codec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
