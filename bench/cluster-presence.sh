#!/usr/bin/env bash
# The replication half of cluster capacity (docs/benchmarks.md), without sockets: N trackers over
# one real redis-server track H presences between them until every node's list holds all of them, then one
# node crashes. See ClusterPresenceCapacity. Bounded; redis-server is killed on exit.
#   bench/cluster-presence.sh [nodes=6] [presences=100000] [tracks-per-second=20000]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
java="$("$root/bin/find-jdk")/bin/java"
command -v redis-server >/dev/null || { echo "cluster-presence: redis-server is not on PATH" >&2; exit 2; }
if [ ! -f bench/target/rollcall-bench.jar ]; then
  ./mvnw -q -B -ntp -pl bench -am package -DskipTests
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
redis=$!
trap 'kill $redis 2>/dev/null || true' EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
timeout 600 "$java" -Xms3g -Xmx3g --enable-native-access=ALL-UNNAMED \
  -cp "bench/target/rollcall-bench.jar:bench/target/lib/*" \
  dev.rollcall.bench.presence.ClusterPresenceCapacity "redis://127.0.0.1:$port" "${1:-6}" "${2:-100000}" "${3:-20000}"
