// Summary presence in the lobby across three launcher nodes on one real Redis, started by
// PresenceSummaryIT: presence_count and list_presences for heroes who join with
// {"presence": "summary"}, while heroes who join without it still get presence_state and
// presence_diff exactly as before.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { Socket } from "phoenix";
import WebSocket from "ws";
import { closeAll, hero, holds, reply, waitFor } from "./client.js";

const NODES = process.env.DISPATCH_URLS.split(",");
const LOBBY = "notifications:lobby";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const opened = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => new Promise((resolve) => s.disconnect(resolve))));
  await closeAll();
});

/** A socket on `url` whose lobby channel joins with `params`; records every lobby event. */
async function join(url, params) {
  const socket = new Socket(`${url.replace(/^http/, "ws")}/socket`, {
    transport: WebSocket,
    reconnectAfterMs: () => 100,
    rejoinAfterMs: () => 60_000,
    timeout: 10_000,
  });
  opened.push(socket);
  socket.connect();
  const channel = socket.channel(LOBBY, params);
  const h = { socket, channel, events: [], name: null };
  for (const event of ["user_info", "presence_state", "presence_diff", "presence_count"]) {
    channel.on(event, (payload) => h.events.push({ event, payload, at: Date.now() }));
  }
  channel.on("user_info", ({ user_name }) => (h.name = user_name));
  h.joinReply = await reply(channel.join());
  h.of = (event) => h.events.filter((e) => e.event === event).map((e) => e.payload);
  h.count = () => h.of("presence_count").at(-1);
  h.push = (event, payload) => reply(channel.push(event, payload));
  h.close = () => new Promise((resolve) => socket.disconnect(resolve));
  return h;
}

const summary = async (url) => {
  const h = await join(url, { presence: "summary" });
  assert.equal(h.joinReply[0], "ok", JSON.stringify(h.joinReply));
  await waitFor(() => h.name && h.count(), "the summary hero's user_info and first presence_count");
  return h;
};

/** Waits until the summary hero's latest count is `count` heroes with `byStatus`. */
async function countIs(h, count, byStatus, what) {
  const expected = { count, by_status: { available: 0, busy: 0, off_duty: 0, ...byStatus } };
  await waitFor(
    () => JSON.stringify(h.count()) === JSON.stringify(expected),
    `${what}: ${JSON.stringify(expected)}, last ${JSON.stringify(h.count())}`,
    10_000,
  );
}

/** Every page of list_presences from `h` with `query`; `between` runs after each page. */
async function walk(h, query, between = async () => {}) {
  const keys = [];
  let after = null;
  for (;;) {
    const [status, page] = await h.push("list_presences", { ...query, after });
    assert.equal(status, "ok", JSON.stringify(page));
    assert.ok(page.entries.length <= (query.limit ?? 100));
    for (const entry of page.entries) {
      assert.equal(typeof entry.key, "string");
      assert.ok(Array.isArray(entry.metas) && entry.metas.length > 0, JSON.stringify(entry));
      keys.push(entry.key);
    }
    if (page.next === null) return keys;
    assert.equal(page.next, keys.at(-1));
    after = page.next;
    await between();
  }
}

test("a summary join gets its mode, the lobby size and a count, never the roster", async () => {
  const a = await hero("a", { url: NODES[0] });
  const b = await hero("b", { url: NODES[1] });
  const s = await summary(NODES[2]);
  assert.equal(s.joinReply[1].presence_mode, "summary");
  assert.equal(typeof s.joinReply[1].lobby_size, "number");
  await countIs(s, 3, { available: 3 }, "a, b and the summary hero");
  await b.push("notify_all", { body: "a broadcast still arrives" });
  await holds(() => s.of("presence_state").length === 0 && s.of("presence_diff").length === 0, "no roster", 1500);
  await waitFor(() => a.roster.includes(s.name), "full-mode heroes list the summary hero as before");
});

test("counts follow joins, leaves and status changes on every node, at most once a second", async () => {
  const s = await summary(NODES[0]);
  const a = await hero("a", { url: NODES[1] });
  const b = await hero("b", { url: NODES[2] });
  const c = await hero("c", { url: NODES[0] });
  await countIs(s, 4, { available: 4 }, "four heroes");
  assert.deepEqual(await b.push("set_status", { status: "busy" }), ["ok", {}]);
  assert.deepEqual(await c.push("set_status", { status: "off_duty" }), ["ok", {}]);
  await countIs(s, 4, { available: 2, busy: 1, off_duty: 1 }, "b busy, c off duty");
  await a.close();
  await countIs(s, 3, { available: 1, busy: 1, off_duty: 1 }, "a left");

  // A storm of changes: the count is coalesced, not one frame per change.
  const before = s.of("presence_count").length;
  const started = Date.now();
  for (let i = 0; i < 20; i++) {
    await b.push("set_status", { status: i % 2 ? "busy" : "available" });
    await sleep(100);
  }
  const seconds = (Date.now() - started) / 1000;
  await countIs(s, 3, { available: 1, busy: 1, off_duty: 1 }, "after the storm");
  const during = s.of("presence_count").length - before;
  assert.ok(during <= Math.ceil(seconds) + 3, `${during} counts in ${seconds} s of 20 changes`);

  // b's last change is one the storm never showed: once it is counted, all of b's earlier ones are
  // (one node's changes arrive in order), and the count may have caught up with any of them.
  assert.deepEqual(await b.push("set_status", { status: "off_duty" }), ["ok", {}]);
  await countIs(s, 3, { available: 1, off_duty: 2 }, "b off duty after the storm");
  // Nothing changes: nothing is sent.
  const quiet = s.of("presence_count").length;
  await holds(() => s.of("presence_count").length === quiet, "no count while nothing changes", 2500);
});

test("paging returns every hero present throughout exactly once, ascending, while others come and go", async () => {
  const stay = [];
  for (let i = 0; i < 15; i++) stay.push(await hero(`stay ${i}`, { url: NODES[i % 3] }));
  const leaving = [];
  for (let i = 0; i < 6; i++) leaving.push(await hero(`leave ${i}`, { url: NODES[i % 3] }));
  const s = await summary(NODES[1]);
  await countIs(s, 22, { available: 22 }, "22 heroes");

  let turn = 0;
  const keys = await walk(s, { limit: 4 }, async () => {
    if (leaving.length) await leaving.shift().close();
    await hero(`new ${turn++}`, { url: NODES[turn % 3] });
  });
  const sorted = [...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  assert.deepEqual(keys, sorted, "ascending");
  assert.equal(new Set(keys).size, keys.length, "no key twice");
  for (const h of [...stay, s]) assert.ok(keys.includes(h.name), `${h.name} present throughout`);

  // The status filter and a name prefix.
  assert.deepEqual(await stay[0].push("set_status", { status: "busy" }), ["ok", {}]);
  assert.deepEqual(await stay[1].push("set_status", { status: "busy" }), ["ok", {}]);
  await waitFor(() => s.count()?.by_status.busy === 2, "two busy", 10_000);
  const busy = await walk(s, { limit: 1, status: "busy" });
  assert.deepEqual(busy, [stay[0].name, stay[1].name].sort());
  const prefix = stay[2].name.slice(0, 2);
  const named = await walk(s, { limit: 2, prefix });
  assert.ok(named.includes(stay[2].name) && named.every((k) => k.startsWith(prefix)), JSON.stringify(named));
});

test("bad params: a clear join error or reply reason, and nothing else breaks", async () => {
  for (const presence of ["full", 1, null, {}]) {
    const refused = await join(NODES[0], { presence });
    assert.equal(refused.joinReply[0], "error", JSON.stringify({ presence, reply: refused.joinReply }));
    assert.match(refused.joinReply[1].reason, /^invalid_presence/);
  }
  const s = await summary(NODES[0]);
  const bad = [
    [{ limit: 0 }, "invalid_limit"],
    [{ limit: 501 }, "invalid_limit"],
    [{ limit: "5" }, "invalid_limit"],
    [{ limit: 2.5 }, "invalid_limit"],
    [{ after: 5 }, "invalid_after"],
    [{ status: "asleep" }, "invalid_status"],
    [{ prefix: ["x"] }, "invalid_prefix"],
  ];
  for (const [payload, reason] of bad) {
    assert.deepEqual(await s.push("list_presences", payload), ["error", { reason }], JSON.stringify(payload));
  }
  const [status, page] = await s.push("list_presences", { limit: 500 });
  assert.equal(status, "ok");
  assert.ok(page.entries.some((e) => e.key === s.name));

  // A full-mode hero may page too.
  const full = await hero("full", { url: NODES[1] });
  const [fullStatus, fullPage] = await full.push("list_presences", { limit: 1 });
  assert.equal(fullStatus, "ok", JSON.stringify(fullPage));
  assert.equal(fullPage.entries.length, 1);
});

test("full-mode heroes get presence_state and presence_diff as before, and no counts", async () => {
  const full = await join(NODES[0], {});
  assert.deepEqual(full.joinReply, ["ok", {}]);
  await waitFor(() => full.of("presence_state").length === 1, "presence_state");
  const s1 = await summary(NODES[1]);
  const s2 = await summary(NODES[2]);
  await waitFor(
    () => full.of("presence_diff").some((d) => d.joins[s1.name]) && full.of("presence_diff").some((d) => d.joins[s2.name]),
    "diffs with both summary heroes' joins",
    10_000,
  );
  await s1.close();
  await waitFor(() => full.of("presence_diff").some((d) => d.leaves[s1.name]), "s1's leave", 10_000);
  await countIs(s2, 2, { available: 2 }, "the full hero and s2");
  await holds(
    () => full.of("presence_count").length === 0 && full.of("presence_state").length === 1,
    "no count and one presence_state for the full hero",
    1500,
  );
});
