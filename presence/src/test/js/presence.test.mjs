// The official phoenix npm Presence class, unmodified, against a Rollcall endpoint whose
// "room:*" channel tracks each client (PresenceNodeConformanceTest sets ROLLCALL_URL).
// Each client joins with {user}, is tracked after join and gets presence_state, then hears
// presence_diff broadcasts. After every step, every client's presence.list() must equal the
// server's list, and each real change (a phx_ref the client did not hold joining, or one it
// held leaving) must reach each client's onJoin/onLeave exactly once.
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { Socket, Presence } from "phoenix";
import { WebSocket } from "ws";

const URL = process.env.ROLLCALL_URL;
if (!URL) {
  throw new Error("ROLLCALL_URL must be set (run through PresenceNodeConformanceTest)");
}

const sockets = [];
let roomSerial = 0;

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
  let last;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not true after ${timeoutMs} ms: ${last && last.message}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** {key: [metas sorted by phx_ref]} as a stable JSON string, for either side. */
function normalize(presences) {
  const out = {};
  for (const key of Object.keys(presences).sort()) {
    out[key] = [...presences[key].metas]
      .map((meta) => JSON.stringify(meta, Object.keys(meta).sort()))
      .sort();
  }
  return JSON.stringify(out);
}

/** One browser tab: a socket, a channel on the room, and its Presence. */
class Client {
  constructor(topic, user) {
    this.user = user;
    this.socket = new Socket(URL, { transport: WebSocket, timeout: 10000 });
    this.socket.connect();
    sockets.push(this.socket);
    this.channel = this.socket.channel(topic, { user });
    this.presence = new Presence(this.channel);
    this.synced = 0;
    this.realJoins = new Map();
    this.realLeaves = new Map();
    this.presence.onSync(() => this.synced++);
    this.presence.onJoin((key, current, joined) => {
      const held = new Set(current ? current.metas.map((m) => m.phx_ref) : []);
      for (const meta of joined.metas) {
        if (!held.has(meta.phx_ref)) count(this.realJoins, meta.phx_ref);
      }
    });
    this.presence.onLeave((key, remaining, left) => {
      for (const meta of left.metas) count(this.realLeaves, meta.phx_ref);
    });
  }

  async join() {
    const joined = await outcome(this.channel.join());
    assert.equal(joined.status, "ok", `join of ${this.user}`);
    await eventually(() => assert.ok(this.synced > 0), `${this.user} got presence_state`);
  }

  /** What presence.list() shows, in the server's shape. */
  listed() {
    const out = {};
    this.presence.list((key, presence) => (out[key] = { metas: presence.metas }));
    return out;
  }

  async serverList() {
    const reply = await outcome(this.channel.push("list", {}));
    assert.equal(reply.status, "ok");
    return reply.response.presences;
  }

  async push(event, payload) {
    return outcome(this.channel.push(event, payload));
  }

  async leave() {
    const left = await outcome(this.channel.leave());
    assert.equal(left.status, "ok");
  }

  /** Every change was heard once: real joins and leaves counted per phx_ref. */
  assertEachChangeOnce() {
    for (const [ref, n] of this.realJoins) assert.equal(n, 1, `${this.user}: join of ${ref} ${n}x`);
    for (const [ref, n] of this.realLeaves) {
      assert.equal(n, 1, `${this.user}: leave of ${ref} ${n}x`);
    }
  }
}

function count(map, key) {
  map.set(key, (map.get(key) || 0) + 1);
}

/** Waits until the server lists {@code metas} metas in all (a leave's untrack is asynchronous). */
async function serverHasMetas(observer, metas) {
  await eventually(async () => {
    let n = 0;
    for (const p of Object.values(await observer.serverList())) n += p.metas.length;
    assert.equal(n, metas);
  }, `the server lists ${metas} metas`);
}

/** Waits until every client lists exactly what the server lists. */
async function allAgree(clients, observer = clients[0]) {
  await eventually(async () => {
    const server = normalize(await observer.serverList());
    for (const client of clients) {
      assert.equal(normalize(client.listed()), server, `${client.user} agrees with the server`);
    }
    return server;
  }, "every client's presence.list() equals the server's");
  for (const client of clients) client.assertEachChangeOnce();
}

test("two clients: join, update, a second tab, leave", async () => {
  const topic = `room:two-${++roomSerial}`;
  const alice = new Client(topic, "alice");
  await alice.join();
  const bob = new Client(topic, "bob");
  await bob.join();
  await allAgree([alice, bob]);
  assert.deepEqual(Object.keys(alice.listed()).sort(), ["alice", "bob"]);
  const aliceRef = alice.listed().alice.metas[0].phx_ref;
  // presence_state's own joins count too: each client heard each present ref join once
  assert.equal(bob.realJoins.get(aliceRef), 1);
  assert.equal(alice.realJoins.get(alice.listed().bob.metas[0].phx_ref), 1);

  const updated = await alice.push("update", { status: "away" });
  assert.equal(updated.status, "ok");
  await allAgree([alice, bob]);
  const seen = bob.listed().alice.metas;
  assert.equal(seen.length, 1);
  assert.equal(seen[0].status, "away");
  assert.equal(seen[0].phx_ref_prev, aliceRef);
  assert.equal(bob.realLeaves.get(aliceRef), 1, "the update left the old meta once");

  const tab = new Client(topic, "alice");
  await tab.join();
  await allAgree([alice, bob, tab]);
  assert.equal(bob.listed().alice.metas.length, 2, "two tabs are two metas of one key");

  await bob.leave();
  await serverHasMetas(alice, 2);
  await allAgree([alice, tab]);
  assert.deepEqual(Object.keys(alice.listed()), ["alice"]);

  const emptied = await alice.push("update", {});
  assert.equal(emptied.status, "ok");
  const untracked = await alice.push("untrack", {});
  assert.equal(untracked.status, "ok");
  await serverHasMetas(alice, 1);
  const again = await alice.push("untrack", {});
  assert.deepEqual(again, { status: "error", response: { reason: "nopresence" } });
  await allAgree([alice, tab]);
});

test("twenty clients join, update, leave and drop at once", async () => {
  const topic = `room:twenty-${++roomSerial}`;
  const clients = [];
  for (let i = 0; i < 20; i++) clients.push(new Client(topic, `user${i % 10}`));
  await Promise.all(clients.map((c) => c.join()));
  await allAgree(clients);
  assert.equal(Object.keys(clients[0].listed()).length, 10);
  for (const key of Object.keys(clients[0].listed())) {
    assert.equal(clients[0].listed()[key].metas.length, 2, `${key} has two tabs`);
  }

  const updates = await Promise.all(
    clients.slice(0, 10).map((c, i) => c.push("update", { step: i })),
  );
  assert.ok(updates.every((u) => u.status === "ok"));
  await allAgree(clients);

  await Promise.all(clients.slice(10, 15).map((c) => c.leave()));
  const staying = clients.slice(0, 10).concat(clients.slice(15));
  await serverHasMetas(clients[0], 15);
  await allAgree(staying);

  // Sockets that vanish: their channels end, their presences leave.
  for (const c of clients.slice(15)) c.socket.disconnect();
  const remaining = clients.slice(0, 10);
  await serverHasMetas(clients[0], 10);
  await allAgree(remaining);
  assert.equal(Object.keys(remaining[0].listed()).length, 10);
  let metas = 0;
  for (const p of Object.values(remaining[0].listed())) metas += p.metas.length;
  assert.equal(metas, 10);
});
