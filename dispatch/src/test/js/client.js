// A hero on the dispatch app through the official phoenix client (ws as the WebSocket on Node 20;
// TRANSPORT=longpoll runs every hero over phoenix.js's LongPoll, which uses Node's fetch).
import { LongPoll, Presence, Socket } from "phoenix";
import WebSocket from "ws";

export const HTTP_URL = process.env.DISPATCH_URL || "http://127.0.0.1:4000";
export const WS_URL = HTTP_URL.replace(/^http/, "ws");
export const INTERVAL_MS = Number(process.env.NOTIFY_INTERVAL_MS || 5000);
export const LOBBY = "notifications:lobby";
export const TRANSPORT = process.env.TRANSPORT || "websocket";

const open = new Set();

/**
 * Polls `check` until it returns a truthy value, or fails with `what` after `timeout` ms (10 s by
 * default: on a loaded machine a join or a presence diff can take seconds).
 */
export async function waitFor(check, what, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Polls `check` (it may be async) for `ms` ms: fails with `what` the first time it is falsy. */
export async function holds(check, what, ms) {
  const until = Date.now() + ms;
  do {
    if (!(await check())) throw new Error(`${what}: not so any more after ${ms - (until - Date.now())} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  } while (Date.now() < until);
}

/** Resolves with ["ok"|"error"|"timeout", response] for a push or join. */
export function reply(push) {
  return new Promise((resolve) => {
    push
      .receive("ok", (response) => resolve(["ok", response]))
      .receive("error", (response) => resolve(["error", response]))
      .receive("timeout", () => resolve(["timeout", null]));
  });
}

/** Connects a socket (optionally with an auth token) and joins the lobby; resolves once user_info arrived. */
export async function hero(label, { token, topic = LOBBY, transport = TRANSPORT, url = HTTP_URL } = {}) {
  const wsUrl = url.replace(/^http/, "ws");
  const socket = new Socket(`${wsUrl}/socket`, {
    transport: transport === "longpoll" ? LongPoll : WebSocket,
    authToken: token,
    reconnectAfterMs: () => 100,
    rejoinAfterMs: () => 100,
    timeout: 10000,
  });
  const h = { label, transport, socket, events: [], roster: [], metas: {}, statuses: {}, name: null, joinReply: null };
  socket.connect();
  const channel = socket.channel(topic, {});
  h.channel = channel;
  for (const event of [
    "user_info",
    "presence_state",
    "presence_diff",
    "notification",
    "dispatch_board",
    "dispatch_update",
    "dispatch_offer",
  ]) {
    channel.on(event, (payload) => h.events.push({ event, payload }));
  }
  const presence = new Presence(channel);
  presence.onSync(() => {
    const entries = presence.list((name, { metas }) => ({ name, metas }));
    h.roster = entries.map((entry) => entry.name).sort();
    h.metas = Object.fromEntries(entries.map((entry) => [entry.name, entry.metas.length]));
    h.statuses = Object.fromEntries(entries.map((entry) => [entry.name, entry.metas.map((m) => m.status)]));
  });
  channel.on("user_info", ({ user_name }) => (h.name = user_name));
  h.joinReply = await Promise.race([
    reply(channel.join()),
    new Promise((resolve) => setTimeout(() => resolve(["no reply", `${wsUrl} did not answer the join in 15 s`]), 15000)),
  ]);
  if (h.joinReply[0] === "no reply") {
    socket.disconnect();
    throw new Error(h.joinReply[1]);
  }
  open.add(h);
  if (h.joinReply[0] === "ok") await waitFor(() => h.name, `${label}'s user_info`);
  h.notifications = () => h.events.filter((e) => e.event === "notification").map((e) => e.payload);
  h.push = (event, payload) => reply(channel.push(event, payload));
  h.close = () =>
    new Promise((resolve) => {
      open.delete(h);
      socket.disconnect(resolve);
    });
  return h;
}

/** Disconnects every hero still open and waits until the server no longer lists any of them. */
export async function closeAll() {
  const heroes = [...open];
  await Promise.all(heroes.map((h) => h.close()));
}

/** The lobby roster as a fresh observer sees it (joins, reads presence_state, leaves). */
export async function lobbyRoster() {
  const observer = await hero("observer");
  await waitFor(() => observer.events.some((e) => e.event === "presence_state"), "presence_state");
  const state = observer.events.find((e) => e.event === "presence_state").payload;
  const names = Object.keys(state).filter((name) => name !== observer.name);
  await observer.close();
  return names;
}

/** Sends a marker via notify_all and waits until every hero in `heroes` got it: all earlier deliveries are in. */
export async function settle(sender, heroes) {
  const marker = `marker ${Math.random()}`;
  const [status] = await sender.push("notify_all", { body: marker });
  if (status !== "ok") throw new Error(`marker push: ${status}`);
  for (const h of heroes) {
    await waitFor(() => h.notifications().some((n) => n.body === marker), `${h.label} to get the marker`);
  }
}
