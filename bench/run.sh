#!/usr/bin/env bash
# Every benchmark, one after another: Redis mode vs redis-server, then echo mode vs bare Bun.
set -u
here=$(dirname "$0")
bash "$here/redis.sh"
bash "$here/echo.sh"
