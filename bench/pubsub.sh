#!/usr/bin/env bash
# PUBLISH throughput with 1 and with 50 subscribers (redis-cli SUBSCRIBE processes that read
# everything), bunredis beside redis-server in the same run, alternating; ratio bunredis/redis.
# Env: ROUNDS (3), N (requests per run, 20000: subscribers that fall behind past the pubsub
# output limit are cut off, as Redis does).
set -u
. "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}
N=${N:-20000}
start_bunredis --mode redis
ref=$(free_port 7600 7999) || exit 2
redis-server --port "$ref" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
ref_pid=$!
subscribers=()
trap 'kill $BUNREDIS_PID $ref_pid "${subscribers[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
wait_port "$ref" 100 || { echo "redis-server did not start" >&2; exit 2; }

rps() { # port -> requests per second of PUBLISH
  redis-benchmark -p "$1" -c 50 -n "$N" -q PUBLISH ch hello-subscribers 2>/dev/null | tr '\r' '\n' | awk '/requests per second/ { for (i = 1; i < NF; i++) if ($(i + 1) == "requests") print $i }' | tail -1
}

printf '%-14s %12s %12s %7s\n' subscribers cand_rps redis_rps ratio
for count in 1 50; do
  while [ "${#subscribers[@]}" -lt $((count * 2)) ]; do
    redis-cli -p "$BUNREDIS_PORT" SUBSCRIBE ch >/dev/null & subscribers+=($!)
    redis-cli -p "$ref" SUBSCRIBE ch >/dev/null & subscribers+=($!)
  done
  until [ "$(redis-cli -p "$BUNREDIS_PORT" PUBSUB NUMSUB ch | tail -1)" = "$count" ] && [ "$(redis-cli -p "$ref" PUBSUB NUMSUB ch | tail -1)" = "$count" ]; do sleep 0.1; done
  cand=(); refs=()
  for ((r = 0; r < ROUNDS; r++)); do
    cand+=("$(rps "$BUNREDIS_PORT")"); refs+=("$(rps "$ref")")
  done
  c=$(median "${cand[@]}"); x=$(median "${refs[@]}")
  printf '%-14s %12.0f %12.0f %7s\n' "$count" "$c" "$x" "$(ratio "$c" "$x")"
done
