#!/usr/bin/env bash
# Fetch benchmark: psyncd vs mpop vs fetchmail on the same private Dovecot through
# bench/proxy.py at 0 and 20 ms RTT (10 accounts x 300 x 4 KB, 1 account x 300).
# Prints times and ratios; exit 1 when a target is missed. Bounded to about 3 minutes.
# Environment: BUILD_DIR (default build); BENCH_FS=host to skip the scratch file system.
#
# Why a scratch file system: on an ext4 without a journal (this project's build machines
# have one as /), creating a file scans past every inode deleted in the last minute or so,
# so each run gets slower the more files the runs before it removed (3000-message runs went
# from 0.37 s to 1.8 s in a row). Whoever ran after the biggest delete lost. As root the
# bench therefore works on a fresh loop-mounted ext4 made with mkfs defaults (journaled, as
# a mail spool would be); otherwise it warns and uses the build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target psyncd >/dev/null
work=$(mktemp -d "$PWD/$build/bench-fetch.XXXXXX")
data=$work
mounted=
cleanup() {
  python3 -m harness.dovecot stop "$data/dv" >/dev/null 2>&1 || true
  if [ -n "$mounted" ]; then umount "$work/fs" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export PYTHONPATH="$PWD/tests/integration"
if [ "${BENCH_FS:-scratch}" != host ] && [ "$(id -u)" = 0 ] && command -v mkfs.ext4 >/dev/null; then
  truncate -s 1G "$work/fs.img"
  mkdir "$work/fs"
  if mkfs.ext4 -q -F "$work/fs.img" && mount -o loop "$work/fs.img" "$work/fs"; then
    mounted=1
    data=$work/fs/run
    mkdir "$data"
    echo "file system: fresh ext4 on a loop device ($work/fs.img)"
  fi
fi
[ -n "$mounted" ] || echo "file system: $(df -T "$work" | awk 'NR==2 {print $2}') under $work (no scratch ext4: figures may drift, see the comment in this script)"
timeout 300 python3 bench/fetch_bench.py "$build/app/psyncd" "$data"
