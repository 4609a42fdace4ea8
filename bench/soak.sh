#!/usr/bin/env bash
# The soak (not part of CI; docs/operations.md): Redis + 2 launcher nodes + churning heroes.
#   bench/soak.sh [--duration 10m] [--heroes 5000] [--ramp 60s] [--hold 20s] [--notify-chance 0.02]
#                 [--sample 15s] [--node-jvm "-Xmx1g -XX:+UseG1GC"]
# Needs redis-server on PATH. Builds the dispatch and bench jars when they are missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
java_home="$("$root/bin/find-jdk")"
command -v redis-server >/dev/null || { echo "soak: redis-server is not on PATH (apt-get install redis-server)" >&2; exit 2; }
if [ ! -f dispatch/target/rollcall-dispatch.jar ] || [ ! -f bench/target/rollcall-bench.jar ]; then
  echo "soak: building the dispatch and bench jars..." >&2
  ./mvnw -q -B -ntp -DskipTests -Dspotless.check.skip=true -pl dispatch,bench -am package >&2
fi
# Every connection is a file, twice over here (client and server on one machine).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec "$java_home/bin/java" ${SOAK_JAVA_OPTS:--Xmx2g} --enable-native-access=ALL-UNNAMED \
  -cp bench/target/rollcall-bench.jar dev.rollcall.bench.soak.Soak "$@"
