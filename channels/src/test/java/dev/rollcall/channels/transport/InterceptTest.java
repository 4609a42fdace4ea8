package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A channel that intercepts takes its topic's broadcasts off the fastlane for itself only, gets the
 * intercepted events in handleOut, and goes back to the fastlane without losing, doubling or
 * reordering a broadcast.
 */
class InterceptTest {
  private static final Vsn V = Vsn.V2;
  private static final String TOPIC = "room:intercept";
  private final RunningEndpoint server = new RunningEndpoint();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void interceptedEventsGoToHandleOutOtherEventsAndOtherChannelsStayOnTheFastlane() {
    WsClient intercepting = joined();
    WsClient other = joined();
    WsClient sender = joined();
    intercepting.send(V.in("1", "2", TOPIC, "intercept", "{\"events\":[\"shout\"]}"));
    intercepting.expect(V.reply("1", "2", TOPIC, "ok", "{}"));

    sender.send(V.in("1", "3", TOPIC, "shout", "{\"n\":1}"));
    sender.send(V.in("1", "4", TOPIC, "shout_as", "{\"event\":\"news\",\"n\":2}"));
    intercepting.expect(
        V.out("1", null, TOPIC, "out:shout", "{\"n\":1}"),
        V.out(null, null, TOPIC, "news", "{\"event\":\"news\",\"n\":2}"));
    other.expect(
        V.out(null, null, TOPIC, "shout", "{\"n\":1}"),
        V.out(null, null, TOPIC, "news", "{\"event\":\"news\",\"n\":2}"));

    intercepting.send(V.in("1", "5", TOPIC, "intercept", "{\"events\":[]}"));
    intercepting.expect(V.reply("1", "5", TOPIC, "ok", "{}"));
    sender.send(V.in("1", "6", TOPIC, "shout", "{\"n\":3}"));
    intercepting.expect(V.out(null, null, TOPIC, "shout", "{\"n\":3}"));
    other.expect(V.out(null, null, TOPIC, "shout", "{\"n\":3}"));
    assertThat(((NettyEndpoint) server.endpoint).fastlaneEncodes()).isPositive();
  }

  @Test
  void backOnTheFastlaneBehindWhatWasQueuedEachOnceInOrder() {
    WsClient intercepting = joined();
    WsClient sender = joined();
    intercepting.send(V.in("1", "2", TOPIC, "intercept", "{\"events\":[\"shout\"]}"));
    intercepting.expect(V.reply("1", "2", TOPIC, "ok", "{}"));

    // handleOut sleeps on each, so the later ones are still queued when the third one releases.
    int n = 30;
    for (int i = 1; i <= n; i++) {
      String release = i == 3 ? ",\"release\":true" : "";
      sender.sendAsync(
          V.in("1", "s" + i, TOPIC, "shout", "{\"n\":" + i + ",\"sleep\":20" + release + "}"));
    }
    List<JsonNode> seen = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      seen.add(WsClient.parse(intercepting.next()));
    }
    sender.send(V.in("1", "last", TOPIC, "shout", "{\"n\":" + (n + 1) + "}"));
    seen.add(WsClient.parse(intercepting.next()));
    intercepting.expectNothingMore();

    List<Integer> order = new ArrayList<>();
    boolean fastlane = false;
    for (JsonNode frame : seen) {
      order.add(frame.get(4).get("n").asInt());
      boolean broadcast = frame.get(0).isNull();
      assertThat(frame.get(3).asText()).isEqualTo(broadcast ? "shout" : "out:shout");
      assertThat(broadcast || !fastlane).as("no handled-out frame after the switch").isTrue();
      fastlane |= broadcast;
    }
    assertThat(order)
        .as("each once, in publish order")
        .isSorted()
        .hasSize(n + 1)
        .doesNotHaveDuplicates();
    assertThat(seen.subList(0, 3)).allMatch(frame -> frame.get(0).asText().equals("1"));
    assertThat(seen.getLast().get(0).isNull()).as("the last one took the fastlane").isTrue();
  }

  @Test
  void interceptingInJoinHearsWhatIsBroadcastDuringTheJoinAfterTheReply() {
    WsClient sender = joined();
    WsClient joining = server.connect(V);
    joining.send(V.join("1", TOPIC, "{\"intercept\":[\"shout\"],\"sleep\":500}"));
    // the join subscribes when it intercepts, then sleeps 500 ms before it replies
    await().until(() -> server.endpoint.pubSub().subscriberCount(TOPIC) == 2);
    sender.send(V.in("1", "2", TOPIC, "shout", "{\"n\":1}"));
    sender.send(V.in("1", "3", TOPIC, "shout_as", "{\"event\":\"news\",\"n\":2}"));
    joining.expect(
        V.okJoin("1", TOPIC),
        V.out("1", null, TOPIC, "out:shout", "{\"n\":1}"),
        V.out(null, null, TOPIC, "news", "{\"event\":\"news\",\"n\":2}"));
  }

  private WsClient joined() {
    WsClient c = server.connect(V);
    c.send(V.join("1", TOPIC, "{}")).expect(V.okJoin("1", TOPIC));
    return c;
  }
}
