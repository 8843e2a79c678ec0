#!/usr/bin/env bash
# Reformat every C source in place with .clang-format (the style suite
# checks the same files).
set -euo pipefail
cd "$(dirname "$0")/.."
cf=$(command -v clang-format-14 || command -v clang-format)
mapfile -t files < <(tests/style/list-sources.sh "$PWD")
"$cf" --style=file -i "${files[@]}"
