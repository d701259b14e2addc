#!/usr/bin/env bash
# Fetch benchmark: psyncd vs mpop vs fetchmail on the same private Dovecot through
# bench/proxy.py at 0 and 20 ms RTT (10 accounts x 300 x 4 KB, 1 account x 300).
# Prints times and ratios; exit 1 when a target is missed. Bounded to about 6 minutes.
# Environment: BUILD_DIR (default build); BENCH_FS=host to run pass 1 only.
#
# Two passes, one per file system, because the file system decides a lot here:
#  1. the build directory's own file system (on this project's machines an ext4 without a
#     journal, where fsync is cheap and creating a file right after mass deletes is slow:
#     every run therefore writes into a new directory and nothing is removed until the end);
#  2. as root, a fresh loop-mounted ext4 made with mkfs defaults (journaled, as a mail
#     spool usually is), where every fsync waits for a journal commit, which costs tools
#     that fsync each message (mpop) far more than psyncd's one sync per batch.
# Both passes print their figures and ratios; the exit status is 1 when either misses.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j2 --target psyncd >/dev/null
work=$(mktemp -d "$PWD/$build/bench-fetch.XXXXXX")
data=$work/host
mounted=
cleanup() {
  python3 -m harness.dovecot stop "$data/dv" >/dev/null 2>&1 || true
  if [ -n "$mounted" ]; then umount "$work/fs" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export PYTHONPATH="$PWD/tests/integration"
status=0
echo "== pass 1: $(df -T "$work" | awk 'NR==2 {print $2}') under $work (the build directory's file system)"
timeout 300 python3 bench/fetch_bench.py "$build/app/psyncd" "$work/host" || status=1
python3 -m harness.dovecot stop "$work/host/dv" >/dev/null 2>&1 || true
if [ "${BENCH_FS:-both}" != host ] && [ "$(id -u)" = 0 ] && command -v mkfs.ext4 >/dev/null; then
  truncate -s 1G "$work/fs.img"
  mkdir "$work/fs"
  if mkfs.ext4 -q -F "$work/fs.img" && mount -o loop "$work/fs.img" "$work/fs"; then
    mounted=1
    data=$work/fs/run
    echo
    echo "== pass 2: fresh journaled ext4 on a loop device ($work/fs.img)"
    timeout 300 python3 bench/fetch_bench.py "$build/app/psyncd" "$data" || status=1
  fi
fi
[ -n "$mounted" ] || echo "(no pass 2: it needs root, mkfs.ext4 and a loop device; BENCH_FS=host skips it)"
exit $status
