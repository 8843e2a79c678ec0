#!/usr/bin/env bash
# abi: every public header compiles alone, first include of its own file,
# as C11 -pedantic and as C++ (-Werror), so it is self-contained and has no
# layout that depends on the includer.
# Usage: check-headers.sh CC CXX -I... [-I...] -- HEADER...
set -euo pipefail
cc=$1; cxx=$2; shift 2
incs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do incs+=("$1"); shift; done
shift
[ $# -gt 0 ] || { echo "check-headers: no headers given"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
for h in "$@"; do
  name=$(basename "$h")
  printf '#include "jittrust/%s"\n#include "jittrust/%s"\nint jt_abi_probe_;\n' "$name" "$name" > "$tmp/t.c"
  cp "$tmp/t.c" "$tmp/t.cpp"
  if ! "$cc" -std=c11 -pedantic -Wall -Wextra -Werror -fsyntax-only "${incs[@]}" "$tmp/t.c"; then
    echo "check-headers: $name does not compile alone as C11 -pedantic"; fail=1
  fi
  if ! "$cxx" -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only "${incs[@]}" "$tmp/t.cpp"; then
    echo "check-headers: $name does not compile alone as C++"; fail=1
  fi
done
[ $fail = 0 ] && echo "check-headers: $# headers compile alone as C11 and C++"
exit $fail
