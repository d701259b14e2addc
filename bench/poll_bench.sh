#!/usr/bin/env bash
# Poll benchmark: psyncd (--once and daemon) vs mpop (one process and xargs -P 32) and
# fetchmail's daemon, polling 100 to 1000 mostly empty POP3S/STLS mailboxes on a private
# Dovecot through bench/proxy.py at 0 and 20 ms RTT. Prints wall, CPU per link, peak RSS and
# ratios (bench/poll_bench.py says what each run does); exit 1 when a target is missed.
# Bounded to about 15 minutes. Environment: BUILD_DIR (default build); QUICK=1 runs the
# 200-link POP3S workloads only; BASELINE=path/to/other/psyncd adds that build's --once.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target psyncd >/dev/null
work=$(mktemp -d "$PWD/$build/bench-poll.XXXXXX")
cleanup() {
  python3 -m harness.dovecot stop "$work/dv" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export PYTHONPATH="$PWD/tests/integration"
# Up to 1000 links and 32 workers, each with a socket and a proxy pair.
ulimit -n 8192 2>/dev/null || true
args=()
[ "${QUICK:-0}" = 1 ] && args+=(--quick)
[ -n "${BASELINE:-}" ] && args+=(--baseline "$BASELINE")
timeout 900 python3 bench/poll_bench.py "$build/app/psyncd" "$work" "${args[@]}"
