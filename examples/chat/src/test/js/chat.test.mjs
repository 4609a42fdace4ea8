// The official phoenix npm client, as the chat page uses it, against the chat example
// (ChatNodeTest starts it and sets CHAT_URL): presence, typing as a meta update, messages,
// history, and refusals a user would see.
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { Socket, Presence } from "phoenix";
import { WebSocket } from "ws";

const URL = process.env.CHAT_URL;
if (!URL) throw new Error("CHAT_URL must be set (run through ChatNodeTest)");

const sockets = [];
afterEach(() => {
  while (sockets.length) sockets.pop().disconnect();
});

function outcome(push) {
  return new Promise((resolve) => {
    push
      .receive("ok", (response) => resolve({ status: "ok", response }))
      .receive("error", (response) => resolve({ status: "error", response }))
      .receive("timeout", () => resolve({ status: "timeout" }));
  });
}

async function eventually(check, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${what}: ${e.message}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function user(room, name) {
  const socket = new Socket(URL, { transport: WebSocket, timeout: 10000 });
  socket.connect();
  sockets.push(socket);
  const channel = socket.channel(`room:${room}`, { user: name });
  const presence = new Presence(channel);
  const seen = { messages: [], history: null };
  channel.on("new_msg", (m) => seen.messages.push(m));
  channel.on("history", ({ messages }) => (seen.history = messages));
  return { channel, presence, seen };
}

test("two users see each other, typing, and each other's messages", async () => {
  const alice = user("js-one", "alice");
  assert.equal((await outcome(alice.channel.join())).status, "ok");
  const bob = user("js-one", "bob");
  assert.equal((await outcome(bob.channel.join())).status, "ok");

  const names = (p) => p.presence.list((name) => name).sort();
  await eventually(() => assert.deepEqual(names(alice), ["alice", "bob"]), "alice sees both");
  await eventually(() => assert.deepEqual(names(bob), ["alice", "bob"]), "bob sees both");

  assert.equal((await outcome(alice.channel.push("typing", { typing: true }))).status, "ok");
  const typing = (p, name) =>
    p.presence.list((key, { metas }) => (key === name ? metas[0].typing : undefined))
      .find((t) => t !== undefined);
  await eventually(() => assert.equal(typing(bob, "alice"), true), "bob sees alice typing");

  assert.equal((await outcome(alice.channel.push("new_msg", { body: "hi bob" }))).status, "ok");
  await eventually(() => assert.equal(bob.seen.messages.at(-1)?.body, "hi bob"), "bob gets it");
  assert.equal(bob.seen.messages.at(-1).user, "alice");

  assert.equal((await outcome(alice.channel.push("typing", { typing: false }))).status, "ok");
  await eventually(() => assert.equal(typing(bob, "alice"), false), "bob sees alice stop");

  bob.channel.leave();
  await eventually(() => assert.deepEqual(names(alice), ["alice"]), "alice sees bob leave");
});

test("a late joiner gets the last 50 messages, oldest first", async () => {
  const writer = user("js-history", "writer");
  assert.equal((await outcome(writer.channel.join())).status, "ok");
  for (let i = 1; i <= 55; i++) {
    assert.equal((await outcome(writer.channel.push("new_msg", { body: `m${i}` }))).status, "ok");
  }
  const late = user("js-history", "late");
  assert.equal((await outcome(late.channel.join())).status, "ok");
  await eventually(() => assert.ok(late.seen.history), "history arrives");
  assert.equal(late.seen.history.length, 50);
  assert.equal(late.seen.history[0].body, "m6");
  assert.equal(late.seen.history.at(-1).body, "m55");
});

test("bad input gets a reason, and the channel stays usable", async () => {
  const nameless = user("js-bad", "");
  const refused = await outcome(nameless.channel.join());
  assert.equal(refused.status, "error");
  assert.match(refused.response.reason, /user must be a name/);
  nameless.channel.leave();

  const carol = user("js-bad", "carol");
  assert.equal((await outcome(carol.channel.join())).status, "ok");
  const empty = await outcome(carol.channel.push("new_msg", { body: "" }));
  assert.deepEqual(empty, { status: "error", response: { reason: "body must be text of 1 to 2000 characters" } });
  const odd = await outcome(carol.channel.push("dance", {}));
  assert.deepEqual(odd, { status: "error", response: { reason: "unknown event dance" } });
  assert.equal((await outcome(carol.channel.push("new_msg", { body: "still here" }))).status, "ok");
});
