# shellcheck shell=bash
# Helpers for the benchmark scripts: where the shared comparison scripts are, and starting
# bunredis on a free port for the length of a run.

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The side-by-side scripts (vs-redis.sh, vs-echo.sh, mem.sh) live in the shared folder beside the
# repository; SHARED_BENCH points elsewhere.
SHARED_BENCH=${SHARED_BENCH:-$bench_root/../shared/bench}
[ -f "$SHARED_BENCH/lib.sh" ] || { echo "no comparison scripts at $SHARED_BENCH (set SHARED_BENCH)" >&2; exit 2; }
# shellcheck source=/dev/null
. "$SHARED_BENCH/lib.sh"

# start_bunredis ARGS... : starts bunredis on a free port in 7000-7599; sets BUNREDIS_PORT/PID
start_bunredis() {
  BUNREDIS_PORT=$(free_port 7000 7599) || exit 2
  bun run "$bench_root/src/index.ts" --bind 127.0.0.1 --port "$BUNREDIS_PORT" --log-dir "" --loglevel warning "$@" &
  BUNREDIS_PID=$!
  trap 'kill $BUNREDIS_PID 2>/dev/null; wait $BUNREDIS_PID 2>/dev/null' EXIT
  wait_port "$BUNREDIS_PORT" 100 || { echo "bunredis did not start" >&2; exit 2; }
}
