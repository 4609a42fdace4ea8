// Opens N WebSockets to a Rollcall endpoint, joins one channel on each (unless JOIN=0), prints
// "ready" and then stays idle until stdin closes. Used by IdleMemoryProbe.
import { WebSocket } from "ws";

const url = process.env.ROLLCALL_URL; // ws://host:port/socket/websocket?vsn=2.0.0
const n = Number(process.env.N || 2000);
const join = process.env.JOIN !== "0";
const sockets = [];
let ready = 0;

function open(i) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("error", reject);
    ws.on("open", () => {
      if (!join) return resolve(ws);
      ws.send(JSON.stringify(["1", "1", `room:idle${i % 50}`, "phx_join", {}]));
    });
    ws.on("message", () => resolve(ws));
  });
}

for (let i = 0; i < n; i += 100) {
  const batch = [];
  for (let j = i; j < Math.min(n, i + 100); j++) batch.push(open(j));
  sockets.push(...(await Promise.all(batch)));
  ready = sockets.length;
}
console.log(`ready ${ready}`);
process.stdin.resume();
process.stdin.on("end", () => {
  sockets.forEach((ws) => ws.terminate());
  process.exit(0);
});
