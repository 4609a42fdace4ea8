// A long-poll hero and a WebSocket hero on the same node (started by DispatchEndToEndIT) see and
// message each other: the channel code does not know which transport a hero came by.
import assert from "node:assert/strict";
import { after, afterEach, test } from "node:test";
import { LongPoll } from "phoenix";
import { HTTP_URL, closeAll, hero, settle, waitFor } from "./client.js";

afterEach(closeAll);
after(closeAll);

test("a long-poll hero and a WebSocket hero see and message each other", async () => {
  const polled = await hero("long-poll", { transport: "longpoll" });
  const socketed = await hero("websocket", { transport: "websocket" });
  assert.ok(polled.socket.conn instanceof LongPoll, "the long-poll hero polls");
  assert.deepEqual(polled.joinReply, ["ok", {}]);
  const both = [polled.name, socketed.name].sort();
  await waitFor(() => JSON.stringify(polled.roster) === JSON.stringify(both), "the long-poll hero to list both");
  await waitFor(() => JSON.stringify(socketed.roster) === JSON.stringify(both), "the WebSocket hero to list both");

  assert.deepEqual(await polled.push("notify_direct", { body: "from the poll", recipient: socketed.name }), ["ok", {}]);
  assert.deepEqual(await socketed.push("notify_direct", { body: "from the socket", recipient: polled.name }), ["ok", {}]);
  const got = await waitFor(() => socketed.notifications().find((n) => n.body === "from the poll"), "the WebSocket hero's notification");
  assert.equal(got.from, polled.name);
  const back = await waitFor(() => polled.notifications().find((n) => n.body === "from the socket"), "the long-poll hero's notification");
  assert.equal(back.from, socketed.name);
  await settle(socketed, [polled, socketed]);

  polled.channel.leave();
  await waitFor(() => !socketed.roster.includes(polled.name), "the WebSocket hero to see the long-poll hero leave");
});

test("the long-poll endpoint answers as Phoenix does", async () => {
  const open = await (await fetch(`${HTTP_URL}/socket/longpoll?vsn=2.0.0`)).json();
  assert.equal(open.status, 410);
  assert.equal(typeof open.token, "string");
  const gone = await fetch(`${HTTP_URL}/socket/longpoll?vsn=2.0.0&token=nope`, { method: "POST", body: "[]" });
  assert.equal(gone.headers.get("cache-control"), "no-store");
  assert.deepEqual(await gone.json(), { status: 410 });
});
