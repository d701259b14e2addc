#!/usr/bin/env bash
# Builds and runs bench/bench_store_uring.cpp: the store's system calls one at a time against
# io_uring, on a fresh journaled ext4 on a loop device (as root; the file system pass 2 of
# bench/fetch_bench.sh uses), else on the build directory's file system. Needs liburing-dev.
# Environment: BUILD_DIR (default build), MESSAGES (3000), SIZE (4096), BATCH (300), ROUNDS (5).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
if ! cmake --build "$build" -j2 --target bench_store_uring >/dev/null 2>&1; then
  echo "bench_store_uring is not built: install liburing-dev and run cmake again" >&2
  exit 1
fi
work=$(mktemp -d "$PWD/$build/bench-uring.XXXXXX")
mounted=
cleanup() {
  if [ -n "$mounted" ]; then umount "$work/fs" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
dir=$work/host
if [ "$(id -u)" = 0 ] && command -v mkfs.ext4 >/dev/null; then
  truncate -s 1G "$work/fs.img"
  mkdir "$work/fs"
  if mkfs.ext4 -q -F "$work/fs.img" && mount -o loop "$work/fs.img" "$work/fs"; then
    mounted=1
    dir=$work/fs/run
  fi
fi
echo "file system: $(df -T "$(dirname "$dir")" | awk 'NR==2 {print $2, $1}')"
"$build/bench/bench_store_uring" "$dir" "${MESSAGES:-3000}" "${SIZE:-4096}" "${BATCH:-300}" \
  "${ROUNDS:-5}"
