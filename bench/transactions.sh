#!/usr/bin/env bash
# MULTI/EXEC of 5 commands (bench/transactions-load.ts: 50 clients, one transaction in flight
# each), against bunredis and a redis-server started here, alternating servers each round; prints
# each round, the medians and the ratio bunredis/redis. Env: ROUNDS (default 3), ROUND_SECONDS (3).
set -u
. "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}
SECONDS_PER_ROUND=${ROUND_SECONDS:-3}

start_bunredis
ref=$(free_port 7600 7999) || exit 2
redis-server --port "$ref" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
ref_pid=$!
trap 'kill $BUNREDIS_PID $ref_pid 2>/dev/null; wait 2>/dev/null' EXIT
wait_port "$ref" 100 || { echo "redis-server did not start" >&2; exit 2; }

tps() { bun "$bench_root/bench/transactions-load.ts" "$1" 50 "$SECONDS_PER_ROUND"; }
ours=()
theirs=()
for round in $(seq 1 "$ROUNDS"); do
  r=$(tps "$ref")
  b=$(tps "$BUNREDIS_PORT")
  theirs+=("$r")
  ours+=("$b")
  echo "round $round: redis-server $r tx/s, bunredis $b tx/s"
done
c=$(median "${ours[@]}"); x=$(median "${theirs[@]}")
echo "MULTI/EXEC of 5: bunredis $c tx/s, redis-server $x tx/s, ratio $(ratio "$c" "$x")"
