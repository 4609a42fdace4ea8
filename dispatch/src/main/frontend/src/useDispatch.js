import { useCallback, useEffect, useRef, useState } from "react";
import { LongPoll, Presence, Socket } from "phoenix";
import { fetchToken, storedToken } from "./identity.js";

const TOPIC = "notifications:lobby";
const KEEP = 5;

// Above this many heroes the page joins with {"presence": "summary"}: counts by status and a paged
// roster instead of every hero's presence (docs/presence.md, "Summary mode, when to use it", has
// the measurement behind the number). Back to the full list below half of it, so a lobby hovering
// around the threshold does not make pages rejoin back and forth.
export const SUMMARY_ABOVE = 1000;
// The last lobby size this tab saw: a reload of a big lobby joins in summary mode at once instead
// of receiving the whole roster first.
const SIZE_KEY = "rollcall.lobbySize";
// `/?presence=summary` or `/?presence=full` pins the mode, for testing.
const PINNED = new URLSearchParams(window.location.search).get("presence");

function rememberedSize() {
  try {
    return Number(sessionStorage.getItem(SIZE_KEY) || 0);
  } catch {
    return 0;
  }
}

function rememberSize(size) {
  try {
    sessionStorage.setItem(SIZE_KEY, String(size));
  } catch {
    // storage off: the page still works, it only learns the size again on the next load
  }
}

function initialMode() {
  if (PINNED === "summary" || PINNED === "full") return PINNED;
  return rememberedSize() > SUMMARY_ABOVE ? "summary" : "full";
}

/** A hero's one status from its metas: busy if any connection says so, then off duty (as the server). */
export function heroStatus(metas) {
  return metas.some((m) => m.status === "busy")
    ? "busy"
    : metas.some((m) => m.status === "off_duty")
      ? "off_duty"
      : "available";
}

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
  // "full": presence_state and presence_diff; "summary": presence_count and list_presences.
  const [mode, setMode] = useState(initialMode);
  const modeRef = useRef(mode);
  // {count, by_status} from the last presence_count (summary mode only).
  const [summary, setSummary] = useState(null);
  // This hero's own status in summary mode, where the page holds no roster to read it from.
  const [selfStatus, setSelfStatus] = useState(null);
  const userNameRef = useRef(null);
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

      openChannel();
    };

    // Leaves the lobby and joins it again in `next` mode (the hero keeps its name: the token says
    // who it is; the lobby sees it leave and come back). Missed notifications are replayed from
    // the last ids seen, as on any rejoin.
    const switchTo = (next) => {
      if (PINNED || modeRef.current === next || cancelled) return;
      modeRef.current = next;
      setMode(next);
      const previous = channelRef.current;
      if (previous) previous.leave();
      openChannel();
    };

    const refreshSelf = (channel) => {
      const name = userNameRef.current;
      if (!name) return;
      channel.push("list_presences", { prefix: name, limit: 1 }).receive("ok", ({ entries }) => {
        const mine = entries.find((entry) => entry.key === name);
        if (mine) setSelfStatus(heroStatus(mine.metas));
      });
    };

    const openChannel = () => {
      // phoenix.js evaluates params on every (re)join: a rejoin names the last ids seen, a fresh
      // load asks for the newest 5 (the feed shows 5).
      const channel = socket.channel(TOPIC, () => {
        const params = Object.keys(lastSeen.current).length
          ? { last_seen: { lobby: "", direct: "", ...lastSeen.current } }
          : { history: KEEP };
        return modeRef.current === "summary" ? { ...params, presence: "summary" } : params;
      });
      if (modeRef.current === "summary") {
        setHeroes([]);
        channel.on("presence_count", (count) => {
          setSummary(count);
          rememberSize(count.count);
          refreshSelf(channel);
          if (count.count < SUMMARY_ABOVE / 2) switchTo("full");
        });
      } else {
        setSummary(null);
        const presence = new Presence(channel);
        presence.onSync(() => {
          const list = presence.list((name, { metas }) => ({
            name,
            onlineAt: Math.min(...metas.map((meta) => Number(meta.online_at))),
            connections: metas.length,
            status: heroStatus(metas),
          }));
          list.sort((a, b) => a.name.localeCompare(b.name));
          setHeroes(list);
          rememberSize(list.length);
          if (list.length > SUMMARY_ABOVE) switchTo("summary");
        });
      }
      channel.on("user_info", ({ user_name }) => {
        userNameRef.current = user_name;
        setUserName(user_name);
      });
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
          if (reply && typeof reply.lobby_size === "number") rememberSize(reply.lobby_size);
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

  // Resolves to ["ok" | "error" | "timeout", response]: for pushes whose reply carries data.
  const request = useCallback(
    (event, payload) =>
      new Promise((resolve) => {
        const channel = channelRef.current;
        if (!channel) return resolve(["error", { reason: "not_connected" }]);
        channel
          .push(event, payload)
          .receive("ok", (response) => resolve(["ok", response]))
          .receive("error", (response) => resolve(["error", response]))
          .receive("timeout", () => resolve(["timeout", { reason: "timeout" }]));
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

  return {
    userName,
    heroes,
    notifications,
    connection,
    joinError,
    missed,
    push,
    request,
    board,
    offers,
    dropOffer,
    mode,
    summary,
    selfStatus,
  };
}
