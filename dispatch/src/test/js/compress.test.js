// permessage-deflate against the launcher started with --compress on: the ws client offers the
// extension (as browsers do), gets it, and every frame still reads back (lobby.test.js runs too).
import assert from "node:assert/strict";
import { after, afterEach, test } from "node:test";
import { closeAll, hero, waitFor } from "./client.js";

afterEach(closeAll);
after(closeAll);

test("the WebSocket negotiates permessage-deflate and large frames arrive intact", async () => {
  const [a, b] = [await hero("A", { transport: "websocket" }), await hero("B", { transport: "websocket" })];
  assert.equal(a.socket.conn.extensions, "permessage-deflate", "the extension ws negotiated");
  const body = "é".repeat(250) + "x".repeat(250);
  assert.deepEqual(await a.push("notify_all", { body }), ["ok", {}]);
  for (const h of [a, b]) {
    const got = await waitFor(() => h.notifications().find((n) => n.from === a.name && n.body === body), `${h.label}`);
    assert.equal(got.body.length, 500);
  }
  await waitFor(() => a.roster.includes(b.name) && b.roster.includes(a.name), "both rosters");
});
