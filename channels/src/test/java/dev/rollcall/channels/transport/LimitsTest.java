package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollcall.channels.testing.LogCapture;
import dev.rollcall.channels.testing.RawHttp;
import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-socket and per-node limits of EndpointConfig, each with its outcome. */
class LimitsTest {

  @Test
  void overTheMessageRateRepliesRateLimitedThenCloses1008() {
    try (RunningEndpoint server =
        new RunningEndpoint(c -> c.withMaxMessagesPerSecond(1).withMessageBurst(3))) {
      Vsn v = Vsn.V2;
      WsClient c = server.connect(v);
      // sent back to back, so the bucket (3 tokens, one more per second) cannot refill meanwhile
      c.sendAsync(v.heartbeat("1"));
      c.sendAsync(v.heartbeat("2"));
      c.sendAsync(v.heartbeat("3"));
      c.sendAsync(v.join("4", "room:lobby", "{}"));
      c.sendAsync(v.in("4", "5", "room:lobby", "echo", "{}"));
      c.expect(
          v.heartbeatReply("1"),
          v.heartbeatReply("2"),
          v.heartbeatReply("3"),
          v.reply("4", "4", "room:lobby", "error", "{\"reason\":\"rate_limited\"}"));
      // a second refusal in a row is more than a second's worth (1/s) over the limit
      assertThat(c.closeCode()).isEqualTo(1008);
    }
  }

  @Test
  void overMaxConnectionsIs503BeforeTheUpgrade() {
    try (RunningEndpoint server = new RunningEndpoint(c -> c.withMaxConnections(2))) {
      WsClient one = server.connect(Vsn.V2);
      server.connect(Vsn.V2);
      assertThat(RawHttp.upgrade(server.port(), "/socket/websocket?vsn=2.0.0").status())
          .isEqualTo(503);
      one.close();
      await().untilAsserted(() -> assertThat(server.endpoint.stats().connections()).isEqualTo(1));
      server.connect(Vsn.V2).send(Vsn.V2.heartbeat("1")).expect(Vsn.V2.heartbeatReply("1"));
    }
  }

  @Test
  void aSlowReaderIsClosedWith1013InsteadOfGrowingTheHeap() {
    try (LogCapture log = new LogCapture("dev.rollcall.channels.transport");
        RunningEndpoint server = new RunningEndpoint(c -> c.withMaxOutboundBytes(256 * 1024))) {
      Vsn v = Vsn.V2;
      WsClient slow = server.track(WsClient.connect(server.port(), "vsn=2.0.0", v, false));
      slow.sendAsync(v.join("1", "room:lobby", "{}"));
      // 32 MB for a client that reads nothing: more than every kernel buffer on the way holds
      slow.sendAsync(v.in("1", "2", "room:lobby", "flood", "{\"count\":320,\"size\":100000}"));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("1013")));
      slow.startReading();
      assertThat(slow.closeCode()).isEqualTo(1013);
      await()
          .untilAsserted(
              () ->
                  assertThat(server.recorder.events())
                      .contains("terminate room:lobby SOCKET_CLOSED"));
    }
  }

  @Test
  void oneFrameLargerThanMaxOutboundBytesReachesAClientThatReadsIt() {
    try (LogCapture log = new LogCapture("dev.rollcall.channels.transport");
        RunningEndpoint server = new RunningEndpoint(c -> c.withMaxOutboundBytes(64 * 1024))) {
      Vsn v = Vsn.V2;
      WsClient client = server.track(WsClient.connect(server.port(), "vsn=2.0.0", v, false));
      client.sendAsync(v.join("1", "room:lobby", "{}"));
      // One 16 MB frame (as a huge lobby's presence_state), more than the kernel buffers hold,
      // then small frames queued behind it while the client has not read yet.
      client.sendAsync(v.in("1", "2", "room:lobby", "flood", "{\"count\":1,\"size\":16000000}"));
      client.sendAsync(v.in("1", "3", "room:lobby", "flood", "{\"count\":3,\"size\":100}"));
      await()
          .untilAsserted(
              () -> assertThat(server.endpoint.stats().messagesOut()).isGreaterThanOrEqualTo(5));
      client.startReading();

      client.expect(v.okJoin("1", "room:lobby"));
      JsonNode big = WsClient.parse(client.next());
      assertThat(big.get(3).asText()).isEqualTo("flood");
      assertThat(big.get(4).get("data").asText()).hasSize(16_000_000);
      String small =
          v.out("1", null, "room:lobby", "flood", "{\"data\":\"" + "x".repeat(100) + "\"}");
      client.expect(small, small, small).expectNothingMore();
      assertThat(client.isClosed()).isFalse();
      assertThat(log.lines()).noneSatisfy(l -> assertThat(l).contains("1013"));
    }
  }

  @Test
  void aTopicLongerThanMaxTopicLengthIsRefused() {
    try (RunningEndpoint server = new RunningEndpoint(c -> c.withMaxTopicLength(20))) {
      Vsn v = Vsn.V2;
      WsClient c = server.connect(v);
      String topic = "room:" + "x".repeat(16);
      c.send(v.join("1", topic, "{}"))
          .expect(v.reply("1", "1", topic, "error", "{\"reason\":\"topic too long\"}"));
      c.send(v.join("2", "room:" + "x".repeat(15), "{}"))
          .expect(v.okJoin("2", "room:" + "x".repeat(15)));
    }
  }

  @Test
  void aSocketThatSendsNothingIsClosedAfterIdleTimeoutWith1001() {
    try (RunningEndpoint server =
        new RunningEndpoint(c -> c.withIdleTimeout(Duration.ofMillis(3000)))) {
      Vsn v = Vsn.V2;
      WsClient chatty = server.connect(v);
      WsClient quiet = server.connect(v);
      // any inbound frame resets the timer: heartbeats every 400 ms keep a socket open for 4 s
      for (int i = 0; i < 10; i++) {
        await().pollDelay(Duration.ofMillis(400)).until(() -> true);
        chatty.send(v.heartbeat("h" + i)).expect(v.heartbeatReply("h" + i));
      }
      assertThat(quiet.closeCode()).isEqualTo(1001);
      assertThat(chatty.isClosed()).isFalse();
      chatty.expectNothingMore();
    }
  }
}
