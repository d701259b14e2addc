#!/usr/bin/env bash
# Fetch benchmark: psyncd vs mpop vs fetchmail on the same private Dovecot through
# bench/proxy.py at 0 and 20 ms RTT (10 accounts x 300 x 4 KB, 1 account x 300).
# Prints times and ratios; exit 1 when a target is missed. Bounded to about 3 minutes.
# Environment: BUILD_DIR (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target psyncd >/dev/null
work=$(mktemp -d "$PWD/$build/bench-fetch.XXXXXX")
trap 'python3 -m harness.dovecot stop "$work/dv" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export PYTHONPATH="$PWD/tests/integration"
timeout 300 python3 bench/fetch_bench.py "$build/app/psyncd" "$work"
