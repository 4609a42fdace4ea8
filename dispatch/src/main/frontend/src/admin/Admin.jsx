import { useState } from "react";
import Chart from "./Chart.jsx";
import { useAdmin } from "./useAdmin.js";

const STATES = ["offered", "assigned", "unassigned", "resolved"];

const mib = (bytes) => `${Math.round(bytes / (1024 * 1024))} MiB`;
const perSecond = (value) => (value >= 10 ? Math.round(value).toString() : value.toFixed(1));

function age(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60000)} min`;
}

function uptime(ms) {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

function SignIn({ error, onSignIn }) {
  const [entered, setEntered] = useState("");
  return (
    <main className="page signin">
      <h1>Rollcall · Operations</h1>
      <p className="me">The dashboard shows the cluster to operators. Sign in with the API key.</p>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          onSignIn(entered);
        }}
      >
        <label htmlFor="api-key">API key</label>
        <div className="row">
          <input
            id="api-key"
            data-testid="api-key"
            type="password"
            autoComplete="off"
            value={entered}
            onChange={(e) => setEntered(e.target.value)}
          />
          <button type="submit" data-testid="sign-in">
            Sign in
          </button>
        </div>
        {error && (
          <p className="banner error" data-testid="sign-in-error" data-reason={error.reason}>
            {error.text}
          </p>
        )}
      </form>
    </main>
  );
}

function Totals({ view }) {
  const t = view.totals;
  const cells = [
    ["nodes-up", "Nodes up", `${t.nodes_up} / ${view.nodes.length}`],
    ["total-connections", "Connections", t.connections],
    ["total-channels", "Channels", t.channels],
    ["total-in", "Messages in / s", perSecond(t.messages_in_per_s)],
    ["total-out", "Messages out / s", perSecond(t.messages_out_per_s)],
  ];
  const redis = view.nodes.find((n) => n.local)?.stats?.redis ?? "unknown";
  return (
    <section className="totals">
      {cells.map(([id, label, value]) => (
        <div className="card stat" key={id}>
          <span className="label">{label}</span>
          <strong data-testid={id}>{value}</strong>
        </div>
      ))}
      <div className="card stat">
        <span className="label">Redis (this node)</span>
        <strong data-testid="redis" className={`redis ${redis}`}>
          {redis}
        </strong>
      </div>
    </section>
  );
}

function Nodes({ nodes }) {
  return (
    <section className="card wide">
      <h2>
        Nodes <span className="badge">{nodes.length}</span>
      </h2>
      <table className="table" data-testid="nodes">
        <thead>
          <tr>
            <th>Node</th>
            <th>State</th>
            <th>Last heartbeat</th>
            <th>Connections</th>
            <th>Channels</th>
            <th>Heap</th>
            <th>Uptime</th>
            <th>In / s</th>
            <th>Out / s</th>
            <th>Redis</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.name} data-node={n.name} data-up={n.up}>
              <td>
                {n.name}
                {n.local && <span className="badge">this node</span>}
              </td>
              <td data-testid="node-state" className={n.up ? "up" : "down"}>
                {n.up ? "up" : "down"}
              </td>
              <td>{n.local ? "—" : `${age(n.heartbeat_age_ms)} ago`}</td>
              <td data-testid="node-connections">{n.stats ? n.stats.connections : "—"}</td>
              <td data-testid="node-channels">{n.stats ? n.stats.channels : "—"}</td>
              <td>{n.stats ? `${mib(n.stats.heap_used)}${n.stats.heap_max > 0 ? ` / ${mib(n.stats.heap_max)}` : ""}` : "—"}</td>
              <td>{n.stats ? uptime(n.stats.uptime_ms) : "—"}</td>
              <td>{n.stats ? perSecond(n.stats.messages_in_per_s) : "—"}</td>
              <td>{n.stats ? perSecond(n.stats.messages_out_per_s) : "—"}</td>
              <td className={n.stats ? `redis ${n.stats.redis}` : ""}>{n.stats ? n.stats.redis : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Topics({ topics }) {
  return (
    <section className="card">
      <h2>
        Topics <span className="badge">{topics.length}</span>
      </h2>
      {topics.length === 0 ? (
        <p className="empty">Nobody is present on any topic.</p>
      ) : (
        <table className="table" data-testid="topics">
          <thead>
            <tr>
              <th>Topic</th>
              <th>Present</th>
            </tr>
          </thead>
          <tbody>
            {topics.map((t) => (
              <tr key={t.topic} data-topic={t.topic}>
                <td>{t.topic}</td>
                <td data-testid="topic-count">{t.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Board({ board }) {
  return (
    <section className="card">
      <h2>Dispatch board</h2>
      {board ? (
        <dl className="counts" data-testid="board">
          {STATES.map((s) => (
            <div key={s} className={`count ${s}`}>
              <dt>{s}</dt>
              <dd data-testid={`board-${s}`}>{board.counts[s] ?? 0}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="empty">The dispatch store cannot be read right now.</p>
      )}
    </section>
  );
}

export default function Admin() {
  const { signedIn, view, history, connection, error, signIn, signOut } = useAdmin();
  if (!signedIn) return <SignIn error={error} onSignIn={signIn} />;
  return (
    <main className="page admin">
      <header className="top">
        <div>
          <h1>Rollcall · Operations</h1>
          <p className="me">
            Live from node <strong data-testid="via-node">{view ? view.node : "…"}</strong>, updated every second.
          </p>
        </div>
        <div className="row">
          <span className={`connection ${connection}`} data-testid="connection">
            {connection}
          </span>
          <button type="button" className="secondary" data-testid="sign-out" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      {view ? (
        <>
          <Totals view={view} />
          <section className="card wide chart-card">
            <h2>
              Last 10 minutes
              <span className="legend conn">connections</span>
              <span className="legend rate">messages / s (in + out)</span>
            </h2>
            <Chart samples={history} />
          </section>
          <Nodes nodes={view.nodes} />
          <div className="grid">
            <Topics topics={view.topics} />
            <Board board={view.board} />
          </div>
        </>
      ) : (
        <p className="empty">Joining the dashboard…</p>
      )}
    </main>
  );
}
