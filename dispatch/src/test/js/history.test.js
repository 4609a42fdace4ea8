// Notification history and replay end-to-end: the official phoenix client against the launcher,
// started by DispatchEndToEndIT with --history-size HISTORY_SIZE and a service that never sends.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { Socket } from "phoenix";
import WebSocket from "ws";
import { HTTP_URL, LOBBY, WS_URL, closeAll, hero, waitFor } from "./client.js";
import { pageHero as pageHeroAt } from "./history-client.js";

const pageHero = (token, options) => pageHeroAt(WS_URL, token, options);

const HISTORY_SIZE = Number(process.env.HISTORY_SIZE || 12);

const newToken = async () => (await fetch(`${HTTP_URL}/api/token`)).json();

/** Joins once with `params`; resolves with [status, reply] and closes. */
async function joinOnce(params) {
  const socket = new Socket(`${WS_URL}/socket`, { transport: WebSocket, timeout: 10000 });
  socket.connect();
  const channel = socket.channel(LOBBY, params);
  const result = await new Promise((resolve) =>
    channel
      .join()
      .receive("ok", (r) => resolve(["ok", r]))
      .receive("error", (r) => resolve(["error", r]))
      .receive("timeout", () => resolve(["timeout", null])),
  );
  await new Promise((resolve) => socket.disconnect(resolve));
  return result;
}

const bodies = (list, stream) => list.filter((n) => n.stream === stream).map((n) => n.body);

afterEach(closeAll);

describe("notification ids", () => {
  test("every notification carries an id and its stream; ids increase", async () => {
    const { token } = await newToken();
    const a = await pageHero(token);
    const b = await hero("sender");
    await waitFor(() => a.name, "a's name");
    assert.equal((await b.push("notify_all", { body: "to all" }))[0], "ok");
    assert.equal((await b.push("notify_direct", { body: "to a", recipient: a.name }))[0], "ok");
    await waitFor(() => a.notifications.length >= 2, "both notifications");
    const [all, direct] = a.notifications;
    assert.equal(all.stream, "lobby");
    assert.equal(direct.stream, "direct");
    assert.match(all.id, /^\d+-\d+$/);
    assert.match(direct.id, /^\d+-\d+$/);
    assert.equal(all.replayed, undefined);
    await a.close();
  });
});

describe("replay after a reconnect", () => {
  test("3 s away while 10 direct and 10 lobby are sent: all 20 once, in order, recovered", async () => {
    const { token } = await newToken();
    const a = await pageHero(token);
    const b = await hero("sender");
    assert.equal((await b.push("notify_all", { body: "before" }))[0], "ok");
    await waitFor(() => a.notifications.some((n) => n.body === "before"), "the first notification");

    a.socket.disconnect();
    await waitFor(() => !b.roster.includes(a.name), "a to leave the lobby");
    const sent = { lobby: [], direct: [] };
    for (let i = 0; i < 10; i++) {
      sent.lobby.push(`lobby ${i}`);
      assert.equal((await b.push("notify_all", { body: `lobby ${i}` }))[0], "ok");
      sent.direct.push(`direct ${i}`);
      const [status, reply] = await b.push("notify_direct", { body: `direct ${i}`, recipient: a.name });
      assert.equal(status, "ok", JSON.stringify(reply));
      // a is gone (its presence leaves at once with its socket): queued for its return.
      if (i === 9) assert.deepEqual(reply, { queued: true });
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
    a.socket.connect();
    await waitFor(() => a.joins.length === 2, "the rejoin", 15000);
    assert.deepEqual(a.joins[1], ["ok", { recovered: true }]);
    await waitFor(() => a.notifications.length >= 21, "the replay");
    // Live delivery goes on after the replay, without a duplicate at the seam.
    assert.equal((await b.push("notify_all", { body: "after" }))[0], "ok");
    await waitFor(() => a.notifications.some((n) => n.body === "after"), "the live notification");

    const replayed = a.notifications.slice(1, 21);
    assert.ok(replayed.every((n) => n.replayed === true), JSON.stringify(replayed));
    assert.deepEqual(bodies(replayed, "lobby"), sent.lobby);
    assert.deepEqual(bodies(replayed, "direct"), sent.direct);
    assert.deepEqual(
      a.notifications.map((n) => n.body),
      ["before", ...replayed.map((n) => n.body), "after"],
    );
    assert.equal(new Set(a.notifications.map((n) => n.id)).size, a.notifications.length);
    await a.close();
  });

  test("more than --history-size sent meanwhile: recovered false, the newest delivered", async () => {
    const { token } = await newToken();
    const a = await pageHero(token);
    const b = await hero("sender");
    assert.equal((await b.push("notify_all", { body: "seen" }))[0], "ok");
    await waitFor(() => a.notifications.length === 1, "the first notification");
    a.socket.disconnect();
    const count = HISTORY_SIZE + 5;
    for (let i = 0; i < count; i++) {
      assert.equal((await b.push("notify_all", { body: `n ${i}` }))[0], "ok");
    }
    a.socket.connect();
    await waitFor(() => a.joins.length === 2, "the rejoin", 15000);
    assert.deepEqual(a.joins[1], ["ok", { recovered: false }]);
    await waitFor(() => a.notifications.length >= 1 + HISTORY_SIZE, "the replay");
    // Live delivery follows the replay: once a live one is in, the whole replay is.
    assert.equal((await b.push("notify_all", { body: "after" }))[0], "ok");
    await waitFor(() => a.notifications.at(-1)?.body === "after", "the live notification");
    const replayed = a.notifications.slice(1, -1).map((n) => n.body);
    const newest = Array.from({ length: count }, (_, i) => `n ${i}`).slice(count - replayed.length);
    assert.ok(replayed.length >= HISTORY_SIZE, `kept ${replayed.length}`);
    assert.ok(replayed.length < count, `kept ${replayed.length} of ${count}`);
    assert.deepEqual(replayed, newest);
    await a.close();
  });

  test("a notify_others is not replayed to its sender", async () => {
    const { token } = await newToken();
    const a = await pageHero(token);
    const b = await hero("sender");
    assert.equal((await b.push("notify_all", { body: "mark" }))[0], "ok");
    await waitFor(() => a.notifications.length === 1, "the mark");
    a.socket.disconnect();
    await waitFor(() => !a.socket.isConnected(), "a's socket down");
    assert.equal((await b.push("notify_all", { body: "from b" }))[0], "ok");
    a.socket.connect();
    await waitFor(() => a.joins.length === 2, "a's rejoin", 15000);
    await waitFor(() => a.notifications.length === 2, "a's replay");
    // a's own notify_others while away is not replayed to a itself on its next rejoin.
    a.socket.disconnect();
    const c = await pageHero(token, { first: { last_seen: { lobby: a.lastSeen.lobby } } });
    const [status] = await new Promise((resolve) =>
      c.channel
        .push("notify_others", { body: "from a" })
        .receive("ok", (r) => resolve(["ok", r]))
        .receive("error", (r) => resolve(["error", r])),
    );
    assert.equal(status, "ok");
    await c.close();
    a.socket.connect();
    await waitFor(() => a.joins.length === 3, "a's second rejoin", 15000);
    assert.deepEqual(a.joins[2], ["ok", { recovered: true }]);
    // Live delivery follows the replay: once a live one is in, the whole replay is.
    assert.equal((await b.push("notify_all", { body: "after" }))[0], "ok");
    await waitFor(() => a.notifications.at(-1)?.body === "after", "the live notification");
    assert.deepEqual(
      a.notifications.map((n) => n.body),
      ["mark", "from b", "after"],
    );
    await a.close();
  });
});

describe("history on a fresh join", () => {
  test("history: 5 gives the newest 5 of both streams, oldest first, marked replayed", async () => {
    const { token } = await newToken();
    const a = await pageHero(token);
    const b = await hero("sender");
    for (let i = 0; i < 4; i++) {
      assert.equal((await b.push("notify_all", { body: `all ${i}` }))[0], "ok");
      assert.equal((await b.push("notify_direct", { body: `direct ${i}`, recipient: a.name }))[0], "ok");
    }
    await waitFor(() => a.notifications.length === 8, "eight notifications");
    await a.close();
    const reloaded = await pageHero(token, { first: { history: 5 } });
    await waitFor(() => reloaded.notifications.length === 5, "five replayed");
    // Live delivery follows the replay: once a live one is in, the whole replay is.
    assert.equal((await b.push("notify_all", { body: "after" }))[0], "ok");
    await waitFor(() => reloaded.notifications.at(-1)?.body === "after", "the live notification");
    const replayed = reloaded.notifications.slice(0, -1);
    assert.deepEqual(
      replayed.map((n) => n.body),
      a.notifications.slice(3).map((n) => n.body),
    );
    assert.ok(replayed.every((n) => n.replayed === true));
    await reloaded.close();
  });

  test("bad params get a clear join error, never a crash", async () => {
    for (const [params, reason] of [
      [{ history: -1 }, "invalid_history"],
      [{ history: 21 }, "invalid_history"],
      [{ history: "5" }, "invalid_history"],
      [{ history: 2.5 }, "invalid_history"],
      [{ last_seen: "1-0" }, "invalid_last_seen"],
      [{ last_seen: { lobby: 7 } }, "invalid_last_seen"],
      [{ last_seen: { lobby: "yesterday" } }, "invalid_last_seen"],
    ]) {
      assert.deepEqual(await joinOnce(params), ["error", { reason }], JSON.stringify(params));
    }
    // An id this stream never issued: a gap, not an error.
    assert.deepEqual(await joinOnce({ last_seen: { lobby: "99999999999999-0" } }), [
      "ok",
      { recovered: false },
    ]);
    assert.deepEqual(await joinOnce({ history: 0 }), ["ok", {}]);
    // The server is still fine.
    const h = await hero("after bad joins");
    assert.equal(h.joinReply[0], "ok");
  });

  test("notify_direct to a name never seen is still unknown_recipient", async () => {
    const b = await hero("sender");
    assert.deepEqual(await b.push("notify_direct", { body: "x", recipient: "Nobody Ever" }), [
      "error",
      { reason: "unknown_recipient" },
    ]);
  });
});
