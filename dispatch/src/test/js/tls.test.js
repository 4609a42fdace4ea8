// phoenix.js over wss:// and over long-poll on https:// against the launcher with a self-signed
// certificate (started by DispatchEndToEndIT with NODE_TLS_REJECT_UNAUTHORIZED=0).
import assert from "node:assert/strict";
import { after, afterEach, test } from "node:test";
import { LongPoll } from "phoenix";
import { HTTP_URL, WS_URL, closeAll, hero, waitFor } from "./client.js";

afterEach(closeAll);
after(closeAll);

test("the page and the socket are served over TLS", async () => {
  assert.match(HTTP_URL, /^https:/);
  assert.match(WS_URL, /^wss:/);
  const page = await fetch(`${HTTP_URL}/`);
  assert.equal(page.status, 200);
});

test("a WebSocket hero over wss:// and a long-poll hero over https:// join the lobby and see each other", async () => {
  const secure = await hero("wss", { transport: "websocket" });
  const polled = await hero("https long-poll", { transport: "longpoll" });
  assert.deepEqual(secure.joinReply, ["ok", {}]);
  assert.deepEqual(polled.joinReply, ["ok", {}]);
  assert.ok(polled.socket.conn instanceof LongPoll);
  const both = [secure.name, polled.name].sort();
  await waitFor(() => JSON.stringify(secure.roster) === JSON.stringify(both), "the wss hero to see both");
  await waitFor(() => JSON.stringify(polled.roster) === JSON.stringify(both), "the long-poll hero to see both");
  assert.deepEqual(await polled.push("notify_direct", { body: "over tls", recipient: secure.name }), ["ok", {}]);
  await waitFor(() => secure.notifications().some((n) => n.body === "over tls"), "the wss hero's notification");
});
