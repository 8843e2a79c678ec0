#!/usr/bin/env bash
# Configure (once) and build a build directory; prints the tool output only
# when something fails.
# Usage: scripts/build.sh [BUILD_DIR [meson setup options...]]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ ! -f "$dir/build.ninja" ]; then
  out=$(meson setup "$dir" "$@" 2>&1) || { printf '%s\n' "$out"; exit 1; }
elif [ $# -gt 0 ]; then
  out=$(meson configure "$dir" "$@" 2>&1) || { printf '%s\n' "$out"; exit 1; }
fi
out=$(ninja -C "$dir" 2>&1) || { printf '%s\n' "$out" | tail -n 60; exit 1; }
