// Notification history across a cluster: three launcher nodes on one real Redis, started by
// HistoryClusterIT, which also restarts Redis when this file asks it to (SIGNALS directory).
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { waitFor } from "./client.js";
import { pageHero } from "./history-client.js";

const NODES = process.env.DISPATCH_URLS.split(",");
const WS = NODES.map((url) => url.replace(/^http/, "ws"));
const SIGNALS = process.env.SIGNALS;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const token = async () => (await fetch(`${NODES[0]}/api/token`)).json();
const bodies = (list, stream) => list.filter((n) => n.stream === stream).map((n) => n.body);

async function ok(h, event, payload) {
  const [status, reply] = await h.push(event, payload);
  assert.equal(status, "ok", `${event}: ${JSON.stringify(reply)}`);
  return reply;
}

test("away 3 s on node 1, back on node 3: all 20 once, in order, recovered", async () => {
  const issued = await token();
  const a = await pageHero(WS[0], issued.token);
  const b = await pageHero(WS[1], undefined);
  await ok(b, "notify_all", { body: "before" });
  await waitFor(() => a.notifications.some((n) => n.body === "before"), "the first notification");
  await a.close();

  const sent = { lobby: [], direct: [] };
  for (let i = 0; i < 10; i++) {
    sent.lobby.push(`lobby ${i}`);
    await ok(b, "notify_all", { body: `lobby ${i}` });
    sent.direct.push(`direct ${i}`);
    await ok(b, "notify_direct", { body: `direct ${i}`, recipient: a.name });
  }
  await sleep(3000);

  const back = await pageHero(WS[2], issued.token, {
    first: { last_seen: { lobby: "", direct: "", ...a.lastSeen } },
  });
  assert.deepEqual(back.joins[0], ["ok", { recovered: true }]);
  await waitFor(() => back.notifications.length >= 20, "the replay on node 3");
  await ok(b, "notify_all", { body: "after" });
  await waitFor(() => back.notifications.some((n) => n.body === "after"), "live after the replay");
  const replayed = back.notifications.slice(0, 20);
  assert.ok(replayed.every((n) => n.replayed === true));
  assert.deepEqual(bodies(replayed, "lobby"), sent.lobby);
  assert.deepEqual(bodies(replayed, "direct"), sent.direct);
  assert.deepEqual(back.notifications.map((n) => n.body), [...replayed.map((n) => n.body), "after"]);
  await back.close();
  await b.close();
});

test("Redis restarted while heroes are connected: no crash, recovered false, live resumes", async () => {
  const a = await pageHero(WS[0], (await token()).token);
  const c = await pageHero(WS[2], (await token()).token);
  const b = await pageHero(WS[1], undefined);
  await ok(b, "notify_all", { body: "before restart" });
  await waitFor(
    () => [a, c].every((h) => h.notifications.some((n) => n.body === "before restart")),
    "the notification before the restart",
  );
  const seenBefore = { ...c.lastSeen };
  await c.close();

  writeFileSync(`${SIGNALS}/restart-redis`, "");
  await waitFor(() => existsSync(`${SIGNALS}/redis-restarted`), "Redis to restart", 60000);

  // Live delivery resumes once the nodes are back on Redis: a and b stayed connected throughout.
  const resumed = () => a.notifications.some((n) => n.body.startsWith("after restart"));
  const deadline = Date.now() + 30000;
  for (let marker = 0; !resumed(); marker++) {
    assert.ok(Date.now() < deadline, "no live notification within 30 s of the restart");
    await b.push("notify_all", { body: `after restart ${marker}` });
    await sleep(500);
  }
  const back = await pageHero(WS[0], undefined, { first: { last_seen: seenBefore } });
  assert.deepEqual(back.joins[0], ["ok", { recovered: false }]);
  assert.equal(new Set(a.notifications.map((n) => n.id)).size, a.notifications.length);
  for (const h of [a, b, back]) await h.close();
});
