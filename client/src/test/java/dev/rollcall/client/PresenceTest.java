package dev.rollcall.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rollcall.protocol.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * phoenix.js's own presence tests, case by case, on the Java {@link Presence}: the static sync
 * functions, and an instance on a channel whose events the test triggers.
 */
class PresenceTest {
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .build();

  /** JSON as phoenix.js's tests write it: unquoted keys, single quotes. */
  static Object json(String text) {
    try {
      return JSON.readValue(text, Object.class);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static Map<String, PresenceEntry> presences(String text) {
    return PresenceEntry.fromJsonState(json(text));
  }

  static Presence.Diff diff(String text) {
    return Presence.Diff.fromJson(json(text));
  }

  /** A presence as the JSON object it came from. */
  static Object asJson(PresenceEntry entry) {
    if (entry == null) {
      return null;
    }
    var object = new LinkedHashMap<String, Object>(entry.fields());
    object.put("metas", entry.metas());
    return object;
  }

  static Map<String, Object> asJson(Map<String, PresenceEntry> state) {
    var object = new LinkedHashMap<String, Object>();
    state.forEach((key, entry) -> object.put(key, asJson(entry)));
    return object;
  }

  private static final String STATE =
      "{u1: {metas: [{id: 1, phx_ref: '1'}]}, u2: {metas: [{id: 2, phx_ref: '2'}]},"
          + " u3: {metas: [{id: 3, phx_ref: '3'}]}}";
  private static final String JOINS = "{u1: {metas: [{id: 1, phx_ref: '1.2'}]}}";
  private static final String LEAVES = "{u2: {metas: [{id: 2, phx_ref: '2'}]}}";

  private final List<Object> joined = new ArrayList<>();
  private final List<Object> left = new ArrayList<>();
  private final Presence.OnJoin onJoin =
      (key, current, newPres) ->
          joined.add(List.of(key, mapOf("current", asJson(current), "newPres", asJson(newPres))));
  private final Presence.OnLeave onLeave =
      (key, current, leftPres) ->
          left.add(List.of(key, mapOf("current", asJson(current), "leftPres", asJson(leftPres))));

  private static Map<String, Object> mapOf(String k1, Object v1, String k2, Object v2) {
    var map = new LinkedHashMap<String, Object>();
    map.put(k1, v1);
    map.put(k2, v2);
    return map;
  }

  // --- syncState

  @Test
  void syncStateSyncsEmptyStateWithoutChangingItsArgument() {
    var newState = presences("{u1: {metas: [{id: 1, phx_ref: '1'}]}}");
    Map<String, PresenceEntry> state = new LinkedHashMap<>();

    Presence.syncState(state, newState, null, null);
    assertThat(state).isEmpty();

    assertThat(Presence.syncState(state, newState, null, null)).isEqualTo(newState);
  }

  @Test
  void syncStateOnJoinsNewPresencesAndOnLeavesLeftPresences() {
    var state = presences("{u4: {metas: [{id: 4, phx_ref: '4'}]}}");

    state = Presence.syncState(state, presences(STATE), onJoin, onLeave);

    assertThat(asJson(state)).isEqualTo(json(STATE));
    assertThat(joined)
        .isEqualTo(
            json(
                "[['u1', {current: null, newPres: {metas: [{id: 1, phx_ref: '1'}]}}],"
                    + " ['u2', {current: null, newPres: {metas: [{id: 2, phx_ref: '2'}]}}],"
                    + " ['u3', {current: null, newPres: {metas: [{id: 3, phx_ref: '3'}]}}]]"));
    assertThat(left)
        .isEqualTo(
            json("[['u4', {current: {metas: []}, leftPres: {metas: [{id: 4, phx_ref: '4'}]}}]]"));
  }

  @Test
  void syncStateOnJoinsOnlyNewlyAddedMetas() {
    String newState = "{u3: {metas: [{id: 3, phx_ref: '3'}, {id: 3, phx_ref: '3.new'}]}}";
    var state = presences("{u3: {metas: [{id: 3, phx_ref: '3'}]}}");

    state = Presence.syncState(state, presences(newState), onJoin, onLeave);

    assertThat(asJson(state)).isEqualTo(json(newState));
    assertThat(joined)
        .isEqualTo(
            json(
                "[['u3', {current: {metas: [{id: 3, phx_ref: '3'}]},"
                    + " newPres: {metas: [{id: 3, phx_ref: '3.new'}]}}]]"));
    assertThat(left).isEmpty();
  }

  // --- syncDiff

  @Test
  void syncDiffSyncsEmptyState() {
    String joins = "{u1: {metas: [{id: 1, phx_ref: '1'}]}}";
    var state = Presence.syncDiff(Map.of(), diff("{joins: " + joins + ", leaves: {}}"), null, null);
    assertThat(asJson(state)).isEqualTo(json(joins));
  }

  @Test
  void syncDiffRemovesPresenceWhenMetaIsEmptyAndAddsAdditionalMeta() {
    var state =
        Presence.syncDiff(
            presences(STATE), diff("{joins: " + JOINS + ", leaves: " + LEAVES + "}"), null, null);

    assertThat(asJson(state))
        .isEqualTo(
            json(
                "{u1: {metas: [{id: 1, phx_ref: '1'}, {id: 1, phx_ref: '1.2'}]},"
                    + " u3: {metas: [{id: 3, phx_ref: '3'}]}}"));
  }

  @Test
  void syncDiffRemovesMetaWhileLeavingKeyIfOtherMetasExist() {
    var state =
        Presence.syncDiff(
            presences("{u1: {metas: [{id: 1, phx_ref: '1'}, {id: 1, phx_ref: '1.2'}]}}"),
            diff("{joins: {}, leaves: {u1: {metas: [{id: 1, phx_ref: '1'}]}}}"),
            null,
            null);

    assertThat(asJson(state)).isEqualTo(json("{u1: {metas: [{id: 1, phx_ref: '1.2'}]}}"));
  }

  @Test
  void aPresenceKeepsTheFieldsOfItsLatestJoin() {
    var state =
        Presence.syncDiff(
            presences("{u1: {metas: [{phx_ref: '1'}], user: {name: 'old'}}}"),
            diff("{joins: {u1: {metas: [{phx_ref: '2'}], user: {name: 'new'}}}, leaves: {}}"),
            null,
            null);

    assertThat(asJson(state))
        .isEqualTo(json("{u1: {user: {name: 'new'}, metas: [{phx_ref: '1'}, {phx_ref: '2'}]}}"));
  }

  // --- list

  @Test
  void listsFullPresenceByDefault() {
    assertThat(Presence.list(presences(STATE), (key, p) -> asJson(p)))
        .isEqualTo(
            json(
                "[{metas: [{id: 1, phx_ref: '1'}]}, {metas: [{id: 2, phx_ref: '2'}]},"
                    + " {metas: [{id: 3, phx_ref: '3'}]}]"));
  }

  @Test
  void listsWithCustomFunction() {
    var state =
        presences("{u1: {metas: [{id: 1, phx_ref: '1.first'}, {id: 1, phx_ref: '1.second'}]}}");
    assertThat(Presence.list(state, (key, p) -> p.metas().getFirst()))
        .isEqualTo(json("[{id: 1, phx_ref: '1.first'}]"));
  }

  // --- instance, on a channel of a socket that never connects: the test plays the server

  private final Socket socket = new Socket("ws://127.0.0.1:9/socket");
  private final Channel channel = socket.channel("room:lobby");

  @AfterEach
  void disconnect() {
    socket.disconnect();
  }

  private <T> T onLoop(Callable<T> task) throws Exception {
    return socket.loop.submit(task).get();
  }

  private void trigger(String event, String payload) throws Exception {
    onLoop(
        () -> {
          channel.trigger(event, json(payload), null, null);
          return null;
        });
  }

  private List<Object> listByFirst(Presence presence) {
    return presence.list((key, p) -> p.metas().getFirst());
  }

  /** A join that stays pending (nobody answers), so the channel has a join_ref. */
  private void joined() throws Exception {
    channel.join(Duration.ofHours(1));
    onLoop(() -> channel.joinRef());
  }

  /** What phoenix.js's channel stub does: the channel's join_ref changes. */
  private void simulateDisconnectAndReconnect() throws Exception {
    onLoop(
        () -> {
          channel.trigger(Message.ERROR, Map.of("reason", "test"), null, null);
          channel.rejoin();
          return null;
        });
  }

  @Test
  void instanceSyncsStateAndDiffs() throws Exception {
    var presence = new Presence(channel);
    joined();

    trigger(
        "presence_state",
        "{u1: {metas: [{id: 1, phx_ref: '1'}]}, u2: {metas: [{id: 2, phx_ref: '2'}]}}");
    assertThat(listByFirst(presence))
        .isEqualTo(json("[{id: 1, phx_ref: '1'}, {id: 2, phx_ref: '2'}]"));

    trigger("presence_diff", "{joins: {}, leaves: {u1: {metas: [{id: 1, phx_ref: '1'}]}}}");
    assertThat(listByFirst(presence)).isEqualTo(json("[{id: 2, phx_ref: '2'}]"));
  }

  @Test
  void instanceAppliesPendingDiffIfStateIsNotYetSynced() throws Exception {
    var presence = new Presence(channel);
    joined();
    presence.onJoin(onJoin);
    presence.onLeave(onLeave);
    String user1 = "{metas: [{id: 1, phx_ref: '1'}]}";
    String user2 = "{metas: [{id: 2, phx_ref: '2'}]}";
    String user3 = "{metas: [{id: 3, phx_ref: '3'}]}";

    trigger("presence_diff", "{joins: {}, leaves: {u2: " + user2 + "}}");
    assertThat(listByFirst(presence)).isEmpty();
    assertThat(onLoop(presence::inPendingSyncState)).isTrue();

    trigger("presence_state", "{u1: " + user1 + ", u2: " + user2 + "}");
    assertThat(left).isEqualTo(json("[['u2', {current: {metas: []}, leftPres: " + user2 + "}]]"));
    assertThat(listByFirst(presence)).isEqualTo(json("[{id: 1, phx_ref: '1'}]"));
    assertThat(joined)
        .isEqualTo(
            json(
                "[['u1', {current: null, newPres: "
                    + user1
                    + "}], ['u2', {current: null, newPres: "
                    + user2
                    + "}]]"));

    simulateDisconnectAndReconnect();
    assertThat(onLoop(presence::inPendingSyncState)).isTrue();

    trigger("presence_diff", "{joins: {}, leaves: {u1: " + user1 + "}}");
    assertThat(listByFirst(presence)).isEqualTo(json("[{id: 1, phx_ref: '1'}]"));

    trigger("presence_state", "{u1: " + user1 + ", u3: " + user3 + "}");
    assertThat(listByFirst(presence)).isEqualTo(json("[{id: 3, phx_ref: '3'}]"));
  }

  @Test
  void instanceAllowsCustomChannelEvents() throws Exception {
    var presence = new Presence(channel, "the_state", "the_diff");
    joined();

    trigger("the_state", "{user1: {metas: [{id: 1, phx_ref: '1'}]}}");
    assertThat(listByFirst(presence)).isEqualTo(json("[{id: 1, phx_ref: '1'}]"));
    trigger("the_diff", "{joins: {}, leaves: {user1: {metas: [{id: 1, phx_ref: '1'}]}}}");
    assertThat(listByFirst(presence)).isEmpty();
  }

  @Test
  void instanceUpdatesExistingMetaForAPresenceUpdate() throws Exception {
    var presence = new Presence(channel);
    joined();
    trigger(
        "presence_state",
        "{u1: {metas: [{id: 1, phx_ref: '1'}]}, u2: {metas: [{id: 2, name: 'chris', phx_ref: '2'}]}}");
    presence.onJoin(onJoin);
    presence.onLeave(onLeave);
    assertThat(presence.list((key, p) -> p.metas()))
        .isEqualTo(json("[[{id: 1, phx_ref: '1'}], [{id: 2, name: 'chris', phx_ref: '2'}]]"));

    String joins = "{u2: {metas: [{id: 2, name: 'chris.2', phx_ref: '2.2', phx_ref_prev: '2'}]}}";
    trigger(
        "presence_diff",
        "{joins: " + joins + ", leaves: {u2: {metas: [{id: 2, name: 'chris', phx_ref: '2'}]}}}");

    assertThat(presence.list((key, p) -> p.metas()))
        .isEqualTo(
            json(
                "[[{id: 1, phx_ref: '1'}],"
                    + " [{id: 2, name: 'chris.2', phx_ref: '2.2', phx_ref_prev: '2'}]]"));
    assertThat(joined)
        .isEqualTo(
            json(
                "[['u2', {current: {metas: [{id: 2, name: 'chris', phx_ref: '2'}]},"
                    + " newPres: {metas: [{id: 2, name: 'chris.2', phx_ref: '2.2',"
                    + " phx_ref_prev: '2'}]}}]]"));
  }

  @Test
  void aDiffBeforeAStateThatNeverCameIsAppliedAfterTheNextJoinsState() throws Exception {
    // phoenix.js keeps its pending diffs across rejoins; Rollcall's client does the same.
    var presence = new Presence(channel);
    joined();
    trigger("presence_diff", "{joins: {u1: {metas: [{phx_ref: '1'}]}}, leaves: {}}");

    simulateDisconnectAndReconnect();
    trigger("presence_state", "{u2: {metas: [{phx_ref: '2'}]}}");

    assertThat(presence.list((key, p) -> key)).containsExactly("u2", "u1");
  }

  @Test
  void onSyncRunsAfterEachStateAndApplicableDiff() throws Exception {
    var presence = new Presence(channel);
    var syncs = new ArrayList<List<String>>();
    presence.onSync(() -> syncs.add(presence.list((key, p) -> key)));
    joined();

    trigger("presence_diff", "{joins: {u2: {metas: [{phx_ref: '2'}]}}, leaves: {}}");
    trigger("presence_state", "{u1: {metas: [{phx_ref: '1'}]}}");
    trigger("presence_diff", "{joins: {}, leaves: {u1: {metas: [{phx_ref: '1'}]}}}");

    assertThat(syncs).containsExactly(List.of("u1", "u2"), List.of("u2"));
  }
}
