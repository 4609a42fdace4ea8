package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.rollcall.channels.testing.LogCapture;
import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each kind of bad frame has one outcome: that socket closes with a defined code and the server
 * logs one line without a stack trace; other sockets and channels carry on.
 */
class BadInputTest {
  private final LogCapture log = new LogCapture("dev.rollcall.channels");
  private final RunningEndpoint server = new RunningEndpoint();

  @AfterEach
  void stop() {
    server.close();
    log.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json at all",
        "{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":\"1\"}",
        "[\"1\",\"1\",\"room:lobby\",\"phx_join\"]",
        "[\"1\",\"1\",\"room:lobby\",\"phx_join\",{}",
        "42"
      })
  void undecodableTextOnV2Closes1007WithOneLogLine(String frame) {
    WsClient bystander = joinedBystander();
    WsClient c = server.connect(Vsn.V2);
    c.send(frame);
    assertThat(c.closeCode()).isEqualTo(1007);
    assertOneLineAbout("1007");
    bystanderUnaffected(bystander);
  }

  @Test
  void v1FrameThatIsNotAnObjectCloses1007() {
    WsClient c = server.connect(Vsn.V1);
    c.send("[null,\"1\",\"phoenix\",\"heartbeat\",{}]");
    assertThat(c.closeCode()).isEqualTo(1007);
    assertOneLineAbout("1007");
  }

  @Test
  void binaryFrameOnAV1SocketCloses1007() {
    WsClient bystander = joinedBystander();
    WsClient c = server.connect(Vsn.V1);
    c.sendBinary("[null,\"1\",\"phoenix\",\"heartbeat\",{}]".getBytes());
    assertThat(c.closeCode()).isEqualTo(1007);
    assertOneLineAbout("1007");
    bystanderUnaffected(bystander);
  }

  @Test
  void undecodableBinaryFrameOnV2Closes1007() {
    WsClient c = server.connect(Vsn.V2);
    c.sendBinary(new byte[] {9, 1, 2});
    assertThat(c.closeCode()).isEqualTo(1007);
    assertOneLineAbout("1007");
  }

  @Test
  void oversizedFrameCloses1009() {
    WsClient bystander = joinedBystander();
    WsClient c = server.connect(Vsn.V2);
    c.send(
        Vsn.V2.in(null, "1", "phoenix", "heartbeat", "{\"pad\":\"" + "x".repeat(1 << 20) + "\"}"));
    assertThat(c.closeCode()).isEqualTo(1009);
    assertOneLineAbout("1009");
    bystanderUnaffected(bystander);
  }

  @Test
  void aFragmentedMessageIsReassembledAndCappedAtMaxFrameBytes() {
    WsClient c = server.connect(Vsn.V2);
    c.sendFragmented("[null,\"1\",\"phoe", "nix\",\"heartbeat\",{}]")
        .expect(Vsn.V2.heartbeatReply("1"));
    String half = "x".repeat(600_000);
    // The server closes as soon as the total passes the cap, maybe before the last fragment is out.
    c.sendFragmentedAsync("[null,\"2\",\"phoenix\",\"heartbeat\",{\"a\":\"" + half, half + "\"}]");
    assertThat(c.closeCode()).isEqualTo(1009);
    assertOneLineAbout("1009");
  }

  @Test
  void wholeAndFragmentedMessagesInterleaveOnOneSocket() {
    WsClient c = server.connect(Vsn.V2);
    c.send(Vsn.V2.in(null, "1", "phoenix", "heartbeat", "{}")).expect(Vsn.V2.heartbeatReply("1"));
    c.sendFragmented("[null,\"2\",\"phoe", "nix\",\"heartbeat\",{}]")
        .expect(Vsn.V2.heartbeatReply("2"));
    c.send(Vsn.V2.in(null, "3", "phoenix", "heartbeat", "{}")).expect(Vsn.V2.heartbeatReply("3"));
    c.sendFragmented("[null,\"4\",", "\"phoenix\",", "\"heartbeat\",{}]")
        .expect(Vsn.V2.heartbeatReply("4"));
  }

  @Test
  void aFirstFragmentedMessageOverTheCapCloses1009() {
    WsClient c = server.connect(Vsn.V2);
    String half = "x".repeat(600_000);
    c.sendFragmentedAsync("[null,\"1\",\"phoenix\",\"heartbeat\",{\"a\":\"" + half, half + "\"}]");
    assertThat(c.closeCode()).isEqualTo(1009);
    assertOneLineAbout("1009");
  }

  @Test
  void wellFormedFramesWithOddValuesGetReplies() {
    WsClient c = server.connect(Vsn.V2);
    // a non-object join payload is passed to the channel as it is (Phoenix does the same)
    c.send("[\"1\",\"1\",\"room:lobby\",\"phx_join\",\"a-string-payload\"]")
        .expect(Vsn.V2.okJoin("1", "room:lobby"));
    // extra trailing elements are ignored (Phoenix matches [jr, ref, topic, event, payload | _])
    c.send("[null,\"2\",\"phoenix\",\"heartbeat\",{},\"extra\"]")
        .expect(Vsn.V2.heartbeatReply("2"));
  }

  private WsClient joinedBystander() {
    WsClient bystander = server.connect(Vsn.V2);
    bystander.send(Vsn.V2.join("1", "room:lobby", "{}")).expect(Vsn.V2.okJoin("1", "room:lobby"));
    return bystander;
  }

  private static void bystanderUnaffected(WsClient bystander) {
    bystander
        .send(Vsn.V2.in("1", "2", "room:lobby", "echo", "{}"))
        .expect(Vsn.V2.reply("1", "2", "room:lobby", "ok", "{}"));
  }

  private void assertOneLineAbout(String code) {
    await()
        .untilAsserted(
            () -> assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains(code)));
    assertThat(
            log.events().stream().filter(e -> e.getFormattedMessage().contains("closing socket")))
        .hasSize(1)
        .allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
    assertThat(log.events()).extracting(ILoggingEvent::getThrowableProxy).containsOnlyNulls();
  }
}
