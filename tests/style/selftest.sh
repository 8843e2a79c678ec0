#!/usr/bin/env bash
# style: the checkers must reject the deliberately bad fixtures, so a broken
# checker cannot pass silently.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${1:?usage: selftest.sh SOURCE_ROOT}
if "$here/check-banned.sh" "$root" tests/style/fixtures/banned.c >/dev/null; then
  echo "selftest: check-banned accepted fixtures/banned.c"; exit 1
fi
if "$here/check-format.sh" "$root" tests/style/fixtures/misformatted.c >/dev/null; then
  echo "selftest: check-format accepted fixtures/misformatted.c"; exit 1
fi
"$here/check-banned.sh" "$root" tests/style/fixtures/clean.c >/dev/null
"$here/check-format.sh" "$root" tests/style/fixtures/clean.c >/dev/null
echo "selftest: both checkers reject the bad fixtures and accept the clean one"
