import { useState } from "react";

const STATUSES = [
  ["available", "Available"],
  ["busy", "Busy"],
  ["off_duty", "Off duty"],
];

export const STATUS_LABEL = Object.fromEntries(STATUSES);

const REASONS = {
  invalid_body: "Describe the incident first.",
  body_too_long: "Incidents are limited to 500 characters.",
  unknown_dispatch: "That dispatch no longer exists.",
  not_offered: "That dispatch is not offered to you.",
  expired: "Too late: the offer has expired.",
  not_assigned: "That dispatch is not assigned to you.",
  dispatcher_unavailable: "The dispatcher is not answering (a node is taking over); try again.",
  invalid_status: "Unknown status.",
  timeout: "The server did not answer in time.",
  not_connected: "Not connected yet.",
};

const say = (reason) => REASONS[reason] || `Refused: ${reason}`;

function age(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

export function StatusControl({ status, push }) {
  const [error, setError] = useState(null);
  return (
    <div className="status-control" role="radiogroup" aria-label="Your status" data-testid="status-control">
      {STATUSES.map(([value, label]) => (
        <button
          key={value}
          type="button"
          role="radio"
          aria-checked={status === value}
          className={status === value ? "chosen" : ""}
          data-testid={`status-${value}`}
          onClick={async () => setError((await push("set_status", { status: value })) || null)}
        >
          {label}
        </button>
      ))}
      {error && (
        <span className="status error" role="alert">
          {say(error)}
        </span>
      )}
    </div>
  );
}

export function ReportIncident({ push }) {
  const [body, setBody] = useState("");
  const [result, setResult] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setResult({ kind: "pending", text: "Reporting…" });
    const reason = await push("report_incident", { body });
    if (reason) {
      setResult({ kind: "error", reason, text: say(reason) });
    } else {
      setResult({ kind: "ok", text: "Reported: looking for a hero." });
      setBody("");
    }
  };
  return (
    <section className="card" aria-labelledby="report-title">
      <h2 id="report-title">Report an incident</h2>
      <form onSubmit={submit}>
        <label htmlFor="incident">What is happening, and where?</label>
        <textarea
          id="incident"
          data-testid="incident"
          rows={2}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          placeholder="Runaway train at Central Station…"
        />
        <div className="actions">
          <button type="submit" data-testid="report">
            Report
          </button>
        </div>
        <p className={`status ${result?.kind ?? ""}`} data-testid="report-status" data-reason={result?.reason ?? ""}>
          {result?.text ?? ""}
        </p>
      </form>
    </section>
  );
}

export function OfferCards({ offers, now, push, dropOffer }) {
  const [errors, setErrors] = useState({});
  const answer = async (id, event) => {
    const reason = await push(event, { id });
    if (reason) {
      setErrors((previous) => ({ ...previous, [id]: say(reason) }));
      if (reason !== "dispatcher_unavailable" && reason !== "timeout") setTimeout(() => dropOffer(id), 2000);
    } else {
      dropOffer(id);
    }
  };
  const open = Object.values(offers);
  if (open.length === 0) return null;
  return (
    <>
      {open.map((offer) => {
        const left = Math.max(0, Math.ceil((offer.expires_at - now) / 1000));
        return (
          <section key={offer.id} className="card offer wide" role="alert" data-testid="offer" data-id={offer.id}>
            <h2>Dispatch offered to you</h2>
            <p className="body" data-testid="offer-body">
              {offer.body}
            </p>
            <p className="countdown" data-testid="offer-countdown">
              {left > 0 ? `${left}s left to accept` : "expired"}
            </p>
            <div className="actions">
              <button type="button" data-testid="accept" onClick={() => answer(offer.id, "accept_dispatch")}>
                Accept
              </button>
              <button type="button" data-testid="decline" onClick={() => answer(offer.id, "decline_dispatch")}>
                Decline
              </button>
            </div>
            {errors[offer.id] && <p className="status error">{errors[offer.id]}</p>}
          </section>
        );
      })}
    </>
  );
}

export function Assignments({ board, userName, push }) {
  const [error, setError] = useState(null);
  const mine = Object.values(board).filter((d) => d.state === "assigned" && d.hero === userName);
  if (mine.length === 0) return null;
  return (
    <section className="card assignment wide" aria-labelledby="assignment-title" data-testid="assignment">
      <h2 id="assignment-title">Your assignment</h2>
      {mine.map((d) => (
        <div key={d.id} className="assigned" data-id={d.id}>
          <p className="body" data-testid="assignment-body">
            {d.body}
          </p>
          <button
            type="button"
            data-testid="resolve"
            onClick={async () => setError((await push("resolve_dispatch", { id: d.id })) || null)}
          >
            Resolve
          </button>
        </div>
      ))}
      {error && <p className="status error">{say(error)}</p>}
    </section>
  );
}

export function Board({ board, now }) {
  const all = Object.values(board);
  const open = all.filter((d) => d.state !== "resolved").sort((a, b) => a.created_at - b.created_at);
  const resolved = all
    .filter((d) => d.state === "resolved")
    .sort((a, b) => b.updated_at - a.updated_at)
    .slice(0, 20);
  const rows = [...open, ...resolved];
  return (
    <section className="card wide" aria-labelledby="board-title">
      <h2 id="board-title">
        Dispatch board <span className="badge">{open.length} open</span>
      </h2>
      {rows.length === 0 ? (
        <p className="empty">No incidents reported.</p>
      ) : (
        <table className="board" data-testid="board">
          <thead>
            <tr>
              <th>Incident</th>
              <th>State</th>
              <th>Hero</th>
              <th>Attempts</th>
              <th>Age</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} data-id={d.id} data-state={d.state} className={d.state}>
                <td data-testid="board-body">{d.body}</td>
                <td data-testid="board-state">{d.state}</td>
                <td data-testid="board-hero">{d.hero ?? "—"}</td>
                <td>{d.attempts}</td>
                <td>{age(now - d.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
