#!/usr/bin/env bash
# Echo mode against a bare Bun.listen echo server (the ceiling for a Bun server), side by side in
# one run: 50 x 64 B depth 1, 50 x 64 B depth 32, 4 x 64 KiB depth 4, 1 x 8 MiB line.
# Prints lines/s, MB/s and the ratio bunredis/reference per row. Env as vs-echo.sh (ROUNDS, SECS).
set -u
. "$(dirname "$0")/lib.sh"
start_bunredis --mode echo
"$SHARED_BENCH/vs-echo.sh" "$BUNREDIS_PORT"
