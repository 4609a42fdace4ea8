import { useCallback, useEffect, useState } from "react";
import { Socket } from "phoenix";

const TOPIC = "admin:dashboard";
const KEY = "rollcall.adminKey";

// The key lives in this tab's sessionStorage only: closing the tab signs out.
export const storedKey = () => sessionStorage.getItem(KEY);

const REASONS = {
  unauthorized: "That API key was not accepted.",
  disabled: "The dashboard is disabled: this node runs without an API key (--api-key).",
};

// Joins admin:dashboard with the key; the join reply holds the view and the chart's history, then
// a "stats" push arrives every sample period with the view and one new sample.
export function useAdmin() {
  const [key, setKey] = useState(storedKey);
  const [view, setView] = useState(null);
  const [history, setHistory] = useState([]);
  const [connection, setConnection] = useState("signed-out");
  const [error, setError] = useState(null);

  useEffect(() => {
    if (!key) return undefined;
    setConnection("connecting");
    const socket = new Socket("/socket", {});
    socket.onOpen(() => setConnection((c) => (c === "connected" ? c : "joining")));
    socket.onError(() => setConnection("reconnecting"));
    socket.connect();
    const channel = socket.channel(TOPIC, { key });
    let limit = 600;
    channel.on("stats", (update) => {
      setView(update);
      if (update.sample) {
        setHistory((old) => {
          const next = old.length && old[old.length - 1].at >= update.sample.at ? old : [...old, update.sample];
          return next.length > limit ? next.slice(next.length - limit) : next;
        });
      }
    });
    channel
      .join()
      .receive("ok", (reply) => {
        limit = reply.history_samples || limit;
        setError(null);
        setView(reply);
        setHistory(reply.history || []);
        setConnection("connected");
      })
      .receive("error", (reply) => {
        const reason = reply && reply.reason;
        // A refused key will not be accepted on a rejoin either: stop, and ask again.
        channel.leave();
        socket.disconnect();
        sessionStorage.removeItem(KEY);
        setError({ reason, text: REASONS[reason] || `The dashboard refused to join (${reason}).` });
        setConnection("signed-out");
        setKey(null);
      });
    return () => {
      channel.leave();
      socket.disconnect();
    };
  }, [key]);

  const signIn = useCallback((entered) => {
    const trimmed = entered.trim();
    if (!trimmed) {
      setError({ reason: "empty", text: "Enter the API key." });
      return;
    }
    sessionStorage.setItem(KEY, trimmed);
    setError(null);
    setKey(trimmed);
  }, []);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(KEY);
    setView(null);
    setHistory([]);
    setConnection("signed-out");
    setKey(null);
  }, []);

  return { signedIn: Boolean(key), view, history, connection, error, signIn, signOut };
}
