#!/usr/bin/env bash
# Builds and runs the delivery benchmark: 10 000 x 4 KB messages into a Maildir on the disk
# that holds the build directory (not /tmp, which may be tmpfs). Prints messages/s, fsyncs
# per message and CPU per message for unbatched, batched and syncfs delivery.
# Environment: BUILD_DIR (default build), MESSAGES (10000), SIZE (4096), BATCH (100),
# PER_FILE (1000: the two per-file-fsync runs are slow, so they run fewer messages).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target bench_delivery >/dev/null
work=$(mktemp -d "$PWD/$build/bench-delivery.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "file system: $(df -T "$work" | awk 'NR==2 {print $2, $1}')"
"$build/bench/bench_delivery" "$work" "${MESSAGES:-10000}" "${SIZE:-4096}" "${BATCH:-100}" \
  "${PER_FILE:-1000}"
