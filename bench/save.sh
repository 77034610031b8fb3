#!/usr/bin/env bash
# Issue 7's snapshot rows, bunredis beside redis-server (each in a scratch folder):
#  1. BGSAVE and BGREWRITEAOF of KEYS (1,000,000) keys while redis-benchmark GETs at -c 50: the
#     benchmark's p99 and max latency (the longest stall a client saw) during the save, and the
#     same without a save as the baseline;
#  2. the time to load that RDB file at start-up (spawn to the first PONG that is not -LOADING).
# Env: KEYS (1000000).
set -u
. "$(dirname "$0")/lib.sh"
KEYS=${KEYS:-1000000}
ours_dir=$(mktemp -d) theirs_dir=$(mktemp -d)
trap 'rm -rf "$ours_dir" "$theirs_dir"' EXIT
start_bunredis --dir "$ours_dir"
start_reference --dir "$theirs_dir"
trap 'kill $BUNREDIS_PID $REF_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$ours_dir" "$theirs_dir"' EXIT

fill() { # port: KEYS keys of 32-byte values, 1000 per MSET
  awk -v n="$KEYS" 'BEGIN { v = "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"; for (i = 0; i < n; i += 1000) { line = "*2001\r\n$4\r\nMSET\r\n"; for (j = i; j < i + 1000 && j < n; j++) { k = "key:" j; line = line "$" length(k) "\r\n" k "\r\n$32\r\n" v "\r\n" } printf "%s", line } }' | redis-cli -p "$1" --pipe >/dev/null
}
fill "$BUNREDIS_PORT"
fill "$REF_PORT"

latency() { # port [save command]: "p99 max" in ms of a GET run, with the save started as it begins
  local out
  out=$(mktemp)
  redis-benchmark -p "$1" -c 50 -n 600000 -r "$KEYS" -t get > "$out" 2>/dev/null &
  local bench=$!
  if [ -n "${2:-}" ]; then
    sleep 0.2
    redis-cli -p "$1" "$2" >/dev/null
    until redis-cli -p "$1" INFO persistence | grep -q '^rdb_bgsave_in_progress:0' && redis-cli -p "$1" INFO persistence | grep -q '^aof_rewrite_in_progress:0'; do sleep 0.05; done
  fi
  wait "$bench"
  # redis-benchmark's summary: avg min p50 p95 p99 max
  awk '/latency summary/ { getline; getline; print $5, $6 }' "$out"
  rm -f "$out"
}

printf '%-14s %-10s %10s %10s\n' save server p99_ms max_ms
for save in none BGSAVE BGREWRITEAOF; do
  command=$save; [ "$save" = none ] && command=""
  read -r p m <<<"$(latency "$BUNREDIS_PORT" "$command")"; printf '%-14s %-10s %10s %10s\n' "$save" bunredis "$p" "$m"
  read -r p m <<<"$(latency "$REF_PORT" "$command")"; printf '%-14s %-10s %10s %10s\n' "$save" redis "$p" "$m"
done

# Load time: save, stop, start again on the same folder and time until PING answers PONG.
redis-cli -p "$BUNREDIS_PORT" SAVE >/dev/null
redis-cli -p "$REF_PORT" SAVE >/dev/null
redis-cli -p "$BUNREDIS_PORT" SHUTDOWN NOSAVE >/dev/null 2>&1
redis-cli -p "$REF_PORT" SHUTDOWN NOSAVE >/dev/null 2>&1
wait 2>/dev/null
ready_after() { # port: seconds until PING answers PONG
  local start
  start=$(date +%s.%N)
  until [ "$(redis-cli -p "$1" PING 2>/dev/null)" = PONG ]; do sleep 0.01; done
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f\n", b - a }'
}
start=$(date +%s.%N)
bun run "$bench_root/src/index.ts" --bind 127.0.0.1 --port "$BUNREDIS_PORT" --log-dir "" --loglevel warning --save "" --dir "$ours_dir" &
BUNREDIS_PID=$!
ours=$(ready_after "$BUNREDIS_PORT")
redis-server --port "$REF_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$theirs_dir" >/dev/null &
REF_PID=$!
theirs=$(ready_after "$REF_PORT")
echo "load of $KEYS keys (RDB $(stat -c %s "$ours_dir/dump.rdb") / $(stat -c %s "$theirs_dir/dump.rdb") bytes): bunredis ${ours}s, redis-server ${theirs}s"
