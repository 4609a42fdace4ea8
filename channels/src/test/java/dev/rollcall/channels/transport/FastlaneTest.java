package dev.rollcall.channels.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.channels.testing.RunningEndpoint;
import dev.rollcall.channels.testing.Vsn;
import dev.rollcall.channels.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A broadcast is encoded once per serializer, however many subscribers receive it. */
class FastlaneTest {
  private final RunningEndpoint server = new RunningEndpoint();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void oneEncodePerBroadcastAndSerializer() {
    List<WsClient> v2 = joined(Vsn.V2, 40);
    List<WsClient> v1 = joined(Vsn.V1, 10);
    NettyEndpoint endpoint = (NettyEndpoint) server.endpoint;
    long before = endpoint.fastlaneEncodes();

    WsClient sender = v2.get(0);
    sender.send(Vsn.V2.in("1", "2", "room:fan", "shout_others", "{\"n\":1}"));
    sender.expect(Vsn.V2.reply("1", "2", "room:fan", "ok", "{}"));
    for (WsClient c : v2.subList(1, v2.size())) {
      c.expect(Vsn.V2.out(null, null, "room:fan", "shout", "{\"n\":1}"));
    }
    for (WsClient c : v1) {
      c.expect(Vsn.V1.out(null, null, "room:fan", "shout", "{\"n\":1}"));
    }
    assertThat(endpoint.fastlaneEncodes() - before).isEqualTo(2); // V2 once, V1 once

    sender.send(Vsn.V2.in("1", "3", "room:fan", "shout", "{\"n\":2}"));
    for (WsClient c : v2.subList(1, v2.size())) {
      c.expect(Vsn.V2.out(null, null, "room:fan", "shout", "{\"n\":2}"));
    }
    for (WsClient c : v1) {
      c.expect(Vsn.V1.out(null, null, "room:fan", "shout", "{\"n\":2}"));
    }
    assertThat(endpoint.fastlaneEncodes() - before).isEqualTo(4);
  }

  @Test
  void aClientThatSkipsAnEventGetsEverythingElseAndItsPushes() {
    WsClient skipping = server.connect(Vsn.V2);
    skipping
        .send(Vsn.V2.join("1", "room:fan", "{\"skip\":[\"shout\",\"pushed\"]}"))
        .expect(Vsn.V2.okJoin("1", "room:fan"));
    WsClient sender = joined(Vsn.V2, 1).get(0);

    sender.send(Vsn.V2.in("1", "2", "room:fan", "shout", "{\"n\":1}"));
    sender.expect(
        Vsn.V2.out(null, null, "room:fan", "shout", "{\"n\":1}"),
        Vsn.V2.reply("1", "2", "room:fan", "ok", "{}"));
    // The shout was queued for every subscriber before the sender's reply: had it not been
    // skipped, it would come before this echo's reply.
    skipping.send(Vsn.V2.in("1", "3", "room:fan", "echo", "{\"e\":1}"));
    skipping.expect(Vsn.V2.reply("1", "3", "room:fan", "ok", "{\"e\":1}"));
    // Pushes are never skipped, even of an event whose broadcasts are.
    skipping.send(Vsn.V2.in("1", "4", "room:fan", "push", "{\"p\":1}"));
    skipping.expect(Vsn.V2.out("1", null, "room:fan", "pushed", "{\"p\":1}"));
  }

  private List<WsClient> joined(Vsn v, int n) {
    List<WsClient> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      WsClient c = server.connect(v);
      c.send(v.join("1", "room:fan", "{}")).expect(v.okJoin("1", "room:fan"));
      clients.add(c);
    }
    return clients;
  }
}
