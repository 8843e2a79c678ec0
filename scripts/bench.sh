#!/usr/bin/env bash
# Run the benchmarks in full (CI only smoke-runs them). Each prints its own
# baseline, measured in the same run, and ratios against it; none asserts
# a time. Machines here are shared: compare ratios, and run twice.
# Usage: scripts/bench.sh [NAME...]   (NAME: blob cache der connect blob-build)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build-bench -Dtests=true -Dbuildtype=release
export JT_PKI_DIR=$PWD/build-bench/tests/pki/out
export JT_MOZILLA_DIR=/usr/share/ca-certificates/mozilla
ninja -C build-bench tests/pki/pki.stamp >/dev/null
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(der blob cache connect blob-build)
for n in "${names[@]}"; do
  echo "== bench $n"
  case $n in
    blob-build) tests/bench/bench-blob-build.sh build-bench/blob/jt-blob ;;
    *) "build-bench/tests/bench/bench-$n" ;;
  esac
done
