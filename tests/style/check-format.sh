#!/usr/bin/env bash
# style: every C source is formatted as .clang-format says (clang-format
# --dry-run --Werror). Fix a tree with: scripts/format.sh
# Usage: check-format.sh SOURCE_ROOT [FILE...]   (files default to the tree)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${1:?usage: check-format.sh SOURCE_ROOT [FILE...]}
shift
cd "$root"
cf=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$cf" ] || { echo "check-format: clang-format not installed (run scripts/setup.sh)"; exit 1; }
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <("$here/list-sources.sh" "$root"); fi
[ ${#files[@]} -gt 0 ] || { echo "check-format: no sources found under $root"; exit 1; }
if ! out=$("$cf" --style=file:"$root/.clang-format" --dry-run --Werror "${files[@]}" 2>&1); then
  printf '%s\n' "$out" | head -n 40
  echo "check-format: files above are not clang-formatted (run scripts/format.sh)"
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
