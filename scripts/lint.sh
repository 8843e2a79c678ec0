#!/usr/bin/env bash
# Static analysis, one command each:
#   scripts/lint.sh tidy      clang-tidy (.clang-tidy) over the C sources
#   scripts/lint.sh cppcheck  cppcheck over the library, tools and tests
# Both use build-lint/compile_commands.json. Exit non-zero on findings.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-}
scripts/setup.sh
scripts/build.sh build-lint -Dtests=true
case "$what" in
  tidy)
    mapfile -t files < <(tests/style/list-sources.sh "$PWD" | grep '\.c$' | grep -v '^tests/style/')
    clang-tidy -p build-lint --quiet --warnings-as-errors='*' "${files[@]}"
    ;;
  cppcheck)
    cppcheck --project=build-lint/compile_commands.json --error-exitcode=1 \
      --enable=warning,performance,portability --inline-suppr --quiet \
      --suppress=missingIncludeSystem -i"$PWD/build-lint"
    ;;
  *)
    echo "usage: scripts/lint.sh tidy|cppcheck" >&2; exit 2 ;;
esac
