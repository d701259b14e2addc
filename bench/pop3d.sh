#!/usr/bin/env bash
# POP3 serving benchmark: psyncd's server vs a private Dovecot, same load driver (bench/pop3_load), one run.
# Environment: BUILD_DIR (default build), SECONDS_PER_PHASE (4), IDLE_SESSIONS (2000), USERS (50),
# DRIVER (cpp|python), DRIVERS (1 for cpp), FULL_CLIENTS (4), POP3D_THREADS (one per CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target psyncd-pop3d-test pop3_load >/dev/null
PSYNCD_BINARY_DIR="$PWD/$build" exec python3 bench/pop3d_bench.py
