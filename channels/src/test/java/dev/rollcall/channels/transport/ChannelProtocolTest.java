package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.channels.Endpoint;
import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import dev.rollcall.pubsub.PubSub;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Phoenix channel protocol as a client sees it, frame by frame, for V1 and V2 (after Phoenix's
 * websocket_channels_test.exs and the captured wire samples).
 */
class ChannelProtocolTest {
  private final RunningEndpoint server = new RunningEndpoint();

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void joinPushReplyAndHeartbeat(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
    c.send(v.in("1", "2", "room:lobby", "echo", "{\"body\":\"hi\"}"))
        .expect(v.reply("1", "2", "room:lobby", "ok", "{\"body\":\"hi\"}"));
    c.send(v.heartbeat("3")).expect(v.heartbeatReply("3"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void heartbeatReplyHasNullJoinRefWhateverTheClientSent(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.in("1", "3", "phoenix", "heartbeat", "{\"x\":1}")).expect(v.heartbeatReply("3"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void joinWithResponse(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:lobby", "{\"greet\":\"hello\"}"))
        .expect(v.reply("1", "1", "room:lobby", "ok", "{\"greeting\":\"hello\"}"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void joinRefusedByTheChannel(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:lobby", "{\"reject\":true}"))
        .expect(v.reply("1", "1", "room:lobby", "error", "{\"reason\":\"unauthorized\"}"));
    // the refused channel is gone: a push there is unmatched
    c.send(v.in("1", "2", "room:lobby", "echo", "{}"))
        .expect(v.reply(null, "2", "room:lobby", "error", "{\"reason\":\"unmatched topic\"}"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void joinThatThrowsIsJoinCrashed(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("8", "room:crash-join", "{}"))
        .expect(v.reply("8", "8", "room:crash-join", "error", "{\"reason\":\"join crashed\"}"));
    c.expectNothingMore();
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void joinOfAnUnroutedTopicIsUnmatchedWithNullJoinRef(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("7", "foo:bar", "{}"))
        .expect(v.reply(null, "7", "foo:bar", "error", "{\"reason\":\"unmatched topic\"}"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void pushToATopicNotJoinedIsUnmatched(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.in("9", "9", "room:nowhere", "echo", "{}"))
        .expect(v.reply(null, "9", "room:nowhere", "error", "{\"reason\":\"unmatched topic\"}"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void leaveRepliesOkThenClosesAndLaterPushesAreUnmatched(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
    c.send(v.in("1", "2", "room:lobby", "phx_leave", "{}"))
        .expect(
            v.reply("1", "2", "room:lobby", "ok", "{}"),
            v.out("1", "1", "room:lobby", "phx_close", "{}"));
    c.send(v.in("1", "3", "room:lobby", "echo", "{}"))
        .expect(v.reply(null, "3", "room:lobby", "error", "{\"reason\":\"unmatched topic\"}"));
    await()
        .untilAsserted(
            () ->
                assertThat(server.recorder.events())
                    .containsSubsequence(
                        "join room:lobby", "terminate room:lobby LEFT", "exit room:lobby LEFT"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void leaveOfATopicNotJoinedIsOk(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.in("2", "2", "room:zzz", "phx_leave", "{}"))
        .expect(v.reply("2", "2", "room:zzz", "ok", "{}"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void duplicateJoinRepliesToTheNewJoinThenClosesTheOld(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
    c.send(v.join("11", "room:lobby", "{}"))
        .expect(v.okJoin("11", "room:lobby"), v.out("1", "1", "room:lobby", "phx_close", "{}"));
    c.send(v.in("11", "12", "room:lobby", "echo", "{}"))
        .expect(v.reply("11", "12", "room:lobby", "ok", "{}"));
    await()
        .untilAsserted(
            () ->
                assertThat(server.recorder.events())
                    .contains("terminate room:lobby DUPLICATE_JOIN"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void staleJoinRefIsDroppedAndNullJoinRefAccepted(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
    c.send(v.join("2", "room:lobby", "{}"))
        .expect(v.okJoin("2", "room:lobby"), v.out("1", "1", "room:lobby", "phx_close", "{}"));
    c.send(v.in("1", "3", "room:lobby", "echo", "{}")).expectNothingMore();
    c.send(v.in(null, "4", "room:lobby", "echo", "{}"))
        .expect(v.reply("2", "4", "room:lobby", "ok", "{}"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void noReplyMeansNoFrame(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
    c.send(v.in("1", "2", "room:lobby", "noreply", "{}")).expectNothingMore();
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void errorReplyAndCustomPushCarryTheJoinRef(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
    c.send(v.in("1", "2", "room:lobby", "refuse", "{}"))
        .expect(v.reply("1", "2", "room:lobby", "error", "{\"reason\":\"nope\"}"));
    c.send(v.in("1", "3", "room:lobby", "push", "{\"a\":1}"))
        .expect(v.out("1", null, "room:lobby", "pushed", "{\"a\":1}"));
    c.send(v.in("1", "4", "room:lobby", "send_self", "{\"b\":2}"))
        .expect(v.out("1", null, "room:lobby", "info", "{\"b\":2}"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void stopRepliesThenCloses(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
    c.send(v.in("1", "2", "room:lobby", "stop", "{}"))
        .expect(
            v.reply("1", "2", "room:lobby", "ok", "{}"),
            v.out("1", "1", "room:lobby", "phx_close", "{}"));
    await()
        .untilAsserted(
            () -> assertThat(server.recorder.events()).contains("terminate room:lobby STOPPED"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void broadcastReachesEveryoneAndBroadcastFromAllButTheSender(Vsn v) {
    WsClient a = server.connect(v);
    WsClient b = server.connect(v);
    a.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
    b.send(v.join("5", "room:lobby", "{}")).expect(v.okJoin("5", "room:lobby"));
    a.send(v.in("1", "2", "room:lobby", "shout", "{\"body\":\"all\"}"))
        .expectUnordered(
            v.reply("1", "2", "room:lobby", "ok", "{}"),
            v.out(null, null, "room:lobby", "shout", "{\"body\":\"all\"}"));
    b.expect(v.out(null, null, "room:lobby", "shout", "{\"body\":\"all\"}"));
    b.send(v.in("5", "6", "room:lobby", "shout_others", "{\"body\":\"others\"}"))
        .expect(v.reply("5", "6", "room:lobby", "ok", "{}"))
        .expectNothingMore();
    a.expect(v.out(null, null, "room:lobby", "shout", "{\"body\":\"others\"}"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void crashEndsThatChannelOnly(Vsn v) {
    WsClient c = server.connect(v);
    WsClient other = server.connect(v);
    c.send(v.join("1", "room:a", "{}")).expect(v.okJoin("1", "room:a"));
    c.send(v.join("2", "room:b", "{}")).expect(v.okJoin("2", "room:b"));
    other.send(v.join("1", "room:a", "{}")).expect(v.okJoin("1", "room:a"));

    c.send(v.in("1", "3", "room:a", "crash", "{}"))
        .expect(v.out("1", "1", "room:a", "phx_error", "{\"reason\":\"channel_crash\"}"));
    // the crashed topic is gone, the socket's other channel and the other socket go on
    c.send(v.in("1", "4", "room:a", "echo", "{}"))
        .expect(v.reply(null, "4", "room:a", "error", "{\"reason\":\"unmatched topic\"}"));
    c.send(v.in("2", "5", "room:b", "echo", "{}")).expect(v.reply("2", "5", "room:b", "ok", "{}"));
    other
        .send(v.in("1", "2", "room:a", "echo", "{}"))
        .expect(v.reply("1", "2", "room:a", "ok", "{}"));
    // its subscription is gone: a broadcast on room:a reaches the other socket only
    other
        .send(v.in("1", "3", "room:a", "shout", "{}"))
        .expectUnordered(
            v.reply("1", "3", "room:a", "ok", "{}"), v.out(null, null, "room:a", "shout", "{}"));
    c.expectNothingMore();
    // exit hooks run once the channel's mailbox has ended, after the error frame went out
    await()
        .untilAsserted(
            () ->
                assertThat(server.recorder.events())
                    .containsSubsequence("terminate room:a CRASHED", "exit room:a CRASHED"));
    // and the client may rejoin
    c.send(v.join("6", "room:a", "{}")).expect(v.okJoin("6", "room:a"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void unknownEventCrashesTheChannel(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("5", "room:lobby", "{}")).expect(v.okJoin("5", "room:lobby"));
    c.send(v.in("5", "14", "room:lobby", "no_such_event", "{}"))
        .expect(v.out("5", "5", "room:lobby", "phx_error", "{\"reason\":\"channel_crash\"}"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void aBlockingCallbackStallsNeitherOtherChannelsNorItsSocket(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:slow", "{}")).expect(v.okJoin("1", "room:slow"));
    c.send(v.join("2", "room:fast", "{}")).expect(v.okJoin("2", "room:fast"));
    c.send(v.in("1", "3", "room:slow", "sleep", "{\"ms\":3000}"));
    c.send(v.in("2", "4", "room:fast", "echo", "{}"))
        .expect(v.reply("2", "4", "room:fast", "ok", "{}"));
    c.send(v.heartbeat("5")).expect(v.heartbeatReply("5"));
    c.expect(v.reply("1", "3", "room:slow", "ok", "{}"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void the101stChannelIsRefused(Vsn v) {
    WsClient c = server.connect(v);
    for (int i = 1; i <= 100; i++) {
      String ref = Integer.toString(i);
      c.send(v.join(ref, "room:" + i, "{}")).expect(v.okJoin(ref, "room:" + i));
    }
    c.send(v.join("101", "room:101", "{}"))
        .expect(
            v.reply(
                "101", "101", "room:101", "error", "{\"reason\":\"too many channels joined\"}"));
    assertThat(server.endpoint.stats().channels()).isEqualTo(100);
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void assignsAreSeededFromConnect(Vsn v) {
    WsClient c = server.connect("vsn=" + v.vsn + "&user=batman", v);
    c.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
    c.send(v.in("1", "2", "room:lobby", "assigns", "{}"))
        .expect(v.reply("1", "2", "room:lobby", "ok", "{\"user\":\"batman\"}"));
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void aSocketCloseTerminatesItsChannels(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
    c.close();
    await()
        .untilAsserted(
            () ->
                assertThat(server.recorder.events())
                    .contains(
                        "terminate room:lobby SOCKET_CLOSED", "exit room:lobby SOCKET_CLOSED"));
    // a channel counts as live until its exit hooks have run, which may be after the socket left
    await()
        .untilAsserted(
            () -> {
              assertThat(server.endpoint.stats().connections()).isZero();
              assertThat(server.endpoint.stats().channels()).isZero();
            });
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void otherTopicsArriveInHandleInfoUntilUnsubscribedOrCrashed(Vsn v) {
    WsClient c = server.connect(v);
    PubSub pubSub = server.endpoint.pubSub();
    c.send(v.join("1", "room:a", "{}")).expect(v.okJoin("1", "room:a"));
    c.send(v.in("1", "2", "room:a", "subscribe", "{\"topic\":\"news\"}"))
        .expect(v.reply("1", "2", "room:a", "ok", "{}"));
    pubSub.broadcast("news", new Broadcast("news", "flash", Map.of("headline", "hi")));
    c.expect(v.out("1", null, "room:a", "flash", "{\"headline\":\"hi\"}"));
    pubSub.broadcast("news", Map.of("raw", true));
    c.expect(v.out("1", null, "room:a", "info", "{\"raw\":true}"));
    c.send(v.in("1", "3", "room:a", "unsubscribe", "{\"topic\":\"news\"}"))
        .expect(v.reply("1", "3", "room:a", "ok", "{}"));
    assertThat(pubSub.subscriberCount("news")).isZero();
    c.send(v.in("1", "4", "room:a", "subscribe", "{\"topic\":\"news\"}"))
        .expect(v.reply("1", "4", "room:a", "ok", "{}"));
    assertThat(pubSub.subscriberCount("news")).isEqualTo(1);
    c.send(v.in("1", "5", "room:a", "crash", "{}"))
        .expect(v.out("1", "1", "room:a", "phx_error", "{\"reason\":\"channel_crash\"}"));
    assertThat(pubSub.subscriberCount("news")).isZero();
    assertThat(pubSub.subscriberCount("room:a")).isZero();
  }

  @ParameterizedTest
  @EnumSource(Vsn.class)
  void statsCountConnectionsChannelsAndFrames(Vsn v) {
    WsClient c = server.connect(v);
    c.send(v.join("1", "room:a", "{}")).expect(v.okJoin("1", "room:a"));
    c.send(v.heartbeat("2")).expect(v.heartbeatReply("2"));
    Endpoint.Stats stats = server.endpoint.stats();
    assertThat(stats.connections()).isEqualTo(1);
    assertThat(stats.channels()).isEqualTo(1);
    assertThat(stats.messagesIn()).isEqualTo(2);
    assertThat(stats.messagesOut()).isEqualTo(2);
  }
}
