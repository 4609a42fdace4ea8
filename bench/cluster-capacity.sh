#!/usr/bin/env bash
# Cluster capacity (docs/benchmarks.md): heroes spread over N launcher nodes with one real Redis,
# every node's presence list holding all of them. Not part of CI; one run, bounded in time, everything it started
# is killed on exit (trap), also on Ctrl-C or at the time limit.
#   bench/cluster-capacity.sh [nodes=6] [heroes=10000] [ramp-rate=500]
# Environment (optional):
#   NODE_HEAP=1g          -Xmx of each node
#   OBSERVERS=1           extra nodes that get no heroes: they hold only replicated remote
#                         presence entries, so their heap growth is the cost of one remote entry
#   LIMIT=280             seconds for the whole run (hard)
#   RAMP_LIMIT=S         seconds to wait for the generator's ramp before measuring what joined
#                         (default heroes/ramp-rate + 45)
#   HOLD=240s             how long the generator keeps the heroes joined (we stop it earlier)
#   BENCH_ARGS="..."      extra rollcall-bench options (e.g. --workers 6 --sources 4)
# Prints a table: per node heroes seen, local connections, heap after GC before/after, RSS; time
# until every roster agrees after the ramp; Redis commands and published messages per join.
set -euo pipefail
nodes="${1:-6}"
heroes="${2:-10000}"
ramp="${3:-500}"
node_heap="${NODE_HEAP:-1g}"
observers="${OBSERVERS:-1}"
limit="${LIMIT:-280}"
hold="${HOLD:-240s}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source "$root/bench/cluster-nodes.sh"
cluster_init cluster-capacity "$limit"
total=$((nodes + observers))
cluster_start "$total" "$node_heap"
# The generator drives the hero nodes only; observers get no connections.
ws=""
for i in $(seq 0 $((nodes - 1))); do ws="${ws:+$ws,}${http[$i]/http:/ws:}/socket/websocket"; done
echo "cluster-capacity: redis :$redis_port, $nodes nodes + $observers observer(s), -Xmx$node_heap, $heroes heroes at $ramp/s" >&2

declare -a heap0 heap1 rss1 heroes1 conns1
for i in $(seq 0 $((total - 1))); do heap0[$i]="$(heap_after_gc "${node_pid[$i]}")"; done
commands0="$(redis-cli -p "$redis_port" info stats | awk -F: '/^total_commands_processed/ {print $2+0}')"
published0=0
for url in "${http[@]}"; do published0=$(awk -v a="$published0" -v b="$(metric "$url" rollcall_redis_published_total)" 'BEGIN {print a+b}'); done

start="$(now)"
setsid "$root/rollcall-bench" --url "$ws" --scenario capacity --connections "$heroes" \
  --ramp-rate "$ramp" --duration "$hold" --timeout "$((limit + 60))s" ${BENCH_ARGS:-} \
  >"$work/bench.log" 2>&1 &
bench_pid=$!
ramp_limit="${RAMP_LIMIT:-$((heroes / ramp + 45))}"
complete=yes
while ! grep -q 'ramp done' "$work/bench.log"; do
  kill -0 "$bench_pid" 2>/dev/null || { echo "cluster-capacity: generator exited early" >&2; cat "$work/bench.log" >&2; exit 1; }
  if awk -v s="$start" -v n="$(now)" -v l="$ramp_limit" 'BEGIN {exit !(n - s > l)}'; then
    complete="no (ramp limit ${ramp_limit}s: measuring what joined)"; break
  fi
  sleep 1
done
ramp_done="$(now)"
last="$(grep '\] connected' "$work/bench.log" | tail -1)"
echo "$last" >&2
joined="$(echo "$last" | sed -n 's/.* joined \([0-9]*\).*/\1/p')"

# Every node's roster must reach the joined count and all must agree (late joins whose client timed
# out may still be tracked by the server). rollcall_presences counts the lobby's metas cluster-wide,
# one per joined connection; rollcall_heroes counts names, and two heroes may draw the same name.
agreed=""
agree_limit="${AGREE_LIMIT:-60}"
polls=0
while [ -z "$agreed" ]; do
  seen=()
  ok=1
  for url in "${http[@]}"; do
    v="$(metric "$url" rollcall_presences)"; seen+=("${v%.*}")
    [ "${v%.*}" -ge "$joined" ] && [ "${v%.*}" = "${seen[0]}" ] || ok=0
  done
  polls=$((polls + 1))
  [ $((polls % 10)) = 0 ] && echo "cluster-capacity: rosters ${seen[*]} (waiting for ${joined}+, all equal)" >&2
  if [ "$ok" = 1 ]; then agreed="$(now)"
  elif awk -v r="$ramp_done" -v n="$(now)" -v l="$agree_limit" 'BEGIN {exit !(n - r > l)}'; then
    agreed=never; echo "cluster-capacity: rosters did not agree within ${agree_limit}s" >&2
  else sleep 0.5; fi
done
echo "cluster-capacity: rosters ${seen[*]}" >&2
[ "$agreed" = never ] || joined="${seen[0]}"

for i in $(seq 0 $((total - 1))); do
  heroes1[$i]="$(metric "${http[$i]}" rollcall_presences)"
  conns1[$i]="$(metric "${http[$i]}" rollcall_connections)"
done
commands1="$(redis-cli -p "$redis_port" info stats | awk -F: '/^total_commands_processed/ {print $2+0}')"
published1=0
for url in "${http[@]}"; do published1=$(awk -v a="$published1" -v b="$(metric "$url" rollcall_redis_published_total)" 'BEGIN {print a+b}'); done
for i in $(seq 0 $((total - 1))); do heap1[$i]="$(heap_after_gc "${node_pid[$i]}")"; rss1[$i]="$(rss "${node_pid[$i]}")"; done

{
  printf '\n%d nodes + %d observer(s), -Xmx%s, %d heroes asked, %d in every roster, ramp %d/s, ramp complete: %s\n' \
    "$nodes" "$observers" "$node_heap" "$heroes" "$joined" "$ramp" "$complete"
  awk -v s="$start" -v r="$ramp_done" -v a="$agreed" -v l="$agree_limit" -v seen="${seen[*]}" 'BEGIN {
    if (a == "never") printf "ramp %.1f s; rosters did NOT agree within %d s after the ramp: %s\n", r - s, l, seen;
    else printf "ramp %.1f s; every roster agreed %.2f s after the ramp\n", r - s, a - r }'
  printf '| node | local conns | presences in roster | heap after GC before | after | delta | RSS |\n|---|---:|---:|---:|---:|---:|---:|\n'
  for i in $(seq 0 $((total - 1))); do
    role="n$((i + 1))"; [ "$i" -ge "$nodes" ] && role="$role (observer)"
    awk -v n="$role" -v c="${conns1[$i]}" -v h="${heroes1[$i]}" -v b="${heap0[$i]}" -v a="${heap1[$i]}" -v r="${rss1[$i]}" 'BEGIN {
      printf "| %s | %d | %d | %.1f MB | %.1f MB | %.1f MB | %.0f MB |\n", n, c, h, b/1048576, a/1048576, (a-b)/1048576, r/1048576 }'
  done
  # Per remote entry: an observer's growth over the heroes it sees (all remote). Per local
  # connection: a hero node's growth minus its remote entries at that cost, over its connections.
  obs_delta=0
  for i in $(seq "$nodes" $((total - 1))); do obs_delta=$((obs_delta + heap1[i] - heap0[i])); done
  remote_cost=0
  [ "$observers" -gt 0 ] && remote_cost=$(awk -v d="$obs_delta" -v o="$observers" -v j="$joined" 'BEGIN {print d/o/j}')
  local_sum=0; conn_sum=0
  for i in $(seq 0 $((nodes - 1))); do
    local_sum=$(awk -v s="$local_sum" -v d="$((heap1[i] - heap0[i]))" -v c="${conns1[$i]%.*}" -v h="${heroes1[$i]%.*}" -v rc="$remote_cost" \
      'BEGIN {print s + d - (h - c) * rc}')
    conn_sum=$((conn_sum + ${conns1[$i]%.*}))
  done
  awk -v rc="$remote_cost" -v ls="$local_sum" -v cs="$conn_sum" -v o="$observers" 'BEGIN {
    if (o > 0) printf "heap per replicated remote presence entry: %.0f B (observer nodes)\n", rc;
    if (cs > 0 && o > 0) printf "heap per local connection (hero nodes, remote entries subtracted): %.0f B\n", ls / cs }'
  awk -v c0="$commands0" -v c1="$commands1" -v p0="$published0" -v p1="$published1" -v j="$joined" 'BEGIN {
    printf "redis: %d commands processed during the ramp (%.2f per join); nodes published %d messages (%.2f per join)\n",
      c1 - c0, (c1 - c0) / j, p1 - p0, (p1 - p0) / j }'
} | tee "$work/result.txt"
