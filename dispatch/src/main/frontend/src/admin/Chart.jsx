// Connections and messages/s over the last ten minutes, drawn by hand: two lines on one time axis,
// each scaled to its own maximum (the left and right labels say which is which).
const WIDTH = 960;
const HEIGHT = 220;
const PAD = { left: 48, right: 56, top: 14, bottom: 26 };
const WINDOW_MS = 10 * 60 * 1000;

const niceMax = (value) => {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
};

// Small scales keep a decimal, so that the five grid labels of a scale of 2 read 0, 0.5 .. 2.
const short = (value) =>
  value >= 1e6
    ? `${(value / 1e6).toFixed(1)}M`
    : value >= 1e4
      ? `${Math.round(value / 1e3)}k`
      : value >= 10
        ? `${Math.round(value)}`
        : `${Number(value.toFixed(1))}`;

function path(samples, x, y, value) {
  return samples.map((s, i) => `${i ? "L" : "M"}${x(s.at).toFixed(1)},${y(value(s)).toFixed(1)}`).join("");
}

export default function Chart({ samples }) {
  const end = samples.length ? samples[samples.length - 1].at : Date.now();
  const start = end - WINDOW_MS;
  const shown = samples.filter((s) => s.at >= start);
  const rate = (s) => s.messages_in_per_s + s.messages_out_per_s;
  const connMax = niceMax(Math.max(0, ...shown.map((s) => s.connections)));
  const rateMax = niceMax(Math.max(0, ...shown.map(rate)));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (at) => PAD.left + ((at - start) / WINDOW_MS) * innerW;
  const yConn = (v) => PAD.top + innerH - (v / connMax) * innerH;
  const yRate = (v) => PAD.top + innerH - (v / rateMax) * innerH;
  const minutes = [10, 8, 6, 4, 2, 0];

  return (
    <svg
      className="chart"
      data-testid="chart"
      data-samples={shown.length}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label="Connections and messages per second over the last ten minutes"
    >
      {[0, 0.25, 0.5, 0.75, 1].map((f) => (
        <g key={f}>
          <line className="grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={PAD.top + innerH * (1 - f)} y2={PAD.top + innerH * (1 - f)} />
          <text className="axis conn" x={PAD.left - 6} y={PAD.top + innerH * (1 - f) + 4} textAnchor="end">
            {short(connMax * f)}
          </text>
          <text className="axis rate" x={WIDTH - PAD.right + 6} y={PAD.top + innerH * (1 - f) + 4}>
            {short(rateMax * f)}
          </text>
        </g>
      ))}
      {minutes.map((m) => (
        <text key={m} className="axis" x={x(end - m * 60000)} y={HEIGHT - 6} textAnchor="middle">
          {m ? `-${m} min` : "now"}
        </text>
      ))}
      {shown.length > 1 && (
        <>
          <path className="line conn" d={path(shown, x, yConn, (s) => s.connections)} />
          <path className="line rate" d={path(shown, x, yRate, rate)} />
        </>
      )}
    </svg>
  );
}
