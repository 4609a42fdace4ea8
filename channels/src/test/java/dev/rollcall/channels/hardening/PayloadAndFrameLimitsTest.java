package dev.rollcall.channels.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The limits of {@code EndpointConfig} that LimitsTest does not show: payload depth (configurable,
 * and the parser's own ceiling) and a configured frame size, each with its outcome.
 */
class PayloadAndFrameLimitsTest {

  private static String nested(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void aPayloadDeeperThanMaxPayloadDepthIsRefusedAndTheSocketCarriesOn(Vsn v) {
    try (RunningEndpoint server = new RunningEndpoint(c -> c.withMaxPayloadDepth(3))) {
      WsClient c = server.connect(v);
      c.send(v.join("1", "room:deep", nested(4)))
          .expect(v.reply("1", "1", "room:deep", "error", "{\"reason\":\"payload too deep\"}"));
      c.send(v.join("2", "room:deep", nested(3))).expect(v.okJoin("2", "room:deep"));
      c.send(v.in("2", "3", "room:deep", "echo", "[[[[1]]]]"))
          .expect(v.reply("2", "3", "room:deep", "error", "{\"reason\":\"payload too deep\"}"));
      c.send(v.in("2", "4", "room:deep", "echo", "[[[1]]]"))
          .expect(v.reply("2", "4", "room:deep", "ok", "[[[1]]]"));
      assertThat(server.recorder.events()).doesNotContain("terminate room:deep CRASHED");
    }
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void theDefaultDepthIs64(Vsn v) {
    try (RunningEndpoint server = new RunningEndpoint()) {
      WsClient c = server.connect(v);
      c.send(v.join("1", "room:deep", "{}")).expect(v.okJoin("1", "room:deep"));
      c.send(v.in("1", "2", "room:deep", "echo", nested(64)))
          .expect(v.reply("1", "2", "room:deep", "ok", nested(64)));
      c.send(v.in("1", "3", "room:deep", "echo", nested(65)))
          .expect(v.reply("1", "3", "room:deep", "error", "{\"reason\":\"payload too deep\"}"));
    }
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void nestingBeyondTheParsersLimitIsAnUndecodableFrame(Vsn v) {
    try (RunningEndpoint server = new RunningEndpoint()) {
      WsClient bystander = server.connect(Vsn.V2);
      bystander.send(Vsn.V2.join("1", "room:calm", "{}")).expect(Vsn.V2.okJoin("1", "room:calm"));
      WsClient c = server.connect(v);
      String deep = "[".repeat(5000) + "]".repeat(5000);
      c.send(
          v == Vsn.V2
              ? "[null,\"1\",\"room:deep\",\"echo\"," + deep + "]"
              : "{\"ref\":\"1\",\"topic\":\"room:deep\",\"event\":\"echo\",\"payload\":"
                  + deep
                  + "}");
      assertThat(c.closeCode()).isEqualTo(1007);
      bystander.expectNothingMore();
    }
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void aConfiguredMaxFrameBytesCloses1009JustAboveIt(Vsn v) {
    try (RunningEndpoint server = new RunningEndpoint(c -> c.withMaxFrameBytes(2048))) {
      WsClient c = server.connect(v);
      String fits = v.heartbeat("1");
      String pad =
          "x".repeat(2048 - v.in(null, "2", "phoenix", "heartbeat", "{\"p\":\"\"}").length());
      String exactly = v.in(null, "2", "phoenix", "heartbeat", "{\"p\":\"" + pad + "\"}");
      assertThat(exactly).hasSize(2048);
      c.send(fits).expect(v.heartbeatReply("1"));
      c.send(exactly).expect(v.heartbeatReply("2"));
      c.send(v.in(null, "3", "phoenix", "heartbeat", "{\"p\":\"" + pad + "x\"}"));
      assertThat(c.closeCode()).isEqualTo(1009);
    }
  }
}
