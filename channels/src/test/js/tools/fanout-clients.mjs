// N WebSockets join room:fan, print "ready", then count "shout" frames until each socket has seen
// B of them and print "done <ms>" (time from the first to the last frame). Used by FanoutProbe.
import { WebSocket } from "ws";

const url = process.env.ROLLCALL_URL;
const n = Number(process.env.N || 1000);
const b = Number(process.env.B || 100);
let received = 0;
let first = 0;

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("error", reject);
    ws.on("open", () => ws.send(JSON.stringify(["1", "1", "room:fan", "phx_join", {}])));
    ws.on("message", (data) => {
      // the join reply resolves; every later frame is a broadcast (no parsing: count only)
      if (data.length > 0 && data[2] === 0x31 /* ["1",... */) return resolve(ws);
      if (received === 0) first = performance.now();
      if (++received === n * b) {
        console.log(`done ${(performance.now() - first).toFixed(1)}`);
      }
    });
  });
}

const sockets = [];
for (let i = 0; i < n; i += 100) {
  const batch = [];
  for (let j = i; j < Math.min(n, i + 100); j++) batch.push(open());
  sockets.push(...(await Promise.all(batch)));
}
console.log(`ready ${sockets.length}`);
process.stdin.resume();
process.stdin.on("end", () => {
  sockets.forEach((ws) => ws.terminate());
  process.exit(0);
});
