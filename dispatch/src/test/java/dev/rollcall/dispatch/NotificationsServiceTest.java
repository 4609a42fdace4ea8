package dev.rollcall.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollcall.channels.Broadcast;
import dev.rollcall.presence.Presence;
import dev.rollcall.presence.PresenceConfig;
import dev.rollcall.presence.PresenceFetch;
import dev.rollcall.pubsub.LocalPubSub;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NotificationsServiceTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  private final LocalPubSub pubSub = new LocalPubSub("n1");
  private final Presence presence =
      Presence.start(pubSub, PresenceConfig.defaults(), PresenceFetch.IDENTITY);
  private final DispatchMetrics metrics = new DispatchMetrics();
  private final AtomicBoolean active = new AtomicBoolean(true);
  private final NotificationsService service =
      new NotificationsService(
          presence,
          pubSub,
          active::get,
          Duration.ofMillis(20),
          metrics,
          Clock.fixed(NOW, ZoneOffset.UTC),
          new Random(7));
  private final List<Broadcast> delivered = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    service.close();
    presence.close();
    pubSub.close();
  }

  private void present(String name) {
    presence.track(
        "owner-" + name,
        NotificationsChannel.LOBBY,
        name,
        Map.of("online_at", "1795866031", "user_name", name));
    pubSub.subscribe(
        NotificationsChannel.personalTopic(name),
        delivery -> delivered.add((Broadcast) delivery.message()));
  }

  @Test
  void picksOnlyAmongAvailableHeroes() {
    present("Storm");
    present("Rogue");
    present("Bishop");
    presence.update(
        "owner-Storm",
        NotificationsChannel.LOBBY,
        "Storm",
        Map.of("online_at", "1795866031", "user_name", "Storm", "status", "busy"));
    presence.update(
        "owner-Bishop",
        NotificationsChannel.LOBBY,
        "Bishop",
        Map.of("online_at", "1795866031", "user_name", "Bishop", "status", "off_duty"));

    for (int i = 0; i < 20; i++) {
      assertThat(service.tick()).contains("Rogue");
    }
    presence.update(
        "owner-Rogue",
        NotificationsChannel.LOBBY,
        "Rogue",
        Map.of("online_at", "1795866031", "user_name", "Rogue", "status", "busy"));
    assertThat(service.tick()).as("nobody available").isEmpty();
  }

  @Test
  void sendsNothingWhenNobodyIsPresent() {
    assertThat(service.tick()).isEmpty();
    assertThat(metrics.dispatches()).isZero();
  }

  @Test
  void sendsTheServiceMessageToThePresentHerosTopic() {
    present("Storm");

    assertThat(service.tick()).contains("Storm");

    assertThat(delivered)
        .containsExactly(
            new Broadcast(
                "notifications:Storm",
                "notification",
                Map.of(
                    "body",
                    "Message to Storm from internal service",
                    "timestamp",
                    NOW.getEpochSecond(),
                    "from",
                    "dispatch")));
    assertThat(metrics.dispatches()).isEqualTo(1);
  }

  @Test
  void anInactiveNodeSendsNothing() {
    present("Storm");
    active.set(false);

    assertThat(service.tick()).isEmpty();
    assertThat(delivered).isEmpty();
  }

  @Test
  void picksAmongEveryPresentHero() {
    List.of("Storm", "Cyclops", "Rogue").forEach(this::present);

    var picked = new HashSet<String>();
    for (int i = 0; i < 100; i++) {
      service.tick().ifPresent(picked::add);
    }

    assertThat(picked).containsExactlyInAnyOrder("Storm", "Cyclops", "Rogue");
    assertThat(delivered).hasSize(100);
  }

  @Test
  void onceStartedItSendsEveryIntervalUntilClosed() {
    present("Storm");

    service.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() >= 3);
    service.close();
    int sent = delivered.size();

    assertThat(sent).isGreaterThanOrEqualTo(3);
    await()
        .during(Duration.ofMillis(100))
        .atMost(Duration.ofSeconds(1))
        .until(() -> delivered.size() <= sent + 1);
  }
}
