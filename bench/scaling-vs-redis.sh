#!/usr/bin/env bash
# How per-operation cost grows with collection size, bunredis beside redis-server: for each size
# in SIZES, one sorted set, list, hash and set of that many elements in both servers, then
# redis-benchmark -c 50 -P 16 on random elements of them (ZADD XX, ZRANK, ZRANGEBYSCORE ... LIMIT
# 0 10, LINDEX of the middle element (redis-benchmark's random numbers are zero-padded, which
# LINDEX refuses), HGET, SISMEMBER). A ratio that stays level across sizes means the same complexity
# as Redis. Env: SIZES ("10000 100000 1000000"), ROUNDS (3).
set -u
set -f
. "$(dirname "$0")/lib.sh"
SIZES=${SIZES:-"10000 100000 1000000"}
ROUNDS=${ROUNDS:-3}
start_bunredis
start_reference

fill() { # port size: members named m:%012d (redis-benchmark's __rand_int__ form), scored by index
  awk -v n="$2" 'function cmd(name, key, per,   i, j, line, count) {
      for (i = 0; i < n; i += 1000) {
        count = 0; line = ""
        for (j = i; j < i + 1000 && j < n; j++) {
          m = sprintf("m:%012d", j)
          if (per == 2) line = line "$" length(j "") "\r\n" j "\r\n"
          line = line "$" length(m) "\r\n" m "\r\n"
          count += per
        }
        printf "*%d\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n%s", count + 2, length(name), name, length(key), key, line
      }
    }
    BEGIN { cmd("ZADD", "z", 2); cmd("RPUSH", "l", 1); cmd("HSET", "h", 2); cmd("SADD", "s", 1) }' | redis-cli -p "$1" --pipe >/dev/null
}

rps() { # port size command...
  local port=$1 size=$2
  shift 2
  benchmark_rps "$port" -n 300000 -P 16 -r "$size" "$@"
}

printf '%-10s %-14s %12s %12s %7s\n' size operation bunredis redis ratio
for size in $SIZES; do
  for port in "$BUNREDIS_PORT" "$REF_PORT"; do
    redis-cli -p "$port" FLUSHALL >/dev/null
    fill "$port" "$size"
  done
  while read -r name command; do
    # shellcheck disable=SC2086
    read -r c x r <<<"$(alternate "$ROUNDS" rps "$size" $command)"
    printf '%-10s %-14s %12.0f %12.0f %7s\n' "$size" "$name" "$c" "$x" "$r"
  done <<ROWS
ZADD-XX ZADD z XX __rand_int__ m:__rand_int__
ZRANK ZRANK z m:__rand_int__
ZRANGEBYSCORE ZRANGEBYSCORE z __rand_int__ +inf LIMIT 0 10
LINDEX-middle LINDEX l $((size / 2))
HGET HGET h m:__rand_int__
SISMEMBER SISMEMBER s m:__rand_int__
ROWS
done
