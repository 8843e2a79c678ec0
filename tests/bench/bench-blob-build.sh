#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench: jt-blob build over the system Mozilla roots. Prints the build time
# (full + index-only in one run, best of N) and the sizes of the full,
# index-only and libwebsockets TBLB v1 blobs, with ratios against baselines
# measured in the same run: time against the independent TBLB generator
# (tests/unit/gen-tblb.py, a plain concatenation), sizes against the sum of
# the DER certificates. Never asserts a time.
# Usage: bench-blob-build.sh JT_BLOB [--smoke]
set -euo pipefail
B=$(readlink -f "${1:?usage: bench-blob-build.sh JT_BLOB [--smoke]}")
runs=10
[ "${2:-}" = --smoke ] && runs=1
here=$(cd "$(dirname "$0")" && pwd)
src=${JT_SOURCE_ROOT:-$here/../..}
MOZ=${JT_MOZILLA_DIR:-/usr/share/ca-certificates/mozilla}
T=$(mktemp -d /tmp/jt-bench-blob.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"

now() { date +%s%N; }
best() { # best wall time in ms of running "$@" $runs times
  local b=0 t0 t
  for _ in $(seq "$runs"); do
    t0=$(now); "$@" >/dev/null 2>&1; t=$((($(now) - t0) / 1000))
    { [ "$b" = 0 ] || [ "$t" -lt "$b" ]; } && b=$t
  done
  echo "$b"
}

t_jt=$(best "$B" build -o full.jtbl --index-only idx.jtbl --generation 1)
t_wr=$(best "$B" build --webroot www --generation 1)
t_lws=$(best python3 "$src/tests/unit/gen-tblb.py" -o lws.tblb "$MOZ")
n=$("$B" list full.jtbl | wc -l)
der=$(python3 -c '
import base64, glob, re, sys
n = 0
for f in glob.glob(sys.argv[1] + "/*.crt"):
    for b in re.findall(rb"-----BEGIN CERTIFICATE-----(.*?)-----END",
                        open(f, "rb").read(), re.S):
        n += len(base64.b64decode(b"".join(b.split())))
print(n)' "$MOZ")
size() { stat -c %s "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b ? a / b : 0) }'; }
echo "bench-blob-build: $n Mozilla roots ($MOZ), best of $runs"
printf '  build full+index-only: %8d us  (x%s vs TBLB generator %d us)\n' \
  "$t_jt" "$(ratio "$t_jt" "$t_lws")" "$t_lws"
printf '  build webroot:         %8d us\n' "$t_wr"
printf '  DER total:             %8d bytes\n' "$der"
for b in full.jtbl idx.jtbl lws.tblb; do
  printf '  %-22s %8d bytes (x%s of DER total)\n' "$b:" "$(size $b)" \
    "$(ratio "$(size $b)" "$der")"
done
