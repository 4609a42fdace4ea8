package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Endpoint.close(): every channel's terminate runs, then every socket closes with 1001. */
class ShutdownTest {

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void terminateRunsForEveryChannelThenSocketsClose1001(Vsn v) {
    RunningEndpoint server = new RunningEndpoint();
    WsClient a = server.connect(v);
    WsClient b = server.connect(v);
    WsClient idle = server.connect(v);
    a.send(v.join("1", "room:a", "{}")).expect(v.okJoin("1", "room:a"));
    a.send(v.join("2", "room:b", "{}")).expect(v.okJoin("2", "room:b"));
    b.send(v.join("1", "room:a", "{}")).expect(v.okJoin("1", "room:a"));

    server.endpoint.close();

    // the goodbye pushed from terminate arrives before the close frame
    a.expectUnordered(
        v.out("1", null, "room:a", "bye", "{}"), v.out("2", null, "room:b", "bye", "{}"));
    b.expect(v.out("1", null, "room:a", "bye", "{}"));
    assertThat(a.closeCode()).isEqualTo(1001);
    assertThat(b.closeCode()).isEqualTo(1001);
    assertThat(idle.closeCode()).isEqualTo(1001);
    assertThat(server.recorder.events())
        .filteredOn(e -> e.startsWith("terminate"))
        .containsExactlyInAnyOrder(
            "terminate room:a SHUTDOWN", "terminate room:b SHUTDOWN", "terminate room:a SHUTDOWN");
    assertThat(server.recorder.events()).filteredOn(e -> e.startsWith("exit")).hasSize(3);
    assertThat(server.endpoint.stats().connections()).isZero();
    server.close();
  }
}
