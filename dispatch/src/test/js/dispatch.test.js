// Dispatch offers end-to-end: the official phoenix client against the launcher, started by
// DispatchEndToEndIT with a short --offer-timeout (OFFER_TIMEOUT_MS) and --reassign-after
// (REASSIGN_AFTER_MS).
import assert from "node:assert/strict";
import { after, afterEach, describe, test } from "node:test";
import { HTTP_URL, closeAll, hero, holds, waitFor } from "./client.js";

const OFFER_TIMEOUT_MS = Number(process.env.OFFER_TIMEOUT_MS || 5000);
const REASSIGN_AFTER_MS = Number(process.env.REASSIGN_AFTER_MS || 5000);

const of = (h, event) => h.events.filter((e) => e.event === event).map((e) => e.payload);
const offers = (h, id) => of(h, "dispatch_offer").filter((o) => !id || o.id === id);
const updates = (h, id) => of(h, "dispatch_update").filter((u) => u.id === id);
const latest = (h, id) => updates(h, id).at(-1);

/** A hero who is present but not offered anything: off duty. */
async function bystander(label) {
  const h = await hero(label);
  assert.deepEqual(await h.push("set_status", { status: "off_duty" }), ["ok", {}]);
  await waitFor(() => h.statuses[h.name]?.[0] === "off_duty", `${label} off duty`);
  return h;
}

async function available(label) {
  const h = await hero(label);
  await waitFor(() => h.statuses[h.name]?.[0] === "available", `${label} in the roster`);
  return h;
}

async function report(h, body) {
  const [status, response] = await h.push("report_incident", { body });
  assert.equal(status, "ok", JSON.stringify(response));
  assert.equal(typeof response.id, "string");
  return response.id;
}

/** Waits until one of `heroes` holds the offer of `id`; returns that hero. */
async function offeredTo(heroes, id, what = `an offer of ${id}`, timeout = 10000) {
  return waitFor(() => heroes.find((h) => offers(h, id).length > 0), what, timeout);
}

const token = async () => (await fetch(`${HTTP_URL}/api/token`)).json();

/**
 * Leaves the board without open dispatches for the next test: a janitor accepts and resolves every
 * offer it gets until the board shows none open (held ones come free after --reassign-after).
 */
async function cleanBoard() {
  await closeAll();
  const janitor = await hero("janitor");
  const done = new Set();
  const open = () => {
    const board = of(janitor, "dispatch_board")[0]?.dispatches || [];
    const state = new Map(board.map((d) => [d.id, d]));
    for (const u of of(janitor, "dispatch_update")) state.set(u.id, u);
    return [...state.values()].filter((d) => d.state !== "resolved");
  };
  await waitFor(() => of(janitor, "dispatch_board").length, "the janitor's board");
  const deadline = Date.now() + 20000;
  while (open().length) {
    if (Date.now() > deadline) throw new Error(`board still open: ${JSON.stringify(open())}`);
    for (const offer of offers(janitor)) {
      if (done.has(offer.id)) continue;
      done.add(offer.id);
      await janitor.push("accept_dispatch", { id: offer.id });
      await janitor.push("resolve_dispatch", { id: offer.id });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // A hero's leave reaches presence a while after its socket closes: the last test's heroes are
  // gone once the janitor sees itself alone; and the janitor goes off duty before it leaves, so
  // the next test's first report is not offered to it meanwhile.
  await waitFor(() => janitor.roster.length === 1, "the last test's heroes to leave the lobby");
  assert.deepEqual(await janitor.push("set_status", { status: "off_duty" }), ["ok", {}]);
  await waitFor(() => janitor.statuses[janitor.name]?.[0] === "off_duty", "the janitor off duty");
  await closeAll();
}

afterEach(cleanBoard);
after(closeAll);

describe("set_status", () => {
  test("changes the presence meta as Presence.update does, on every client", async () => {
    const a = await available("A");
    const b = await available("B");
    await waitFor(() => b.statuses[a.name], "B to see A");
    const diffsBefore = of(b, "presence_diff").length;

    assert.deepEqual(await a.push("set_status", { status: "busy" }), ["ok", {}]);

    await waitFor(() => b.statuses[a.name]?.[0] === "busy", "B to see A busy");
    const diff = of(b, "presence_diff")
      .slice(diffsBefore)
      .find((d) => a.name in d.joins);
    assert.equal(diff.leaves[a.name].metas[0].status, "available");
    assert.equal(diff.joins[a.name].metas[0].status, "busy");
    assert.equal(diff.joins[a.name].metas[0].phx_ref_prev, diff.leaves[a.name].metas[0].phx_ref);
    assert.equal(b.metas[a.name], 1, "still one meta");
    assert.deepEqual(await a.push("set_status", { status: "available" }), ["ok", {}]);
    await waitFor(() => b.statuses[a.name]?.[0] === "available", "B to see A available");
  });

  test("refuses anything but available, busy and off_duty", async () => {
    const a = await available("A");
    for (const payload of [{}, { status: "asleep" }, { status: 3 }, { status: null }, { status: "BUSY" }]) {
      assert.deepEqual(await a.push("set_status", payload), ["error", { reason: "invalid_status" }], JSON.stringify(payload));
    }
    assert.deepEqual(a.statuses[a.name], ["available"]);
  });
});

describe("report_incident", () => {
  test("refuses a missing, blank or too long body", async () => {
    const a = await bystander("A");
    for (const payload of [{}, { body: "" }, { body: "   " }, { body: 42 }]) {
      assert.deepEqual(await a.push("report_incident", payload), ["error", { reason: "invalid_body" }]);
    }
    assert.deepEqual(await a.push("report_incident", { body: "x".repeat(501) }), ["error", { reason: "body_too_long" }]);
  });

  test("with nobody available the dispatch is unassigned, and offered as soon as someone is", async () => {
    const a = await bystander("A");
    const id = await report(a, "cat up a tree");
    await waitFor(() => latest(a, id)?.state === "unassigned", "unassigned");
    assert.equal(latest(a, id).hero, null);
    assert.equal(latest(a, id).attempts, 0);

    assert.deepEqual(await a.push("set_status", { status: "available" }), ["ok", {}]);
    await waitFor(() => offers(a, id).length, "the offer once A is available");
    await waitFor(() => latest(a, id)?.state === "offered" && latest(a, id).hero === a.name, "offered to A");

    const b = await available("B");
    await waitFor(() => b.roster.includes(a.name), "B in the lobby");
    const c = await bystander("C");
    const id2 = await report(c, "second cat");
    // A holds an offer, so only B may be offered the second one.
    await waitFor(() => offers(b, id2).length, "B offered the second");
    assert.equal(offers(a, id2).length, 0, "no hero holds two offers");
  });
});

describe("offers", () => {
  test("an offer reaches one available hero; accepting assigns it and makes them busy", async () => {
    const a = await bystander("A");
    const b = await available("B");
    const before = Date.now();
    const id = await report(a, "bank robbery on 5th");

    await waitFor(() => offers(b, id).length, "B's offer");
    const offer = offers(b, id)[0];
    // stream and stream_id: the offer's place in the hero's direct stream (docs/delivery.md).
    assert.deepEqual(Object.keys(offer).sort(), ["body", "expires_at", "id", "stream", "stream_id"]);
    assert.equal(offer.stream, "direct");
    assert.notEqual(offer.stream_id, offer.id);
    assert.equal(offer.body, "bank robbery on 5th");
    assert.ok(Number.isInteger(offer.expires_at));
    assert.ok(offer.expires_at >= before + OFFER_TIMEOUT_MS - 1000 && offer.expires_at <= Date.now() + OFFER_TIMEOUT_MS + 1000);
    await waitFor(() => latest(a, id)?.state === "offered", "the board shows it offered");
    const update = latest(a, id);
    assert.deepEqual(Object.keys(update).sort(), ["attempts", "body", "created_at", "hero", "id", "state", "updated_at"]);
    assert.equal(update.hero, b.name);
    assert.equal(update.attempts, 1);
    assert.ok(Number.isInteger(update.created_at) && Number.isInteger(update.updated_at));

    assert.deepEqual(await b.push("accept_dispatch", { id }), ["ok", {}]);
    await waitFor(() => latest(a, id)?.state === "assigned", "A's board shows it assigned");
    assert.equal(latest(a, id).hero, b.name);
    await waitFor(() => latest(b, id)?.state === "assigned", "B's board too");
    await waitFor(() => a.statuses[b.name]?.[0] === "busy", "B busy in A's roster");

    assert.deepEqual(await b.push("accept_dispatch", { id }), ["error", { reason: "not_offered" }], "a second accept");
    assert.deepEqual(await a.push("accept_dispatch", { id }), ["error", { reason: "not_offered" }], "someone else");
    assert.deepEqual(await a.push("decline_dispatch", { id }), ["error", { reason: "not_offered" }]);
    assert.equal(updates(a, id).filter((u) => u.state === "assigned").length, 1, "one assignment");
  });

  test("unknown dispatches are refused by accept, decline and resolve", async () => {
    const a = await bystander("A");
    for (const event of ["accept_dispatch", "decline_dispatch", "resolve_dispatch"]) {
      assert.deepEqual(await a.push(event, { id: "no-such-dispatch" }), ["error", { reason: "unknown_dispatch" }], event);
      assert.deepEqual(await a.push(event, {}), ["error", { reason: "unknown_dispatch" }], `${event} without id`);
    }
  });

  test("a decline moves the offer at once to the next hero; nobody left: unassigned", async () => {
    const a = await bystander("A");
    const b = await available("B");
    const c = await available("C");
    await waitFor(() => a.roster.includes(b.name) && a.roster.includes(c.name), "A to see B and C");
    const id = await report(a, "flood downtown");

    const first = await offeredTo([b, c], id);
    const second = first === b ? c : b;
    assert.deepEqual(await first.push("decline_dispatch", { id }), ["ok", {}]);
    await waitFor(() => offers(second, id).length, "the second hero's offer");
    await waitFor(() => latest(a, id)?.hero === second.name, "board shows the second hero");
    assert.equal(latest(a, id).attempts, 2);
    assert.deepEqual(await first.push("accept_dispatch", { id }), ["error", { reason: "expired" }], "the declined offer is over");
    assert.deepEqual(await first.push("decline_dispatch", { id }), ["error", { reason: "expired" }]);

    assert.deepEqual(await second.push("decline_dispatch", { id }), ["ok", {}]);
    await waitFor(() => latest(a, id)?.state === "unassigned", "unassigned: everyone available declined");
    assert.equal(latest(a, id).hero, null);
    assert.equal(offers(b, id).length + offers(c, id).length, 2, "nobody is offered it twice");
  });

  test("an offer nobody answers expires after --offer-timeout and moves on", async () => {
    const a = await bystander("A");
    const b = await available("B");
    const c = await available("C");
    await waitFor(() => a.roster.includes(b.name) && a.roster.includes(c.name), "A to see B and C");
    const id = await report(a, "smoke on the pier");

    const first = await offeredTo([b, c], id);
    const second = first === b ? c : b;
    const expiresAt = offers(first, id)[0].expires_at;
    await waitFor(() => offers(second, id).length, "the offer to move on", OFFER_TIMEOUT_MS + 5000);
    assert.ok(Date.now() >= expiresAt - 50, "not before expires_at");
    assert.equal(latest(a, id).attempts, 2);
    assert.deepEqual(await first.push("accept_dispatch", { id }), ["error", { reason: "expired" }]);
    assert.deepEqual(await second.push("accept_dispatch", { id }), ["ok", {}]);
    await waitFor(() => latest(a, id)?.state === "assigned" && latest(a, id).hero === second.name, "assigned to the second");
  });

  test("a hero who leaves with an offer passes it on at once", async () => {
    const a = await bystander("A");
    const b = await available("B");
    const c = await available("C");
    await waitFor(() => a.roster.includes(b.name) && a.roster.includes(c.name), "A to see B and C");
    const id = await report(a, "gas leak");
    const first = await offeredTo([b, c], id);
    const second = first === b ? c : b;
    await first.close();
    await waitFor(() => offers(second, id).length, "the offer to move on", OFFER_TIMEOUT_MS - 200);
  });
});

describe("resolve_dispatch", () => {
  test("only the assigned hero resolves; they are available again", async () => {
    const a = await bystander("A");
    const b = await available("B");
    const id = await report(a, "lost dog");
    await waitFor(() => offers(b, id).length, "B's offer");
    assert.deepEqual(await b.push("resolve_dispatch", { id }), ["error", { reason: "not_assigned" }], "offered is not assigned");
    assert.deepEqual(await b.push("accept_dispatch", { id }), ["ok", {}]);
    await waitFor(() => a.statuses[b.name]?.[0] === "busy", "B busy");
    assert.deepEqual(await a.push("resolve_dispatch", { id }), ["error", { reason: "not_assigned" }], "not A's");

    assert.deepEqual(await b.push("resolve_dispatch", { id }), ["ok", {}]);
    await waitFor(() => latest(a, id)?.state === "resolved", "resolved on A's board");
    assert.equal(latest(a, id).hero, null);
    await waitFor(() => a.statuses[b.name]?.[0] === "available", "B available again");
    assert.deepEqual(await b.push("resolve_dispatch", { id }), ["error", { reason: "not_assigned" }], "twice");
  });
});

describe("assigned hero who drops", () => {
  test("reconnecting with the same token within --reassign-after keeps the assignment", async () => {
    const a = await bystander("A");
    const issued = await token();
    const b = await hero("B", { token: issued.token });
    await waitFor(() => a.roster.includes(b.name), "A to see B");
    const id = await report(a, "train stuck");
    await waitFor(() => offers(b, id).length, "B's offer");
    assert.deepEqual(await b.push("accept_dispatch", { id }), ["ok", {}]);
    await b.close();
    const again = await hero("B again", { token: issued.token });
    assert.equal(again.name, b.name);
    await waitFor(() => a.statuses[b.name]?.[0] === "busy", "B busy again after reconnecting");
    await holds(
      () => latest(a, id).state === "assigned" && latest(a, id).hero === b.name,
      "still assigned to B",
      REASSIGN_AFTER_MS + 500,
    );
    assert.deepEqual(await again.push("resolve_dispatch", { id }), ["ok", {}]);
  });

  test("after --reassign-after the dispatch is offered again", async () => {
    const a = await bystander("A");
    const b = await available("B");
    const id = await report(a, "bridge closed");
    await waitFor(() => offers(b, id).length, "B's offer");
    assert.deepEqual(await b.push("accept_dispatch", { id }), ["ok", {}]);
    // C is there before B drops, so that the time C takes to join does not eat into the window.
    const c = await available("C");
    await b.close();
    await holds(() => offers(c, id).length === 0, "still B's within --reassign-after", REASSIGN_AFTER_MS / 2);
    await waitFor(() => offers(c, id).length, "C offered it after B's time ran out", REASSIGN_AFTER_MS + 5000);
    assert.equal(latest(a, id).attempts, 2);
    assert.equal(latest(a, id).hero, c.name);
  });
});

describe("dispatch_board", () => {
  test("follows presence_state on join, with every open dispatch", async () => {
    const a = await bystander("A");
    const open = await report(a, "open incident");
    await waitFor(() => latest(a, open)?.state === "unassigned", "unassigned");

    const d = await bystander("D");
    await waitFor(() => of(d, "dispatch_board").length, "D's board");
    const pushes = d.events.map((e) => e.event).filter((e) => e !== "presence_diff" && e !== "dispatch_update");
    assert.deepEqual(pushes.slice(0, 3), ["user_info", "presence_state", "dispatch_board"]);
    const board = of(d, "dispatch_board")[0].dispatches;
    const entry = board.find((x) => x.id === open);
    assert.equal(entry.state, "unassigned");
    assert.equal(entry.body, "open incident");
    assert.deepEqual(Object.keys(entry).sort(), ["attempts", "body", "created_at", "hero", "id", "state", "updated_at"]);
  });
});
