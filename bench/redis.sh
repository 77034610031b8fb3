#!/usr/bin/env bash
# Redis mode against a real redis-server in the same run: redis-benchmark -c 50 at -P 1 and -P 16
# for each test (alternating servers every round), the ratio bunredis/redis per row; then memory
# per key for 1,000,000 32-byte string values, bunredis beside redis-server.
# Env: TESTS (default: the string-keyspace rows), SETTINGS, ROUNDS, SCALE as vs-redis.sh;
#      MEMORY=0 skips the memory comparison; N (keys for the memory comparison).
set -u
. "$(dirname "$0")/lib.sh"
export TESTS=${TESTS:-"PING_INLINE PING_MBULK SET GET INCR MSET"}
start_bunredis --mode redis
"$SHARED_BENCH/vs-redis.sh" "$BUNREDIS_PORT"
status=$?

if [ "${MEMORY:-1}" = 1 ]; then
  echo
  echo "memory: bunredis (port $BUNREDIS_PORT)"
  WHICH=strings "$SHARED_BENCH/mem.sh" "$BUNREDIS_PORT" "$BUNREDIS_PID"
  ref=$(free_port 7600 7999) || exit 2
  redis-server --port "$ref" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
  ref_pid=$!
  trap 'kill $BUNREDIS_PID $ref_pid 2>/dev/null; wait 2>/dev/null' EXIT
  wait_port "$ref" 100 || { echo "redis-server did not start" >&2; exit 2; }
  echo "memory: redis-server (port $ref)"
  WHICH=strings "$SHARED_BENCH/mem.sh" "$ref" "$ref_pid"
fi
exit $status
