// End-to-end: the official phoenix client against the real launcher (started by DispatchEndToEndIT).
import assert from "node:assert/strict";
import { after, afterEach, describe, test } from "node:test";
import WebSocket from "ws";
import { HTTP_URL, INTERVAL_MS, WS_URL, closeAll, hero, lobbyRoster, settle, waitFor } from "./client.js";

afterEach(closeAll);
after(closeAll);

const names = (events, event) => events.filter((e) => e.event === event);

describe("joining the lobby", () => {
  test("the joiner gets user_info, then presence_state that lists it", async () => {
    const a = await hero("A");

    assert.deepEqual(a.joinReply, ["ok", {}]);
    await waitFor(() => names(a.events, "presence_state").length, "presence_state");
    const order = a.events.map((e) => e.event).filter((e) => e === "user_info" || e === "presence_state");
    assert.deepEqual(order, ["user_info", "presence_state"]);
    const state = names(a.events, "presence_state")[0].payload;
    const metas = state[a.name].metas;
    assert.equal(metas.length, 1);
    assert.equal(metas[0].user_name, a.name);
    assert.match(metas[0].online_at, /^\d{10}$/, "online_at is a string of seconds");
    assert.ok(Math.abs(Number(metas[0].online_at) - Date.now() / 1000) < 60);
    assert.equal(typeof metas[0].phx_ref, "string");
  });

  test("two heroes see each other, with different names", async () => {
    const a = await hero("A");
    const b = await hero("B");

    assert.notEqual(a.name, b.name);
    const both = [a.name, b.name].sort();
    await waitFor(() => JSON.stringify(a.roster) === JSON.stringify(both), "A's roster to list A and B");
    await waitFor(() => JSON.stringify(b.roster) === JSON.stringify(both), "B's roster to list A and B");
  });

  test("any other notifications topic is refused as unauthorized", async () => {
    const a = await hero("A");
    const intruder = await hero("intruder", { topic: `notifications:${a.name}` });

    assert.deepEqual(intruder.joinReply, ["error", { reason: "unauthorized" }]);
    await intruder.close();
  });
});

describe("notifications", () => {
  test("notify_all reaches every hero, the sender too", async () => {
    const [a, b, c] = [await hero("A"), await hero("B"), await hero("C")];

    assert.deepEqual(await a.push("notify_all", { body: "hello all" }), ["ok", {}]);

    for (const h of [a, b, c]) {
      const got = await waitFor(() => h.notifications().find((n) => n.body === "hello all"), `${h.label}`);
      assert.equal(got.from, a.name);
      assert.ok(Number.isInteger(got.timestamp), "timestamp is an integer");
      assert.ok(Math.abs(got.timestamp - Date.now() / 1000) < 60, "timestamp is in seconds");
    }
  });

  test("notify_others reaches every hero but the sender", async () => {
    const [a, b, c] = [await hero("A"), await hero("B"), await hero("C")];

    assert.deepEqual(await b.push("notify_others", { body: "hello others" }), ["ok", {}]);

    await settle(b, [a, b, c]);
    const got = (h) => h.notifications().filter((n) => n.body === "hello others");
    assert.equal(got(a).length, 1);
    assert.equal(got(c).length, 1);
    assert.equal(got(a)[0].from, b.name);
    assert.equal(got(b).length, 0, "the sender does not get its own notify_others");
  });

  test("notify_direct reaches only its recipient", async () => {
    const [a, b, c] = [await hero("A"), await hero("B"), await hero("C")];
    await waitFor(() => a.roster.includes(b.name), "A to see B");

    assert.deepEqual(await a.push("notify_direct", { body: "psst", recipient: b.name }), ["ok", {}]);

    const got = await waitFor(() => b.notifications().find((n) => n.body === "psst"), "B to get psst");
    assert.equal(got.from, a.name);
    await settle(a, [a, b, c]);
    assert.equal(a.notifications().filter((n) => n.body === "psst").length, 0);
    assert.equal(c.notifications().filter((n) => n.body === "psst").length, 0);
    assert.equal(b.notifications().filter((n) => n.body === "psst").length, 1);
  });

  test("the internal service reaches a present hero within one interval", async () => {
    const a = await hero("A");
    await waitFor(() => JSON.stringify(a.roster) === JSON.stringify([a.name]), "A to be alone");

    const expected = `Message to ${a.name} from internal service`;
    const got = await waitFor(
      () => a.notifications().find((n) => n.body === expected),
      "the service notification",
      2 * INTERVAL_MS + 1000,
    );
    assert.equal(got.from, "dispatch");
    assert.ok(Number.isInteger(got.timestamp));
  });
});

describe("leaving", () => {
  test("a hero who leaves the channel disappears from every roster", async () => {
    const [a, b, c] = [await hero("A"), await hero("B"), await hero("C")];
    const all = [a.name, b.name, c.name].sort();
    for (const h of [a, c]) await waitFor(() => JSON.stringify(h.roster) === JSON.stringify(all), `${h.label} sees all`);

    b.channel.leave();

    const rest = [a.name, c.name].sort();
    for (const h of [a, c]) {
      await waitFor(() => JSON.stringify(h.roster) === JSON.stringify(rest), `${h.label} to drop B`);
    }
  });

  test("a hero whose connection closes disappears from every roster", async () => {
    const [a, b] = [await hero("A"), await hero("B")];
    await waitFor(() => a.roster.includes(b.name), "A to see B");

    await b.close();

    await waitFor(() => !a.roster.includes(b.name), "A to drop B");
    assert.ok(!(await lobbyRoster()).includes(b.name), "a new joiner does not see B either");
  });
});

describe("validation", () => {
  const cases = [
    ["notify_all", {}, "invalid_body"],
    ["notify_all", { body: 42 }, "invalid_body"],
    ["notify_others", { body: null }, "invalid_body"],
    ["notify_all", { body: ["x"] }, "invalid_body"],
    ["notify_all", { body: "x".repeat(501) }, "body_too_long"],
    ["notify_others", { body: "x".repeat(501) }, "body_too_long"],
    ["notify_direct", { body: "hi" }, "unknown_recipient"],
    ["notify_direct", { body: "hi", recipient: "Nobody At All" }, "unknown_recipient"],
    ["notify_direct", { recipient: "Nobody At All" }, "invalid_body"],
    ["notify_direct", { body: "x".repeat(501), recipient: "self" }, "body_too_long"],
  ];

  test("every invalid notify gets an error reply and delivers nothing", async () => {
    const [a, b] = [await hero("A"), await hero("B")];

    for (const [event, payload, reason] of cases) {
      const sent = payload.recipient === "self" ? { ...payload, recipient: b.name } : payload;
      assert.deepEqual(await a.push(event, sent), ["error", { reason }], `${event} ${JSON.stringify(payload).slice(0, 60)}`);
    }

    await settle(a, [a, b]);
    for (const h of [a, b]) {
      assert.deepEqual(
        h.notifications().filter((n) => !n.body.startsWith("marker") && n.from !== "dispatch"),
        [],
        `${h.label} got nothing from the refused pushes`,
      );
    }
  });

  test("500 characters are accepted", async () => {
    const a = await hero("A");
    assert.deepEqual(await a.push("notify_all", { body: "x".repeat(500) }), ["ok", {}]);
  });

  test("an unknown event is an error reply and the channel stays joined", async () => {
    const a = await hero("A");
    assert.deepEqual(await a.push("dance", {}), ["error", { reason: "unknown_event" }]);
    assert.deepEqual(await a.push("notify_all", { body: "still here" }), ["ok", {}]);
  });
});

describe("identity token", () => {
  const token = async (current) => {
    const response = await fetch(`${HTTP_URL}/api/token`, {
      headers: current ? { Authorization: `Bearer ${current}` } : {},
    });
    assert.equal(response.status, 200);
    return response.json();
  };

  test("a hero with a token keeps its name across reconnects", async () => {
    const issued = await token();
    const first = await hero("first", { token: issued.token });
    assert.equal(first.name, issued.user_name);
    await first.close();

    const renewed = await token(issued.token);
    assert.equal(renewed.user_name, issued.user_name, "renewing keeps the hero");
    const again = await hero("again", { token: renewed.token });
    assert.equal(again.name, issued.user_name);
  });

  test("the same token on two connections is one hero with two metas", async () => {
    const issued = await token();
    const [a, b] = [await hero("tab 1", { token: issued.token }), await hero("tab 2", { token: issued.token })];
    assert.equal(a.name, b.name);
    await waitFor(() => a.metas[a.name] === 2, "one hero with two metas in the roster");
  });

  const upgradeStatus = (protocols) =>
    new Promise((resolve) => {
      const ws = new WebSocket(`${WS_URL}/socket/websocket?vsn=2.0.0`, protocols);
      ws.on("open", () => {
        ws.close();
        resolve(101);
      });
      ws.on("unexpected-response", (req, res) => {
        resolve(res.statusCode);
        req.destroy(); // else the refused HTTP connection stays open until the server's idle timeout
      });
      ws.on("error", () => {});
    });
  const bearer = (t) => ["phoenix", `base64url.bearer.phx.${Buffer.from(t).toString("base64url")}`];

  test("a forged or tampered token is refused with 403", async () => {
    const { token: genuine } = await token();
    const [header, payload, signature] = genuine.split(".");
    const forgedData = Buffer.from(`${Date.now()}:{"id":"x","name":"Storm"}`).toString("base64url");

    assert.equal(await upgradeStatus(bearer(`${header}.${forgedData}.${signature}`)), 403);
    assert.equal(await upgradeStatus(bearer(`${header}.${payload}.${signature.slice(0, -2)}AA`)), 403);
    assert.equal(await upgradeStatus(bearer("not a token")), 403);
    assert.equal(await upgradeStatus(bearer(genuine)), 101);
  });

  test("a new token is issued when the presented one is not genuine", async () => {
    const { user_name } = await token();
    const fresh = await token("SFMyNTY.bm9wZQ.bm9wZQ");
    assert.equal(typeof fresh.token, "string");
    assert.notEqual(fresh.token, "SFMyNTY.bm9wZQ.bm9wZQ");
    assert.ok(user_name);
  });
});

describe("http", () => {
  test("GET /healthz is 200 JSON with status, node and redis", async () => {
    const response = await fetch(`${HTTP_URL}/healthz`);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.status, "ok");
    assert.equal(typeof body.node, "string");
    assert.equal(body.redis, "disabled");
  });

  test("GET /metrics is Prometheus text that counts connections and dispatches", async () => {
    const a = await hero("A");
    await a.push("notify_all", { body: "counted" });
    const response = await fetch(`${HTTP_URL}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type"), /^text\/plain/);
    const text = await response.text();
    for (const metric of [
      "rollcall_connections",
      "rollcall_channels",
      "rollcall_presences",
      "rollcall_messages_in_total",
      "rollcall_messages_out_total",
      "rollcall_dispatches_total",
    ]) {
      // Micrometer writes every value as a double: 3.0, not 3.
      assert.match(text, new RegExp(`^${metric} \\d+\\.\\d+$`, "m"), metric);
    }
    assert.match(text, /^rollcall_notifications_total\{kind="all"\} [1-9]\d*\.\d+$/m);
    assert.match(text, /^rollcall_connections [1-9]\d*\.\d+$/m);
    assert.match(text, /^jvm_memory_used_bytes\{/m);
  });

  test("GET / serves the page", async () => {
    const response = await fetch(`${HTTP_URL}/`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<div id="root"><\/div>/);
  });
});
