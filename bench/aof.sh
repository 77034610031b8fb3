#!/usr/bin/env bash
# Issue 7's write-path rows: SET and INCR (redis-benchmark -c 50, pipeline 1 and 16) with
# appendonly yes, for appendfsync everysec and always, bunredis beside a redis-server with the same
# settings (each in a scratch folder), alternating, median of ROUNDS, ratio bunredis/redis.
# Env: ROUNDS (3), SCALE (1.0), FSYNC ("everysec always").
set -u
. "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}
SCALE=${SCALE:-1}
FSYNC=${FSYNC:-"everysec always"}

rps() { # port test pipeline
  local n=$((100000 * ($3 > 1 ? 4 : 1)))
  benchmark_rps "$1" -n "$(awk -v n="$n" -v s="$SCALE" 'BEGIN { printf "%d\n", n * s }')" -P "$3" -r 100000 -t "$2"
}

printf '%-9s %-5s %3s %12s %12s %7s\n' fsync test P bunredis redis ratio
for fsync in $FSYNC; do
  ours_dir=$(mktemp -d) theirs_dir=$(mktemp -d)
  start_bunredis --appendonly yes --appendfsync "$fsync" --dir "$ours_dir"
  start_reference --appendonly yes --appendfsync "$fsync" --dir "$theirs_dir"
  for test in set incr; do
    for pipeline in 1 16; do
      read -r c x r <<<"$(alternate "$ROUNDS" rps "$test" "$pipeline")"
      printf '%-9s %-5s %3s %12.0f %12.0f %7s\n' "$fsync" "$test" "$pipeline" "$c" "$x" "$r"
    done
  done
  kill "$BUNREDIS_PID" "$REF_PID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$ours_dir" "$theirs_dir"
done
