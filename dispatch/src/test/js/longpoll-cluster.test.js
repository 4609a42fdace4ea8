// Long-poll across nodes (started by LongPollAcrossNodesIT): a phoenix.js LongPoll hero behind a
// round-robin proxy, so its polls and POSTs land on either node, and a WebSocket watcher on each
// node. NODE_URLS and NODE_PIDS map node names to their URL and process id; PROXY_URL is the proxy.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { LongPoll } from "phoenix";
import { closeAll, hero, waitFor } from "./client.js";

const NODES = JSON.parse(process.env.NODE_URLS);
const PIDS = JSON.parse(process.env.NODE_PIDS);
const PROXY = process.env.PROXY_URL;

after(closeAll);

/** The node a long-poll token names: its signed data is `<ms>:v1:<node>:<topic>`. */
const sessionNode = (token) => Buffer.from(token.split(".")[1], "base64url").toString().split(":")[2];

test("a long-poll session survives alternating nodes, and moves when its node dies", async () => {
  const names = Object.keys(NODES);
  const watchers = {};
  for (const node of names) watchers[node] = await hero(`watcher on ${node}`, { url: NODES[node], transport: "websocket" });
  const polled = await hero("long-poll hero", { url: PROXY, transport: "longpoll" });
  assert.ok(polled.socket.conn instanceof LongPoll);
  assert.deepEqual(polled.joinReply, ["ok", {}]);
  for (const node of names) {
    await waitFor(() => watchers[node].roster.includes(polled.name), `the watcher on ${node} to see the long-poll hero`);
    await waitFor(() => polled.roster.includes(watchers[node].name), `the long-poll hero to see the watcher on ${node}`);
  }

  for (let i = 0; i < 6; i++) {
    const watcher = watchers[names[i % names.length]];
    assert.deepEqual(await polled.push("notify_direct", { body: `to ${i}`, recipient: watcher.name }), ["ok", {}]);
    assert.deepEqual(await watcher.push("notify_direct", { body: `from ${i}`, recipient: polled.name }), ["ok", {}]);
    await waitFor(() => watcher.notifications().some((n) => n.body === `to ${i}` && n.from === polled.name), `${watcher.label} to get message ${i}`);
    await waitFor(() => polled.notifications().some((n) => n.body === `from ${i}`), `the long-poll hero to get message ${i}`);
  }
  const firstToken = polled.socket.conn.token;
  const doomed = sessionNode(firstToken);
  const survivor = names.find((node) => node !== doomed);
  assert.ok(PIDS[doomed], `the session's node ${doomed} is one of ${names}`);
  const oldName = polled.name;

  process.kill(PIDS[doomed], "SIGKILL");

  await waitFor(() => !watchers[survivor].roster.includes(oldName), "the old presence to leave the survivor's roster");
  await waitFor(() => polled.socket.conn && polled.socket.conn.token && polled.socket.conn.token !== firstToken, "a new session", 10000);
  assert.equal(sessionNode(polled.socket.conn.token), survivor);
  await waitFor(() => polled.name !== oldName && watchers[survivor].roster.includes(polled.name), "the reconnected hero to join again", 10000);
  assert.deepEqual(await polled.push("notify_direct", { body: "after", recipient: watchers[survivor].name }), ["ok", {}]);
  await waitFor(() => watchers[survivor].notifications().some((n) => n.body === "after"), "a message after the move");
});
