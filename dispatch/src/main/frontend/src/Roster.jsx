import { useCallback, useEffect, useState } from "react";
import { STATUS_LABEL } from "./Dispatches.jsx";
import { heroStatus } from "./useDispatch.js";

const PAGE = 50;

/**
 * The roster of a big lobby (summary mode): counts by status from presence_count, and one page of
 * heroes at a time from list_presences, searched by name prefix and filtered by status. The page
 * is read again whenever the count changes (at most once a second), so it follows the lobby.
 */
export function SummaryRoster({ summary, request, userName, onPage }) {
  const [prefix, setPrefix] = useState("");
  const [status, setStatus] = useState("");
  // The cursors of the pages before this one: "Previous" goes back without offsets.
  const [cursors, setCursors] = useState([]);
  const [after, setAfter] = useState(null);
  const [page, setPage] = useState({ entries: [], next: null });
  const [error, setError] = useState(null);

  const load = useCallback(async () => {
    const query = { limit: PAGE, prefix, after };
    if (status) query.status = status;
    const [outcome, response] = await request("list_presences", query);
    if (outcome !== "ok") {
      setError(response?.reason || outcome);
      return;
    }
    setError(null);
    setPage(response);
    onPage(
      response.entries.map(({ key, metas }) => ({
        name: key,
        onlineAt: Math.min(...metas.map((meta) => Number(meta.online_at))),
        connections: metas.length,
        status: heroStatus(metas),
      })),
    );
  }, [request, prefix, status, after, onPage]);

  useEffect(() => {
    load();
  }, [load, summary?.count, summary?.by_status?.busy, summary?.by_status?.off_duty]);

  const restart = (change) => {
    change();
    setCursors([]);
    setAfter(null);
  };

  return (
    <div data-testid="summary-roster">
      <p className="counts" data-testid="presence-counts">
        {["available", "busy", "off_duty"].map((s) => (
          <span key={s} className={`hero-status ${s}`} data-status={s}>
            {STATUS_LABEL[s]}: {summary?.by_status?.[s] ?? "…"}
          </span>
        ))}
      </p>
      <div className="roster-search">
        <input
          type="search"
          placeholder="Find a hero by name"
          aria-label="Find a hero by name"
          data-testid="roster-search"
          value={prefix}
          onChange={(e) => {
            const value = e.target.value;
            restart(() => setPrefix(value));
          }}
        />
        <select
          aria-label="Status"
          data-testid="roster-status"
          value={status}
          onChange={(e) => {
            const value = e.target.value;
            restart(() => setStatus(value));
          }}
        >
          <option value="">Any status</option>
          {["available", "busy", "off_duty"].map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p className="status error" role="alert">
          Could not list heroes: {error}
        </p>
      )}
      <ul className="roster" data-testid="roster">
        {page.entries.map(({ key, metas }) => (
          <li key={key} data-hero={key} className={key === userName ? "self" : ""}>
            <span className="name">
              {key}
              {key === userName && <span className="you"> (you)</span>}
            </span>
            <span className={`hero-status ${heroStatus(metas)}`} data-testid="hero-status">
              {STATUS_LABEL[heroStatus(metas)]}
            </span>
          </li>
        ))}
      </ul>
      <div className="pager">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => {
            setAfter(cursors.at(-1));
            setCursors(cursors.slice(0, -1));
          }}
        >
          Previous
        </button>
        <button
          type="button"
          data-testid="roster-next"
          disabled={!page.next}
          onClick={() => {
            setCursors([...cursors, after]);
            setAfter(page.next);
          }}
        >
          Next
        </button>
      </div>
    </div>
  );
}
