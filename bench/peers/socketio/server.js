// Socket.IO 4 baseline for rollcall-bench: the dispatch app's lobby semantics on Socket.IO.
//   node --expose-gc server.js --port 3000 [--host 127.0.0.1]
// Connecting to the default namespace is joining the lobby: the client gets user_info {user_name}
// and presence_state {name: {metas: [meta]}}, everyone else a presence_diff; notify_all,
// notify_others and notify_direct {body, recipient} send notification {body, timestamp, from}.
// GET /stats answers {heapUsed, rss, connections} after a full GC (with --expose-gc).
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');
const { Server } = require('socket.io');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('--port', '3000'));
const host = arg('--host', '127.0.0.1');
const presence = new Map(); // name -> meta (one connection per name: names are unique here)
let heroes = 0;

const httpServer = http.createServer((req, res) => {
  if (req.url === '/stats') {
    if (global.gc) global.gc();
    const memory = process.memoryUsage();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ heapUsed: memory.heapUsed, rss: memory.rss, connections: presence.size }));
  } else if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  } else {
    res.writeHead(404);
    res.end();
  }
});

const io = new Server(httpServer, {
  transports: ['websocket'],
  perMessageDeflate: false,
  maxHttpBufferSize: 1e6,
});

function entry(meta) {
  return { [meta.user_name]: { metas: [meta] } };
}

io.on('connection', (socket) => {
  heroes += 1;
  const name = `Hero ${heroes} ${crypto.randomBytes(3).toString('hex')}`;
  const meta = {
    online_at: String(Math.floor(Date.now() / 1000)),
    phx_ref: crypto.randomBytes(8).toString('base64url'),
    user_name: name,
  };
  presence.set(name, meta);
  socket.join('lobby');
  socket.join(`hero:${name}`);
  socket.emit('user_info', { user_name: name });
  const state = {};
  for (const m of presence.values()) state[m.user_name] = { metas: [m] };
  socket.emit('presence_state', state);
  socket.to('lobby').emit('presence_diff', { joins: entry(meta), leaves: {} });

  const notification = (body) => ({ body, timestamp: Math.floor(Date.now() / 1000), from: name });
  const ack = (callback, response) => { if (typeof callback === 'function') callback(response); };
  socket.on('notify_all', (payload, callback) => {
    io.to('lobby').emit('notification', notification(payload && payload.body));
    ack(callback, { status: 'ok' });
  });
  socket.on('notify_others', (payload, callback) => {
    socket.to('lobby').emit('notification', notification(payload && payload.body));
    ack(callback, { status: 'ok' });
  });
  socket.on('notify_direct', (payload, callback) => {
    if (!payload || !presence.has(payload.recipient)) {
      ack(callback, { status: 'error', reason: 'unknown recipient' });
      return;
    }
    io.to(`hero:${payload.recipient}`).emit('notification', notification(payload.body));
    ack(callback, { status: 'ok' });
  });
  socket.on('disconnect', () => {
    presence.delete(name);
    io.to('lobby').emit('presence_diff', { joins: {}, leaves: entry(meta) });
  });
});

httpServer.listen(port, host, () => {
  console.log(`socket.io baseline listening on http://${host}:${httpServer.address().port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => { io.close(); process.exit(0); });
}
