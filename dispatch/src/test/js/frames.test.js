// Exact V2 frames of the dispatch app, compared with frames captured from a real Phoenix 1.7
// server running the same app. Raw `ws`, no phoenix client in between.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import WebSocket from "ws";
import { WS_URL, waitFor } from "./client.js";

const LOBBY = "notifications:lobby";
const open = [];

afterEach(() => {
  while (open.length) open.pop().close();
});

async function raw(label) {
  const ws = new WebSocket(`${WS_URL}/socket/websocket?vsn=2.0.0`);
  const frames = [];
  ws.on("message", (data) => frames.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => {
    ws.on("open", resolve);
    ws.on("error", reject);
  });
  open.push(ws);
  const c = { label, ws, frames };
  c.send = (frame) => ws.send(JSON.stringify(frame));
  c.expect = (match, what) => waitFor(() => frames.find(match), `${label}: ${what}`);
  return c;
}

const isEvent = (event, joinRef) => (f) => f[3] === event && (joinRef === undefined || f[0] === joinRef);
const isReply = (ref) => (f) => f[3] === "phx_reply" && f[1] === ref;

async function joined(label, joinRef) {
  const c = await raw(label);
  c.send([joinRef, joinRef, LOBBY, "phx_join", {}]);
  await c.expect(isEvent("presence_state"), "presence_state");
  c.name = c.frames.find(isEvent("user_info"))[4].user_name;
  return c;
}

test("join: ok reply, then user_info and presence_state pushed with the join_ref", async () => {
  const a = await joined("A", "1");

  // presence_state waits for the presence diff window; the internal service (every 200 ms here)
  // may push a notification in between, which is not what this test is about.
  const mine = a.frames.filter((f) => f[0] === "1" && f[3] !== "notification");
  assert.deepEqual(mine[0], ["1", "1", LOBBY, "phx_reply", { status: "ok", response: {} }]);
  assert.deepEqual(mine[1], ["1", null, LOBBY, "user_info", { user_name: a.name }]);
  const [joinRef, ref, topic, event, state] = mine[2];
  assert.deepEqual([joinRef, ref, topic, event], ["1", null, LOBBY, "presence_state"]);
  assert.deepEqual(Object.keys(state[a.name]), ["metas"]);
  const [meta] = state[a.name].metas;
  assert.deepEqual(Object.keys(meta).sort(), ["online_at", "phx_ref", "status", "user_name"]);
  assert.equal(meta.status, "available");
  assert.equal(meta.user_name, a.name);
});

test("another hero's join reaches others as a presence_diff broadcast (join_ref null)", async () => {
  const a = await joined("A", "1");
  const b = await joined("B", "5");

  const diff = await a.expect((f) => f[3] === "presence_diff" && b.name in f[4].joins, "diff with B");
  assert.equal(diff[0], null);
  assert.equal(diff[1], null);
  // Diffs are coalesced: the same frame may also carry the leave of a hero from an earlier test.
  assert.ok(!(a.name in diff[4].leaves) && !(b.name in diff[4].leaves), "neither A nor B left");
  assert.equal(diff[4].joins[b.name].metas[0].user_name, b.name);
});

test("notify_all is a broadcast frame (join_ref null), notify_direct a push with the recipient's join_ref; both with id and stream", async () => {
  const a = await joined("A", "1");
  const b = await joined("B", "5");
  await a.expect((f) => f[3] === "presence_diff" && b.name in f[4].joins, "A to see B");

  a.send(["1", "4", LOBBY, "notify_all", { body: "hi all" }]);
  assert.deepEqual(await a.expect(isReply("4"), "reply 4"), ["1", "4", LOBBY, "phx_reply", { status: "ok", response: {} }]);
  const all = await b.expect((f) => f[3] === "notification" && f[4].body === "hi all", "hi all");
  // Encoded once for the whole lobby, with its id already in it; only a channel still replaying
  // history pushes it itself.
  assert.deepEqual(all.slice(0, 4), [null, null, LOBBY, "notification"]);
  assert.deepEqual(Object.keys(all[4]).sort(), ["body", "from", "id", "stream", "timestamp"]);
  assert.equal(all[4].stream, "lobby");
  assert.equal(all[4].from, a.name);

  a.send(["1", "5", LOBBY, "notify_direct", { body: "hi direct", recipient: b.name }]);
  const direct = await b.expect((f) => f[3] === "notification" && f[4].body === "hi direct", "hi direct");
  assert.deepEqual(direct.slice(0, 4), ["5", null, LOBBY, "notification"]);
  assert.equal(direct[4].stream, "direct");
});

test("a join replaying the lobby gets live ones pushed through its seam, then the shared broadcast frame, each once", async () => {
  const a = await raw("A");
  a.send(["1", "1", LOBBY, "phx_join", { last_seen: { lobby: "" } }]);
  await a.expect(isEvent("presence_state"), "presence_state");
  const b = await joined("B", "5");
  const live = (body) => (f) => f[3] === "notification" && f[4].body === body && !f[4].replayed;

  b.send(["5", "1", LOBBY, "notify_all", { body: "seam 1" }]);
  assert.equal((await a.expect(live("seam 1"), "seam 1"))[0], "1", "held by the replaying channel: a push");
  // More than a second past what the join read: the seam settles on this one at the latest.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  b.send(["5", "2", LOBBY, "notify_all", { body: "seam 2" }]);
  await a.expect(live("seam 2"), "seam 2");
  // The channel goes back to the broadcast frame just after it pushed seam 2: its reply to a later
  // push comes after that.
  a.send(["1", "after seam 2", LOBBY, "notify_direct", { body: "x", recipient: "Nobody At All" }]);
  await a.expect(isReply("after seam 2"), "the reply after seam 2");
  b.send(["5", "3", LOBBY, "notify_all", { body: "seam 3" }]);
  assert.equal((await a.expect(live("seam 3"), "seam 3"))[0], null, "back on the broadcast frame");

  const seen = a.frames.filter((f) => f[3] === "notification" && !f[4].replayed).map((f) => f[4].body);
  assert.deepEqual(seen.filter((body) => body.startsWith("seam ")), ["seam 1", "seam 2", "seam 3"]);
});

test("refusals are error replies with a reason", async () => {
  const a = await joined("A", "1");

  a.send(["8", "8", "notifications:other", "phx_join", {}]);
  assert.deepEqual(await a.expect(isReply("8"), "reply 8"), [
    "8",
    "8",
    "notifications:other",
    "phx_reply",
    { status: "error", response: { reason: "unauthorized" } },
  ]);

  a.send(["1", "9", LOBBY, "notify_direct", { body: "to nobody", recipient: "Nobody At All" }]);
  assert.deepEqual(await a.expect(isReply("9"), "reply 9"), [
    "1",
    "9",
    LOBBY,
    "phx_reply",
    { status: "error", response: { reason: "unknown_recipient" } },
  ]);

  a.send(["1", "10", LOBBY, "notify_all", { body: 7 }]);
  assert.deepEqual((await a.expect(isReply("10"), "reply 10"))[4], {
    status: "error",
    response: { reason: "invalid_body" },
  });
});
