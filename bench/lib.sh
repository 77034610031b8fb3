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

# start_bunredis ARGS... : starts bunredis on a free port in 7000-7599 with no save points and its
# files in a scratch folder (ARGS may override both, like the reference's); sets BUNREDIS_PORT/PID
start_bunredis() {
  BUNREDIS_PORT=$(free_port 7000 7599) || exit 2
  BUNREDIS_DIR=$(mktemp -d)
  bun run "$bench_root/src/index.ts" --bind 127.0.0.1 --port "$BUNREDIS_PORT" --log-dir "" --loglevel warning --save "" --dir "$BUNREDIS_DIR" "$@" &
  BUNREDIS_PID=$!
  trap 'kill $BUNREDIS_PID 2>/dev/null; wait $BUNREDIS_PID 2>/dev/null' EXIT
  wait_port "$BUNREDIS_PORT" 100 || { echo "bunredis did not start" >&2; exit 2; }
}

# start_reference ARGS... : starts redis-server on a free port in 7600-7999 with ARGS (after
# --save "" --appendonly no, so ARGS may override them); sets REF_PORT/REF_PID; stops both servers on exit
start_reference() {
  REF_PORT=$(free_port 7600 7999) || exit 2
  redis-server --port "$REF_PORT" --bind 127.0.0.1 --save "" --appendonly no "$@" >/dev/null &
  REF_PID=$!
  trap 'kill $BUNREDIS_PID $REF_PID 2>/dev/null; wait 2>/dev/null' EXIT
  wait_port "$REF_PORT" 100 || { echo "redis-server did not start" >&2; exit 2; }
}

# benchmark_rps PORT ARGS... : requests per second of one redis-benchmark -c 50 run (-q) with ARGS
benchmark_rps() {
  local port=$1
  shift
  redis-benchmark -p "$port" -c 50 -q "$@" 2>/dev/null | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | awk '{print $1}'
}

# alternate ROUNDS FN ARGS... : runs "FN PORT ARGS" against bunredis and the reference in turn
# (order flipped each round, so both see the same machine noise); prints "ours theirs ratio"
# from the medians
alternate() {
  local rounds=$1 fn=$2 round
  shift 2
  local ours=() theirs=()
  for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then
      ours+=("$("$fn" "$BUNREDIS_PORT" "$@")"); theirs+=("$("$fn" "$REF_PORT" "$@")")
    else
      theirs+=("$("$fn" "$REF_PORT" "$@")"); ours+=("$("$fn" "$BUNREDIS_PORT" "$@")")
    fi
  done
  local c x
  c=$(median "${ours[@]}"); x=$(median "${theirs[@]}")
  echo "$c $x $(ratio "$c" "$x")"
}
