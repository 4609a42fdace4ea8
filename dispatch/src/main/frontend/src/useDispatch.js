import { useCallback, useEffect, useRef, useState } from "react";
import { LongPoll, Presence, Socket } from "phoenix";
import { fetchToken, storedToken } from "./identity.js";

const TOPIC = "notifications:lobby";
const KEEP = 5;

// WebSocket first; where a proxy breaks it, phoenix.js falls back to long-poll after 2.5 s (and
// remembers that for the session). `/?transport=longpoll` skips the WebSocket altogether, for
// testing and for people who know their network blocks it.
const FORCE_LONGPOLL = new URLSearchParams(window.location.search).get("transport") === "longpoll";
const SOCKET_OPTIONS = FORCE_LONGPOLL ? { transport: LongPoll } : { longPollFallbackMs: 2500 };

// The seed's useEffect flow: connect, join the lobby, follow presence and notifications.
export function useDispatch() {
  const [userName, setUserName] = useState(null);
  const [heroes, setHeroes] = useState([]);
  const [notifications, setNotifications] = useState([]);
  const [connection, setConnection] = useState("connecting");
  const [joinError, setJoinError] = useState(null);
  // True when a rejoin reported that history no longer held everything missed.
  const [missed, setMissed] = useState(false);
  // id → dispatch as dispatch_board and dispatch_update show it; offers: id → {id, body, expires_at}.
  const [board, setBoard] = useState({});
  const [offers, setOffers] = useState({});
  const channelRef = useRef(null);
  const received = useRef(0);
  // The last id seen per stream ("lobby", "direct"), sent on every rejoin so the server replays
  // exactly what was missed; a reload starts empty and asks for the newest few instead.
  const lastSeen = useRef({});
  const shown = useRef(new Set());

  useEffect(() => {
    let socket = null;
    let cancelled = false;
    let renewing = false;

    const start = async () => {
      try {
        await fetchToken();
      } catch (e) {
        // Still try: without a token the server treats us as an anonymous hero.
        console.warn(e);
      }
      if (cancelled) return;

      socket = new Socket("/socket", {
        authToken: () => storedToken() || undefined,
        ...SOCKET_OPTIONS,
      });
      socket.onOpen(() => setConnection("connected"));
      socket.onError(() => {
        setConnection("reconnecting");
        // The server may have restarted with another secret, or the token expired (403): renew it
        // (same hero if it is still genuine). phoenix.js reads authToken again on its next attempt,
        // and its backoff bounds how often this runs.
        if (!renewing) {
          renewing = true;
          fetchToken()
            .catch(() => {})
            .finally(() => (renewing = false));
        }
      });
      socket.onClose(() => setConnection((state) => (state === "connected" ? "reconnecting" : state)));
      socket.connect();

      // phoenix.js evaluates params on every (re)join: a rejoin names the last ids seen, a fresh
      // load asks for the newest 5 (the feed shows 5).
      const channel = socket.channel(TOPIC, () =>
        Object.keys(lastSeen.current).length
          ? { last_seen: { lobby: "", direct: "", ...lastSeen.current } }
          : { history: KEEP },
      );
      const presence = new Presence(channel);
      presence.onSync(() => {
        const list = presence.list((name, { metas }) => ({
          name,
          onlineAt: Math.min(...metas.map((meta) => Number(meta.online_at))),
          connections: metas.length,
          // One status per hero: busy if any connection says so, then off duty (as the server).
          status: metas.some((m) => m.status === "busy")
            ? "busy"
            : metas.some((m) => m.status === "off_duty")
              ? "off_duty"
              : "available",
        }));
        list.sort((a, b) => a.name.localeCompare(b.name));
        setHeroes(list);
      });
      channel.on("user_info", ({ user_name }) => setUserName(user_name));
      // A dispatch_update may arrive before a board read a moment earlier: keep the newer.
      const merge = (previous, dispatches) => {
        const next = { ...previous };
        for (const d of dispatches) {
          if (!next[d.id] || next[d.id].updated_at <= d.updated_at) next[d.id] = d;
        }
        return next;
      };
      channel.on("dispatch_board", ({ dispatches }) => setBoard((previous) => merge(previous, dispatches)));
      channel.on("dispatch_update", (d) => {
        setBoard((previous) => merge(previous, [d]));
        // An offer ends when the dispatch is no longer offered to whoever holds it.
        setOffers((previous) => {
          if (!previous[d.id] || d.state === "offered") return previous;
          const { [d.id]: _, ...rest } = previous;
          return rest;
        });
      });
      // A replayed stream id is remembered like a live one; an id already shown is never shown again.
      // A notification's stream position is its id; a dispatch offer's is stream_id (its id is
      // the dispatch's).
      const seen = (message, position) => {
        if (!position || !message.stream) return true;
        const key = `${message.stream}:${position}`;
        if (shown.current.has(key)) return false;
        shown.current.add(key);
        lastSeen.current = { ...lastSeen.current, [message.stream]: position };
        return true;
      };
      channel.on("dispatch_offer", (offer) => {
        if (!seen(offer, offer.stream_id)) return;
        // A replayed offer whose time ran out is not one to answer any more.
        if (offer.replayed && offer.expires_at < Date.now()) return;
        setOffers((previous) => ({ ...previous, [offer.id]: offer }));
      });
      channel.on("notification", (notification) => {
        if (!seen(notification, notification.id)) return;
        const key = notification.id ? `${notification.stream}:${notification.id}` : `local:${++received.current}`;
        setNotifications((previous) => [{ ...notification, key }, ...previous].slice(0, KEEP));
      });
      channel
        .join()
        .receive("ok", (reply) => {
          setJoinError(null);
          if (reply && reply.recovered === false) setMissed(true);
        })
        .receive("error", ({ reason } = {}) => setJoinError(reason || "join refused"));
      channelRef.current = channel;
    };
    start();

    return () => {
      cancelled = true;
      channelRef.current = null;
      if (socket) socket.disconnect();
    };
  }, []);

  // Resolves to null when the server accepted the push, else to the error reason.
  const push = useCallback(
    (event, payload) =>
      new Promise((resolve) => {
        const channel = channelRef.current;
        if (!channel) return resolve("not_connected");
        channel
          .push(event, payload)
          .receive("ok", () => resolve(null))
          .receive("error", ({ reason } = {}) => resolve(reason || "error"))
          .receive("timeout", () => resolve("timeout"));
      }),
    [],
  );

  const dropOffer = useCallback(
    (id) =>
      setOffers((previous) => {
        const { [id]: _, ...rest } = previous;
        return rest;
      }),
    [],
  );

  return { userName, heroes, notifications, connection, joinError, missed, push, board, offers, dropOffer };
}
