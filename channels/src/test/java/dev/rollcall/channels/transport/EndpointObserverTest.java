package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.channels.EndpointObserver;
import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * An endpoint's observer hears one join per answered {@code phx_join}, one reply per push its
 * channel answered, and one delivery per broadcast frame per subscriber, each a non-negative time.
 */
class EndpointObserverTest {

  /** Every observation, as {@code "kind"}; times checked as they come. */
  private static final class Observations implements EndpointObserver {
    final List<String> seen = new CopyOnWriteArrayList<>();
    final List<Long> times = new CopyOnWriteArrayList<>();

    @Override
    public void joined(long nanos) {
      seen.add("join");
      times.add(nanos);
    }

    @Override
    public void replied(long nanos) {
      seen.add("reply");
      times.add(nanos);
    }

    @Override
    public void delivered(long nanos) {
      seen.add("delivery");
      times.add(nanos);
    }

    long count(String kind) {
      return seen.stream().filter(kind::equals).count();
    }
  }

  @Test
  void joinsRepliesAndDeliveriesAreEachObservedOnce() {
    var observations = new Observations();
    try (RunningEndpoint server =
        new RunningEndpoint(c -> c, builder -> builder.observer(observations))) {
      Vsn v = Vsn.V2;
      WsClient a = server.connect(v);
      WsClient b = server.connect(v);
      a.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
      b.send(v.join("1", "room:lobby", "{}")).expect(v.okJoin("1", "room:lobby"));
      a.send(v.join("2", "unknown:topic", "{}")).next(); // unmatched: the endpoint answers
      await().until(() -> observations.count("join") == 2);

      a.send(v.in("1", "3", "room:lobby", "echo", "{\"n\":1}"))
          .expect(v.reply("1", "3", "room:lobby", "ok", "{\"n\":1}"));
      a.send(v.in("1", "4", "room:lobby", "refuse", "{}"))
          .expect(v.reply("1", "4", "room:lobby", "error", "{\"reason\":\"nope\"}"));
      a.send(v.in("1", "5", "room:lobby", "noreply", "{}"));
      a.send(v.heartbeat("6")).expect(v.heartbeatReply("6"));
      await().until(() -> observations.count("reply") == 2);

      a.send(v.in("1", "7", "room:lobby", "shout", "{\"hi\":true}"));
      await().until(() -> observations.count("delivery") == 2 && observations.count("reply") == 3);

      assertThat(observations.count("join")).isEqualTo(2);
      assertThat(observations.count("reply")).as("noreply and heartbeat not counted").isEqualTo(3);
      assertThat(observations.times).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
    }
  }
}
