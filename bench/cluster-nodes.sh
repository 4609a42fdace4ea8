# Sourced by the cluster benchmarks (cluster-capacity.sh, cluster-run.sh): one real redis-server and
# N dispatch nodes on free loopback ports, helpers to read them, and a cleanup that kills everything
# started here (redis, nodes, the generator's process group, the watchdog) on any exit, Ctrl-C or
# time limit. Not a script of its own.
#
#   source "$root/bench/cluster-nodes.sh"
#   cluster_init NAME LIMIT     # work dir, traps, a watchdog that ends the run after LIMIT seconds
#   cluster_start N HEAP [redis|none]  # redis + N nodes, waits until each serves /metrics;
#                               # none: one node on its in-process PubSub (no --redis), to compare
#   -> redis_port, http[i] (http://127.0.0.1:P), node_pid[i], cluster_ws (ws URLs, comma-separated),
#      work (logs), bench_pid (set it to a process group leader started with setsid, to be killed)
# Needs redis-server (PATH) and python3 (free ports); builds the dispatch jar if it is missing.
# DISPATCH_JAR=path runs another build of the nodes (an A/B against an older commit).

cluster_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_home="$("$cluster_root/bin/find-jdk")"
jcmd="$java_home/bin/jcmd"
pids=()
http=()
node_pid=()
bench_pid=""
watchdog=""

dispatch_jar="${DISPATCH_JAR:-$cluster_root/dispatch/target/rollcall-dispatch.jar}"

cluster_init() { # name limit-seconds
  cluster_name="$1"
  command -v redis-server >/dev/null || { echo "$cluster_name: redis-server is not on PATH" >&2; exit 2; }
  if [ ! -f "$dispatch_jar" ]; then
    echo "$cluster_name: building the dispatch jar..." >&2
    (cd "$cluster_root" && ./mvnw -q -B -ntp -DskipTests -Dspotless.check.skip=true -pl dispatch -am package) >&2
  fi
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  work="$(mktemp -d "/tmp/$cluster_name.XXXXXX")"
  trap cluster_cleanup EXIT
  trap 'exit 130' INT TERM
  # Hard time limit: the watchdog signals this script, whose trap stops everything.
  # (cleanup kills its sleep too, which would otherwise hold our stdout open)
  ( sleep "$2" </dev/null; echo "$cluster_name: time limit ${2}s reached" >&2; kill -TERM $$ ) &
  watchdog=$!
}

cluster_cleanup() {
  trap - EXIT INT TERM
  [ -n "$bench_pid" ] && kill -TERM -- "-$bench_pid" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Bounded: wait up to 5 s for everything to exit, then SIGKILL what is left.
  for _ in $(seq 1 25); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ -n "$bench_pid" ] && kill -0 -- "-$bench_pid" 2>/dev/null && alive=1
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  [ -n "$bench_pid" ] && kill -KILL -- "-$bench_pid" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [ -n "$watchdog" ]; then
    # The watchdog first (it would report its killed sleep), then its sleep; both may be gone.
    local sleeper
    sleeper="$(pgrep -P "$watchdog" 2>/dev/null || true)"
    kill "$watchdog" 2>/dev/null || true
    [ -n "$sleeper" ] && kill $sleeper 2>/dev/null || true
    wait "$watchdog" 2>/dev/null || true
  fi
  echo "$cluster_name: stopped everything it started (logs in $work)" >&2
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
now() { date +%s.%N; }
metric() { # url name -> value (0 when absent)
  curl -fsS --max-time 20 "$1/metrics" 2>/dev/null | awk -v n="$2" '$1==n {print $2; f=1} END {if (!f) print 0}'
}
heap_after_gc() { # pid -> bytes used after a full GC
  "$jcmd" "$1" GC.run >/dev/null
  "$jcmd" "$1" GC.heap_info | sed -n 's/.*used \([0-9]*\)K.*/\1/p' | head -1 | awk '{print $1*1024}'
}
rss() { awk '/VmRSS/ {print $2*1024}' "/proc/$1/status"; }

cluster_start() { # nodes heap [redis|none]
  local i port url ws="" redis_args=()
  redis_port=""
  if [ "${3:-redis}" != none ]; then
    redis_port="$(free_port)"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
    pids+=($!)
    redis_args=(--redis "redis://127.0.0.1:$redis_port")
  fi
  for i in $(seq 1 "$1"); do
    port="$(free_port)"
    "$java_home/bin/java" "-Xmx$2" -XX:+UseG1GC -jar "$dispatch_jar" \
      --port "$port" --host 127.0.0.1 "${redis_args[@]}" --node "n$i" \
      --notify-interval 1h >"$work/n$i.log" 2>&1 &
    pids+=($!); node_pid+=($!); http+=("http://127.0.0.1:$port")
  done
  for url in "${http[@]}"; do
    for _ in $(seq 1 120); do curl -fsS --max-time 2 "$url/metrics" >/dev/null 2>&1 && break; sleep 0.5; done
    curl -fsS --max-time 2 "$url/metrics" >/dev/null || { echo "$cluster_name: $url did not start" >&2; exit 1; }
  done
  for url in "${http[@]}"; do ws="${ws:+$ws,}${url/http:/ws:}/socket/websocket"; done
  cluster_ws="$ws"
}
