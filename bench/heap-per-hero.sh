#!/usr/bin/env bash
# Heap per idle, joined and presence-tracked hero, by class and by owner (docs/benchmarks.md,
# Capacity). Not part of CI. For each of N and 2N: a fresh dispatch server, N summary-presence
# heroes from ./rollcall-bench --scenario capacity, then once they are quiet a class histogram
# (jcmd GC.class_histogram forces a full GC) and a heap dump of live objects. The figures are the
# differences between the two, divided by N, so what a node holds whatever its size cancels out.
#   bench/heap-per-hero.sh [N (default 5000)] [output directory (default target/heap-per-hero)]
# Needs python3 for the owner table (bench/heap-owners.py). Builds the jars when they are missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
n="${1:-5000}"
out="${2:-target/heap-per-hero}"
java_home="$("$root/bin/find-jdk")"
mkdir -p "$out"
if [ ! -f dispatch/target/rollcall-dispatch.jar ] || [ ! -f bench/target/rollcall-bench.jar ]; then
  echo "heap-per-hero: building the dispatch and bench jars..." >&2
  ./mvnw -q -B -ntp -DskipTests -Dspotless.check.skip=true -pl dispatch,bench -am package >&2
fi

measure() {
  local heroes="$1" port log pid bench
  port=$((20000 + RANDOM % 20000))
  log="$out/$heroes"
  "$java_home/bin/java" -Xmx2g -jar dispatch/target/rollcall-dispatch.jar \
    --port "$port" --host 127.0.0.1 --notify-interval 1h >"$log.server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
  ./rollcall-bench --url "ws://127.0.0.1:$port/socket/websocket" --server-pid "$pid" \
    --scenario capacity --presence summary --connections "$heroes" --ramp-rate 500 --workers 2 \
    --duration 90s --timeout 200s >"$log.bench.log" 2>&1 &
  bench=$!
  for _ in $(seq 1 400); do grep -q 'ramp done' "$log.bench.log" && break; sleep 0.5; done
  grep 'ramp done' "$log.bench.log" >&2 || true
  sleep 15 # the joins' frames are written and collected; the heroes only heartbeat from here on
  "$java_home/bin/jcmd" "$pid" GC.class_histogram >"$log.histogram.txt"
  rm -f "$log.hprof"
  "$java_home/bin/jcmd" "$pid" GC.heap_dump "$log.hprof" >/dev/null
  kill "$bench" 2>/dev/null || true
  wait "$bench" 2>/dev/null || true
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

measure "$n"
measure $((2 * n))
python3 bench/heap-owners.py "$out/$n" "$out/$((2 * n))" "$n"
