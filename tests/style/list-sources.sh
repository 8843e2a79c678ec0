#!/usr/bin/env bash
# List the project's C sources (tracked and untracked-but-not-ignored when in
# a git checkout, else every *.c/*.h), minus the globs in .clang-format-ignore
# and the style suite's own deliberately bad fixtures.
set -euo pipefail
root=${1:?usage: list-sources.sh SOURCE_ROOT}
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files --cached --others --exclude-standard -- '*.c' '*.h'
else
  find . \( -path './build*' -o -path './.git' -o -path './fuzz-corpus-work' \) -prune \
    -o \( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||'
fi | sort -u | while IFS= read -r f; do
  [ -f "$f" ] || continue
  case "$f" in tests/style/fixtures/*) continue ;; esac
  skip=0
  if [ -f .clang-format-ignore ]; then
    while IFS= read -r pat; do
      case "$pat" in ''|'#'*) continue ;; esac
      # shellcheck disable=SC2254
      case "$f" in $pat) skip=1 ;; esac
    done < .clang-format-ignore
  fi
  [ "$skip" = 1 ] || printf '%s\n' "$f"
done
