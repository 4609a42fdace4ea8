// Load for TransportMeasurement (numbers for docs/benchmarks.md, not a test): STORM heroes join the
// lobby at once with phoenix.js (TRANSPORT websocket, whose ws offers permessage-deflate, or
// longpoll), then all but FANOUT leave, then one sends BROADCASTS notify_all, each carrying its send
// time, and every hero records the delay. Prints a marker line after each phase and waits for a
// line on stdin before the next, so the parent can read the server's counters in between.
import { createInterface } from "node:readline";
import { LongPoll, Presence, Socket } from "phoenix";
import WebSocket from "ws";

const URL = process.env.DISPATCH_URL.replace(/^http/, "ws");
const STORM = Number(process.env.STORM || 1500);
const FANOUT = Number(process.env.FANOUT || 1000);
const BROADCASTS = Number(process.env.BROADCASTS || 100);
const transport = process.env.TRANSPORT === "longpoll" ? LongPoll : WebSocket;
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
// Bytes the heroes' TCP sockets read (frames as sent, compressed or not); WebSocket only.
let readByGone = 0;
const wireBytes = () => readByGone + heroes.reduce((sum, h) => sum + tcpRead(h), 0);
const tcpRead = (h) => (h.socket.conn && h.socket.conn._socket ? h.socket.conn._socket.bytesRead : 0);
let lastWire = 0;
const step = async (marker) => {
  const wire = wireBytes();
  console.log(`${marker} | clients read ${((wire - lastWire) / 1e6).toFixed(1)} MB`);
  lastWire = wire;
  await lines.next();
};
const waitFor = async (check, what, timeout = 300000) => {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const heroes = [];
function join() {
  const socket = new Socket(`${URL}/socket`, { transport, heartbeatIntervalMs: 30000, timeout: 60000, longpollerTimeout: 60000 });
  socket.connect();
  const channel = socket.channel("notifications:lobby", {});
  const h = { socket, channel, size: 0, joined: false, delays: [] };
  const presence = new Presence(channel);
  presence.onSync(() => (h.size = presence.list().length));
  channel.on("notification", ({ body }) => {
    if (body.startsWith("t=")) h.delays.push(Date.now() - Number(body.slice(2)));
  });
  channel.join().receive("ok", () => (h.joined = true));
  heroes.push(h);
  return h;
}

await step("ready");
const stormStart = Date.now();
for (let i = 0; i < STORM; i++) join();
await waitFor(() => heroes.every((h) => h.joined && h.size >= STORM), "every hero to see every hero");
console.error(`storm: ${STORM} heroes joined and saw each other in ${Date.now() - stormStart} ms`);
await step("storm done");

for (const h of heroes.splice(FANOUT)) {
  readByGone += tcpRead(h);
  h.socket.disconnect();
}
await waitFor(() => heroes.every((h) => h.size === FANOUT), "the leavers to leave");
await step("fanout ready");
const sender = heroes[0];
const fanStart = Date.now();
for (let i = 0; i < BROADCASTS; i++) {
  sender.channel.push("notify_all", { body: `t=${Date.now()}` });
  await new Promise((resolve) => setTimeout(resolve, 10));
}
const progress = setInterval(() => {
  const short = heroes.filter((h) => h.delays.length < BROADCASTS);
  const got = short.map((h) => h.delays.length).sort((a, b) => a - b);
  console.error(`fanout: ${short.length} heroes still short; fewest ${got[0]}, most ${got[got.length - 1]}`);
}, 10000);
await waitFor(() => heroes.every((h) => h.delays.length >= BROADCASTS), "every broadcast everywhere");
clearInterval(progress);
const elapsed = (Date.now() - fanStart) / 1000;
const delays = heroes.flatMap((h) => h.delays).sort((a, b) => a - b);
const at = (q) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
console.error(
  `fanout: ${delays.length} deliveries in ${elapsed.toFixed(2)} s = ${Math.round(delays.length / elapsed)}/s; ` +
    `latency p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${delays[delays.length - 1]} ms`,
);
await step("fanout done");
for (const h of heroes) h.socket.disconnect();
process.exit(0);
