#!/usr/bin/env bash
# Set up, build and run every test suite: unit, integration, fuzz-smoke,
# style, abi, bench-smoke (-Werror build); then the unit and fuzz-smoke
# suites again under address+undefined sanitizers, and the unit suite under
# valgrind. Prints a closing "N passed, N failed" line; exits non-zero on any
# failure. Run one suite by hand: meson test -C build --suite unit
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

passed=0
failed=0
skipped=0
# Read meson's JSON test log and add its counts to the totals.
count() {
  local log=$1/meson-logs/testlog.json
  [ -f "$log" ] || return 0
  read -r p f s < <(python3 - "$log" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): p += 1
    elif r == "SKIP": s += 1
    else: f += 1
print(p, f, s)
PY
)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}
# run NAME BUILD_DIR [meson test args...]
run() {
  local name=$1 dir=$2; shift 2
  echo "== $name"
  rm -f "$dir/meson-logs/testlog.json"
  if ! meson test -C "$dir" --print-errorlogs "$@"; then
    echo "== $name: FAILED"
  fi
  count "$dir"
}

echo "== build (build-test, -Werror)"
scripts/build.sh build-test -Dwerror=true -Dtests=true
# Unit tests verbosely, so cmocka's own closing lines are in the output.
run unit build-test --suite unit --verbose
run integration build-test --suite integration
run fuzz-smoke build-test --suite fuzz-smoke
run style build-test --suite style
run abi build-test --suite abi
run bench-smoke build-test --suite bench-smoke

echo "== build (build-asan: address+undefined)"
scripts/build.sh build-asan -Dwerror=true -Db_sanitize=address,undefined \
  -Db_lundef=false -Dc_args=-fno-sanitize-recover=all
run unit-asan build-asan --suite unit
run fuzz-smoke-asan build-asan --suite fuzz-smoke

run unit-valgrind build-test --suite unit --setup valgrind

echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
