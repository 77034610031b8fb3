#!/usr/bin/env bash
# Every benchmark, one after another.
set -u
here=$(dirname "$0")
bash "$here/echo.sh"
