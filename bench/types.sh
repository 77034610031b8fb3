#!/usr/bin/env bash
# Issue 6's benchmark rows: SETBIT, BITCOUNT of a 1 MB bitmap, PFADD, PFCOUNT, GEOADD, GEOSEARCH,
# XADD, XREADGROUP with redis-benchmark -c 50 at pipeline 1 and 16, bunredis beside a
# redis-server started here; servers alternate each round (order flipped), median of ROUNDS,
# ratio bunredis/redis. Env: ROUNDS (3), SCALE (1.0, multiplies every -n), ROWS (all).
set -u
# Commands are split into words unquoted below: no globbing of XADD's `*`.
set -f
. "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-3}
SCALE=${SCALE:-1}
ROWS=${ROWS:-"SETBIT BITCOUNT PFADD PFCOUNT GEOADD GEOSEARCH XADD XREADGROUP"}

start_bunredis
start_reference

# The same data in both: a 1 MB bitmap, an HLL, 10,000 points, a stream for XREADGROUP.
GEO_FILL="for i = 1, 10000 do redis.call('GEOADD', KEYS[1], 12 + (i * 7919 % 4000) / 1000, 36 + (i * 104729 % 4000) / 1000, 'p' .. i) end return 1"
STREAM_FILL="for i = 1, 100000 do redis.call('XADD', KEYS[1], '*', 'field', 'value') end return 1"
for port in "$BUNREDIS_PORT" "$REF_PORT"; do
  redis-cli -p "$port" FLUSHALL >/dev/null
  redis-cli -p "$port" SETRANGE big 1048575 x >/dev/null
  redis-cli -p "$port" EVAL "for i = 0, 1048575, 3 do redis.call('SETRANGE', KEYS[1], i, 'abc') end return 1" 1 big >/dev/null
  redis-cli -p "$port" PFADD hll a b c d e f g >/dev/null
  redis-cli -p "$port" EVAL "$GEO_FILL" 1 geo >/dev/null
  redis-cli -p "$port" EVAL "$STREAM_FILL" 1 queue >/dev/null
done

command_for() { # row -> the redis-benchmark command
  case $1 in
    SETBIT) echo "SETBIT bits:__rand_int__ 1000 1" ;;
    BITCOUNT) echo "BITCOUNT big" ;;
    PFADD) echo "PFADD hll __rand_int__" ;;
    PFCOUNT) echo "PFCOUNT hll" ;;
    GEOADD) echo "GEOADD points 13.361389 38.115556 m:__rand_int__" ;;
    GEOSEARCH) echo "GEOSEARCH geo FROMLONLAT 14 38 BYRADIUS 50 km ASC COUNT 10" ;;
    XADD) echo "XADD stream MAXLEN ~ 100000 * field value" ;;
    XREADGROUP) echo "XREADGROUP GROUP g c COUNT 1 STREAMS queue >" ;;
  esac
}
n_for() { # row pipeline -> requests
  local n
  case $1 in BITCOUNT) n=20000 ;; GEOSEARCH) n=100000 ;; XREADGROUP) n=90000 ;; *) n=150000 ;; esac
  [ "$2" -gt 1 ] && [ "$1" != XREADGROUP ] && [ "$1" != BITCOUNT ] && n=$((n * 4))
  awk -v n="$n" -v s="$SCALE" 'BEGIN { printf "%d\n", n * s }'
}
prepare() { # row port: state each measurement starts from
  [ "$1" = XREADGROUP ] || return 0
  redis-cli -p "$2" XGROUP DESTROY queue g >/dev/null
  redis-cli -p "$2" XGROUP CREATE queue g 0 >/dev/null
}
rps() { # port row pipeline
  prepare "$2" "$1"
  # shellcheck disable=SC2046
  benchmark_rps "$1" -n "$(n_for "$2" "$3")" -P "$3" -r 100000 $(command_for "$2")
}

printf '%-11s %3s %12s %12s %7s\n' row P bunredis redis ratio
for row in $ROWS; do
  for pipeline in 1 16; do
    read -r c x r <<<"$(alternate "$ROUNDS" rps "$row" "$pipeline")"
    printf '%-11s %3s %12.0f %12.0f %7s\n' "$row" "$pipeline" "$c" "$x" "$r"
  done
done
