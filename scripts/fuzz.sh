#!/usr/bin/env bash
# Run one libFuzzer harness for longer than the fuzz-smoke replay does.
#   scripts/fuzz.sh NAME [RUNS]        e.g. scripts/fuzz.sh der 10000000
# Builds build-fuzz (clang, -fsanitize=fuzzer-no-link + address,undefined)
# once, then fuzzes from a scratch copy of tests/fuzz/corpus/NAME so the
# committed seeds stay small. A crash leaves crash-* in the current directory:
# turn it into a unit-test vector. Prints libFuzzer's final stats line.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/fuzz.sh NAME [RUNS]}
runs=${2:-10000000}
scripts/setup.sh
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Dtests=true \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
ninja -C build-fuzz "tests/fuzz/fuzz-$name" >/dev/null
work=fuzz-corpus-work/$name
mkdir -p "$work"
cp -n tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
log=fuzz-corpus-work/$name.log
rc=0
"build-fuzz/tests/fuzz/fuzz-$name" -runs="$runs" -print_final_stats=1 \
  "$work" tests/fuzz/corpus/"$name" >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  tail -n 40 "$log"
  echo "fuzz: $name FAILED (exit $rc); full log: $log"
  exit "$rc"
fi
grep -E '^(Done |stat::number_of_executed_units|stat::peak_rss)' "$log"
