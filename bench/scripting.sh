#!/usr/bin/env bash
# EVALSHA of a 3-command script (SET, INCR, GET) with redis-benchmark -c 50 -P 1, against bunredis
# and a redis-server started here, alternating servers each round; prints each round, the medians
# and the ratio bunredis/redis. Env: ROUNDS (default 3), N (requests per round, default 100000).
set -u
. "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}
N=${N:-100000}
SCRIPT="redis.call('set', KEYS[1], 'v'); redis.call('incr', KEYS[1]..':n'); return redis.call('get', KEYS[1])"

start_bunredis
ref=$(free_port 7600 7999) || exit 2
redis-server --port "$ref" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
ref_pid=$!
trap 'kill $BUNREDIS_PID $ref_pid 2>/dev/null; wait 2>/dev/null' EXIT
wait_port "$ref" 100 || { echo "redis-server did not start" >&2; exit 2; }

sha=$(redis-cli -p "$BUNREDIS_PORT" SCRIPT LOAD "$SCRIPT")
[ "$(redis-cli -p "$ref" SCRIPT LOAD "$SCRIPT")" = "$sha" ] || { echo "SCRIPT LOAD differs" >&2; exit 1; }

rps() { redis-benchmark -p "$1" -c 50 -n "$N" -P 1 -q EVALSHA "$sha" 1 key 2>/dev/null | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | awk '{print $1}'; }
ours=()
theirs=()
for round in $(seq 1 "$ROUNDS"); do
  r=$(rps "$ref")
  b=$(rps "$BUNREDIS_PORT")
  theirs+=("$r")
  ours+=("$b")
  echo "round $round: redis-server $r rps, bunredis $b rps"
done
r=$(median "${theirs[@]}")
b=$(median "${ours[@]}")
echo "EVALSHA (3 commands) medians: redis-server $r rps, bunredis $b rps, ratio $(ratio "$b" "$r")"
