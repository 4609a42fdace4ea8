#!/usr/bin/env bash
# The direct and storm scenarios against a cluster (docs/benchmarks.md): one real redis-server and
# N dispatch nodes (3 by default) on free loopback ports, then rollcall-bench with every node's URL
# (heroes spread round-robin). Not part of CI; one
# run, bounded in time; everything it started is killed on exit (trap), Ctrl-C or time limit included.
#   bench/cluster-run.sh direct|storm [heroes=1000] [rate=2000] [nodes=3]
# Environment (optional):
#   NODE_HEAP=1g        -Xmx of each node
#   REDIS=redis         none: nodes=1 only, the node on its in-process PubSub (the one-node figure)
#   LIMIT=170           seconds for the whole run (hard)
#   DURATION=10s        measured phase (direct); storm: the longest wait for complete rosters (60s)
#   WARMUP=3s           direct: same load before measuring, not recorded
#   RAMP=500            connections per second during the ramp (direct; storm connects, then joins all)
#   BENCH_ARGS="..."    extra rollcall-bench options
# Prints the tool's table and JSON, then per node at the fullest moment of the run: connections,
# presences (metas) and names in the lobby roster (equal when no name is held twice), the messages
# published to Redis, and for direct whether deliveries == sends.
set -euo pipefail
scenario="${1:?usage: bench/cluster-run.sh direct|storm [heroes] [rate] [nodes]}"
heroes="${2:-1000}"
rate="${3:-2000}"
nodes="${4:-3}"
case "$scenario" in direct | storm) ;; *) echo "cluster-run: scenario is direct or storm" >&2; exit 2 ;; esac
redis="${REDIS:-redis}"
[ "$redis" = none ] && [ "$nodes" != 1 ] && { echo "cluster-run: REDIS=none needs nodes=1" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source "$root/bench/cluster-nodes.sh"
cluster_init cluster-run "${LIMIT:-170}"
cluster_start "$nodes" "${NODE_HEAP:-1g}" "$redis"
echo "cluster-run: $scenario, $heroes heroes, $nodes node(s), redis ${redis_port:-none}; load: $(uptime | sed 's/.*load/load/')" >&2

if [ "$scenario" = direct ]; then
  args=(--scenario direct --connections "$heroes" --rate "$rate" --ramp-rate "${RAMP:-500}"
    --warmup "${WARMUP:-3s}" --duration "${DURATION:-10s}")
else
  args=(--scenario storm --connections "$heroes" --ramp-rate "${RAMP:-500}" --duration "${DURATION:-60s}")
fi
setsid "$root/rollcall-bench" --url "$cluster_ws" "${args[@]}" --timeout "$((${LIMIT:-170} - 15))s" \
  --json "$work/result.json" ${BENCH_ARGS:-} >"$work/bench.log" 2>&1 &
bench_pid=$!
# The generator closes its sockets when it ends: sample the nodes while it runs and keep the fullest
# moment (most presences summed over the nodes), for the names-vs-presences check below.
best=-1
while kill -0 "$bench_pid" 2>/dev/null; do
  snapshot=""
  p=0
  for i in $(seq 0 $((nodes - 1))); do
    # One /metrics read per node, so its three numbers are from the same instant.
    row="$(curl -fsS --max-time 20 "${http[$i]}/metrics" 2>/dev/null | awk -v n="n$((i + 1))" '
      $1 == "rollcall_connections" {c = $2} $1 == "rollcall_presences" {p = $2} $1 == "rollcall_heroes" {h = $2}
      END {printf "| %s | %d | %d | %d |", n, c, p, h}')" || continue
    snapshot+="$row"$'\n'
    p=$((p + $(echo "$row" | awk -F'|' '{print $4 + 0}')))
  done
  if [ "$p" -gt "$best" ]; then best="$p"; printf '%s' "$snapshot" >"$work/fullest.txt"; fi
  sleep 1
done
status=0
wait "$bench_pid" || status=$?
bench_pid=""
grep -v '^\[rollcall' "$work/bench.log" || true

{
  echo
  echo "rollcall-bench --url <${nodes} nodes> ${args[*]}  (exit $status); load: $(uptime | sed 's/.*load/load/')"
  echo "nodes at the fullest moment of the run (names = presences: no name held twice):"
  printf '| node | connections | presences (metas) | names |\n|---|---:|---:|---:|\n'
  cat "$work/fullest.txt" 2>/dev/null || true
  published=0
  for url in "${http[@]}"; do published=$(awk -v a="$published" -v b="$(metric "$url" rollcall_redis_published_total)" 'BEGIN {print a+b}'); done
  echo "messages the nodes published to redis in all: $published"
  if [ "$scenario" = direct ] && [ -f "$work/result.json" ]; then
    python3 - "$work/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]["rollcall"]
sent, delivered = r.get("sent"), r.get("delivered")
if sent is not None and delivered is not None:
    verdict = "exact" if sent == delivered else f"OFF BY {delivered - sent:+.0f}"
    print(f"direct: {delivered:.0f} deliveries for {sent:.0f} sends: {verdict}")
PY
  fi
} | tee "$work/result.txt"
exit "$status"
