// A hero page as the history tests need it, through the official phoenix client.
import { Socket } from "phoenix";
import WebSocket from "ws";
import { LOBBY, waitFor } from "./client.js";

/**
 * A hero page as the real page works: keeps the last id per stream and sends them on every
 * (re)join through a params function; records every join reply and every notification.
 */
export async function pageHero(wsUrl, token, { first = {} } = {}) {
  const socket = new Socket(`${wsUrl}/socket`, {
    transport: WebSocket,
    authToken: token,
    reconnectAfterMs: () => 100,
    rejoinAfterMs: () => 100,
    timeout: 10000,
  });
  const h = { socket, lastSeen: {}, notifications: [], joins: [], name: null };
  let joined = false;
  const channel = socket.channel(LOBBY, () =>
    joined ? { last_seen: { lobby: h.lastSeen.lobby || "", direct: h.lastSeen.direct || "" } } : first,
  );
  channel.on("user_info", ({ user_name }) => (h.name = user_name));
  channel.on("notification", (n) => {
    h.notifications.push(n);
    if (n.id && n.stream) h.lastSeen[n.stream] = n.id;
  });
  socket.connect();
  channel
    .join()
    .receive("ok", (reply) => {
      joined = true;
      h.joins.push(["ok", reply]);
    })
    .receive("error", (reply) => h.joins.push(["error", reply]));
  h.channel = channel;
  await waitFor(() => h.joins.length && (h.joins[0][0] === "error" || h.name), "the join");
  h.push = (event, payload) =>
    new Promise((resolve) =>
      channel
        .push(event, payload)
        .receive("ok", (r) => resolve(["ok", r]))
        .receive("error", (r) => resolve(["error", r]))
        .receive("timeout", () => resolve(["timeout", null])),
    );
  h.close = () => new Promise((resolve) => socket.disconnect(resolve));
  return h;
}

