#!/usr/bin/env bash
# Relay benchmark: 1000 messages relayed by psyncd vs fetchmail's SMTP forwarding, same
# Dovecot, same gateway, one run (bench/relay_bench.py says how). Prints the ratio.
# Environment: BUILD_DIR (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target psyncd >/dev/null
work=$(mktemp -d "$PWD/$build/bench-relay.XXXXXX")
trap 'python3 -m harness.dovecot stop "$work/dv" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export PYTHONPATH="$PWD/tests/integration"
timeout 900 python3 bench/relay_bench.py "$build/app/psyncd" "$work"
