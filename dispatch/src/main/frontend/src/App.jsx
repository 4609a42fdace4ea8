import { useEffect, useState } from "react";
import { Assignments, Board, OfferCards, ReportIncident, STATUS_LABEL, StatusControl } from "./Dispatches.jsx";
import { SummaryRoster } from "./Roster.jsx";
import { useDispatch } from "./useDispatch.js";

const MAX_BODY = 500;

const REASONS = {
  invalid_body: "Write a message first.",
  body_too_long: `Messages are limited to ${MAX_BODY} characters.`,
  unknown_recipient: "That hero is not here any more.",
  timeout: "The server did not answer in time.",
  not_connected: "Not connected yet.",
};

function describe(reason) {
  return REASONS[reason] || `Refused: ${reason}`;
}

function since(onlineAt, now) {
  const seconds = Math.max(0, Math.floor(now / 1000) - onlineAt);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

function clock(timestamp) {
  return new Date(timestamp * 1000).toLocaleTimeString([], { hour12: false });
}

function useNow(everyMs) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export default function App() {
  const {
    userName,
    heroes: listed,
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
  } = useDispatch();
  // In summary mode the page holds only the roster page on screen: that is whom it can pick from.
  const [pageHeroes, setPageHeroes] = useState([]);
  const heroes = mode === "summary" ? pageHeroes : listed;
  const myStatus = mode === "summary" ? selfStatus : heroes.find((hero) => hero.name === userName)?.status;
  const now = useNow(1000);
  const [body, setBody] = useState("");
  const [recipient, setRecipient] = useState("");
  const [status, setStatus] = useState(null);

  const others = heroes.filter((hero) => hero.name !== userName);
  const chosen = others.some((hero) => hero.name === recipient) ? recipient : "";

  const send = async (event, payload, label) => {
    setStatus({ kind: "pending", text: "Sending…" });
    const reason = await push(event, payload);
    if (reason) {
      setStatus({ kind: "error", reason, text: describe(reason) });
    } else {
      setStatus({ kind: "ok", text: `Sent ${label}.` });
      setBody("");
    }
  };

  const onSubmit = (e) => {
    e.preventDefault();
    send("notify_all", { body }, "to everyone");
  };

  return (
    <div className="page">
      <header className="top">
        <div>
          <h1>Superhero dispatch</h1>
          <p className="me">
            You are{" "}
            <strong data-testid="my-name">{userName ?? "…"}</strong>
          </p>
          <StatusControl status={myStatus} push={push} />
        </div>
        <span className={`connection ${connection}`} data-testid="connection" role="status">
          {connection}
        </span>
      </header>

      {joinError && (
        <p className="banner error" role="alert" data-testid="join-error">
          Could not join the lobby: {joinError}
        </p>
      )}

      {missed && (
        <p className="banner" role="status" data-testid="missed-note">
          You were away longer than the server keeps notifications: some may have been missed.
        </p>
      )}

      <main className="grid">
        <OfferCards offers={offers} now={now} push={push} dropOffer={dropOffer} />
        <Assignments board={board} userName={userName} push={push} />
        <ReportIncident push={push} />
        <section className="card" aria-labelledby="compose-title">
          <h2 id="compose-title">Send a notification</h2>
          <form onSubmit={onSubmit}>
            <label htmlFor="body">Message</label>
            <textarea
              id="body"
              data-testid="body"
              rows={3}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey) onSubmit(e);
              }}
              placeholder="Villain spotted downtown…"
            />
            <div className={`count ${body.length > MAX_BODY ? "over" : ""}`}>
              {body.length}/{MAX_BODY}
            </div>
            <div className="actions">
              <button type="submit" data-testid="notify-all">
                Notify all
              </button>
              <button
                type="button"
                data-testid="notify-others"
                onClick={() => send("notify_others", { body }, "to the others")}
              >
                Notify others
              </button>
            </div>
            <label htmlFor="recipient">Direct to</label>
            <div className="actions">
              <select
                id="recipient"
                data-testid="recipient"
                value={chosen}
                onChange={(e) => setRecipient(e.target.value)}
              >
                <option value="">{others.length ? "Choose a hero…" : "Nobody else is here"}</option>
                {others.map((hero) => (
                  <option key={hero.name} value={hero.name}>
                    {hero.name}
                  </option>
                ))}
              </select>
              <button
                type="button"
                data-testid="notify-direct"
                disabled={!chosen}
                onClick={() => send("notify_direct", { body, recipient: chosen }, `to ${chosen}`)}
              >
                Notify hero
              </button>
            </div>
            <p
              className={`status ${status?.kind ?? ""}`}
              data-testid="send-status"
              data-reason={status?.reason ?? ""}
              role={status?.kind === "error" ? "alert" : "status"}
            >
              {status?.text ?? ""}
            </p>
          </form>
        </section>

        <section className="card" aria-labelledby="roster-title" data-presence-mode={mode}>
          <h2 id="roster-title">
            Heroes online{" "}
            <span className="badge" data-testid="hero-count">
              {mode === "summary" ? (summary?.count ?? "…") : heroes.length}
            </span>
          </h2>
          {mode === "summary" ? (
            <SummaryRoster summary={summary} request={request} userName={userName} onPage={setPageHeroes} />
          ) : (
            <ul className="roster" data-testid="roster">
              {heroes.map((hero) => (
                <li key={hero.name} data-hero={hero.name} className={hero.name === userName ? "self" : ""}>
                  <span className="name">
                    {hero.name}
                    {hero.name === userName && <span className="you"> (you)</span>}
                  </span>
                  <span className={`hero-status ${hero.status}`} data-testid="hero-status">
                    {STATUS_LABEL[hero.status]}
                  </span>
                  <span className="since" title="online for">
                    {since(hero.onlineAt, now)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>

        <Board board={board} now={now} />

        <section className="card wide" aria-labelledby="feed-title">
          <h2 id="feed-title">Latest notifications</h2>
          {notifications.length === 0 ? (
            <p className="empty">Nothing yet. The dispatch service checks in every few seconds.</p>
          ) : (
            <ol className="feed" data-testid="notifications" aria-live="polite">
              {notifications.map((n) => (
                <li key={n.key} className={n.from === "dispatch" ? "service" : ""}>
                  <p className="body" data-testid="notification-body">
                    {n.body}
                  </p>
                  <p className="meta">
                    from <span data-testid="notification-from">{n.from ?? "unknown"}</span> ·{" "}
                    <time dateTime={new Date(n.timestamp * 1000).toISOString()}>{clock(n.timestamp)}</time>
                  </p>
                </li>
              ))}
            </ol>
          )}
        </section>
      </main>
    </div>
  );
}
