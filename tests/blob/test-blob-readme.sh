#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# integration: blob/README.md's "Updating the trust of a fleet" works as
# written. Extracts the section's ```sh blocks into one script and runs it
# (set -e) in a scratch directory with jt-blob on PATH and a free port for
# the local web server; compiles the ```c device program against the
# library and runs it on the blobs the walkthrough made.
# Usage: test-blob-readme.sh JT_BLOB LIBJITTRUST.so CC -I... [-I...]
set -euo pipefail
B=$(readlink -f "$1"); lib=$(readlink -f "$2"); cc=$3; shift 3
incs=("$@")
here=$(cd "$(dirname "$0")" && pwd)
readme=${JT_SOURCE_ROOT:-$here/../..}/blob/README.md
T=$(mktemp -d /tmp/jt-blob-readme.XXXXXX)
trap 'rm -rf "$T"' EXIT
awk '/^## Updating the trust of a fleet/ {on = 1; next}
     on && /^## / {on = 0}
     on && /^```sh$/ {code = "sh"; next}
     on && /^```c$/ {code = "c"; next}
     on && /^```/ {code = ""; next}
     on && code == "sh" {print > "'"$T"'/walk.sh"}
     on && code == "c" {print > "'"$T"'/device.c"}' "$readme"
[ -s "$T/walk.sh" ] && [ -s "$T/device.c" ] ||
  { echo "FAIL: no sh/c blocks in the README section"; exit 1; }
mkdir "$T/bin"
ln -s "$B" "$T/bin/jt-blob"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PORT PATH="$T/bin:$PATH"
cd "$T"
echo "--- running $(grep -c . walk.sh) lines of README shell"
bash -e walk.sh
[ "$(cat device/generation)" = 101 ] || { echo "FAIL: device generation"; exit 1; }
echo "--- compiling the README device program"
"$cc" -std=c11 -Wall -Werror "${incs[@]}" device.c "$lib" \
  -Wl,-rpath,"$(dirname "$lib")" -o device-check
./device-check sign.pub device/trust.jtbl 101 | grep -q "generation 101" ||
  { echo "FAIL: device program on the new blob"; exit 1; }
if ./device-check sign.pub fleet.jtbl 101 2>err.txt; then
  echo "FAIL: device program accepted a rollback"; exit 1
fi
grep -q rollback err.txt || { echo "FAIL: rollback message: $(cat err.txt)"; exit 1; }
echo "all passed: README walkthrough"
