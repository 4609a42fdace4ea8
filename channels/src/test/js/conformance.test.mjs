// The official phoenix npm client, unmodified, against a Rollcall endpoint serving the test socket
// (dev.rollcall.channels.testing.TestSocket). Started by NodeConformanceTest, which sets
// ROLLCALL_URL (ws://host:port/socket) and ROLLCALL_HTTP (http://host:port).
import { describe, test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { Socket } from "phoenix";
import { WebSocket } from "ws";

const URL = process.env.ROLLCALL_URL;
const HTTP = process.env.ROLLCALL_HTTP;
if (!URL || !HTTP) {
  throw new Error("ROLLCALL_URL and ROLLCALL_HTTP must be set (run through NodeConformanceTest)");
}

// V1 speaks JSON objects; phoenix.js still ships the hooks to plug such a serializer in.
const versions = {
  "V2 (vsn 2.0.0, the default)": {},
  "V1 (vsn 1.0.0)": {
    vsn: "1.0.0",
    encode: (msg, callback) => callback(JSON.stringify(msg)),
    decode: (raw, callback) => callback(JSON.parse(raw)),
  },
};

const sockets = [];
let userSerial = 0;

function connect(opts = {}) {
  // Node 20 has no global WebSocket: hand phoenix.js the ws package.
  const socket = new Socket(URL, {
    transport: WebSocket,
    reconnectAfterMs: () => 50,
    rejoinAfterMs: () => 50,
    // the default push timeout: a loaded CI machine may hold a reply back for seconds
    timeout: 10000,
    ...opts,
  });
  socket.connect();
  sockets.push(socket);
  return socket;
}

function outcome(push) {
  return new Promise((resolve) => {
    push
      .receive("ok", (response) => resolve({ status: "ok", response }))
      .receive("error", (response) => resolve({ status: "error", response }))
      .receive("timeout", () => resolve({ status: "timeout" }));
  });
}

function nextEvent(channel, event) {
  return new Promise((resolve) => {
    const ref = channel.on(event, (payload) => {
      channel.off(event, ref);
      resolve(payload);
    });
  });
}

function eventually(check, what, timeoutMs = 10000) {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 10);
    };
    poll();
  });
}

afterEach(() => {
  while (sockets.length) sockets.pop().disconnect();
});

for (const [name, serializer] of Object.entries(versions)) {
  describe(`phoenix.js over ${name}`, () => {
    test("join ok with a response", async () => {
      const channel = connect(serializer).channel("room:lobby", { greet: "hello" });
      assert.deepEqual(await outcome(channel.join()), {
        status: "ok",
        response: { greeting: "hello" },
      });
      assert.equal(channel.state, "joined");
    });

    test("join refused by the channel", async () => {
      const channel = connect(serializer).channel("room:private", { reject: true });
      assert.deepEqual(await outcome(channel.join()), {
        status: "error",
        response: { reason: "unauthorized" },
      });
      channel.leave(); // phoenix.js would retry a refused join forever
    });

    test("join of a topic no route matches", async () => {
      const channel = connect(serializer).channel("nowhere:1");
      assert.deepEqual(await outcome(channel.join()), {
        status: "error",
        response: { reason: "unmatched topic" },
      });
      channel.leave();
    });

    test("push with a reply, an error reply, and a timeout when the channel does not reply", async () => {
      const channel = connect(serializer).channel("room:push");
      await outcome(channel.join());
      assert.deepEqual(await outcome(channel.push("echo", { body: "hi" })), {
        status: "ok",
        response: { body: "hi" },
      });
      assert.deepEqual(await outcome(channel.push("refuse", {})), {
        status: "error",
        response: { reason: "nope" },
      });
      assert.deepEqual(await outcome(channel.push("noreply", {}, 300)), { status: "timeout" });
    });

    test("server push and send to self", async () => {
      const channel = connect(serializer).channel("room:self");
      await outcome(channel.join());
      const pushed = nextEvent(channel, "pushed");
      channel.push("push", { a: 1 });
      assert.deepEqual(await pushed, { a: 1 });
      const info = nextEvent(channel, "info");
      channel.push("send_self", { b: 2 });
      assert.deepEqual(await info, { b: 2 });
    });

    test("broadcast to others skips the sender, broadcast to all does not", async () => {
      const a = connect(serializer).channel("room:broadcast");
      const b = connect(serializer).channel("room:broadcast");
      await outcome(a.join());
      await outcome(b.join());
      const seenByA = [];
      a.on("shout", (payload) => seenByA.push(payload));
      const atB = nextEvent(b, "shout");
      assert.equal((await outcome(a.push("shout_others", { n: 1 }))).status, "ok");
      assert.deepEqual(await atB, { n: 1 });
      const atA = nextEvent(a, "shout");
      await outcome(a.push("shout", { n: 2 }));
      assert.deepEqual(await atA, { n: 2 });
      assert.deepEqual(seenByA, [{ n: 2 }]);
    });

    test("rejoin after a channel crash", async () => {
      const channel = connect(serializer).channel("room:crash");
      let joins = 0;
      let errors = 0;
      channel.onError(() => errors++);
      channel.join().receive("ok", () => joins++);
      await eventually(() => joins === 1, "the first join");
      channel.push("crash", {});
      await eventually(() => errors === 1 && joins === 2, "phx_error and the automatic rejoin");
      assert.deepEqual(await outcome(channel.push("echo", { after: "crash" })), {
        status: "ok",
        response: { after: "crash" },
      });
    });

    test("leave", async () => {
      const channel = connect(serializer).channel("room:leave");
      await outcome(channel.join());
      let closed = false;
      channel.onClose(() => (closed = true));
      assert.equal((await outcome(channel.leave())).status, "ok");
      await eventually(() => closed && channel.state === "closed", "the channel to close");
    });

    test("heartbeat", async () => {
      // phoenix.js drops a connection whose heartbeat is not answered within the interval
      const socket = connect({ ...serializer, heartbeatIntervalMs: 500 });
      await eventually(() => socket.isConnected(), "the connection");
      const rtt = await new Promise((resolve) => socket.ping(resolve));
      assert.ok(rtt >= 0);
      // several automatic heartbeats later, the connection is still the first one
      const opened = socket.establishedConnections;
      await new Promise((resolve) => setTimeout(resolve, 1600));
      assert.ok(socket.isConnected());
      assert.equal(socket.establishedConnections, opened);
    });

    test("reconnect and rejoin after the server drops the connection", async () => {
      const id = `js-${++userSerial}`;
      const socket = connect({ ...serializer, params: { user_id: id } });
      const closeCodes = [];
      socket.onClose((event) => closeCodes.push(event.code));
      const channel = socket.channel("room:reconnect");
      let joins = 0;
      channel.join().receive("ok", () => joins++);
      await eventually(() => joins === 1, "the first join");
      const response = await fetch(`${HTTP}/test/disconnect?id=user_socket:${id}`);
      assert.equal(response.status, 204);
      await eventually(() => joins === 2, "the rejoin after reconnecting");
      assert.deepEqual(closeCodes, [1001]);
      assert.equal(socket.establishedConnections, 2);
    });

    test("the authToken option reaches connect", async () => {
      const channel = connect({ ...serializer, authToken: "s3cr3t+/token" }).channel("room:auth");
      await outcome(channel.join());
      assert.deepEqual(await outcome(channel.push("assigns", {})), {
        status: "ok",
        response: { token: "s3cr3t+/token" },
      });
    });
  });
}

describe("phoenix.js binary frames (V2)", () => {
  test("a binary push gets a binary reply", async () => {
    const channel = connect().channel("room:binary");
    await outcome(channel.join());
    const reply = await outcome(channel.push("echo", new Uint8Array([1, 2, 3]).buffer));
    assert.equal(reply.status, "ok");
    assert.ok(reply.response instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(reply.response)], [1, 2, 3]);
  });
});
