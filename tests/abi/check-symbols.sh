#!/usr/bin/env bash
# abi: the shared library exports only jt_* names, and every exported name is
# declared by a public header: a generated file includes all public headers
# and takes the address of each export under
# -Werror=implicit-function-declaration.
# Usage: check-symbols.sh LIB.so CC -I... [-I...] -- HEADER...
set -euo pipefail
lib=$1; cc=$2; shift 2
incs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do incs+=("$1"); shift; done
shift
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u)
[ -n "$syms" ] || { echo "check-symbols: $lib exports nothing"; exit 1; }
bad=$(printf '%s\n' "$syms" | grep -vE '^jt_' || true)
if [ -n "$bad" ]; then
  echo "check-symbols: exported names not matching ^jt_:"; echo "$bad"; exit 1
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
{
  for h in "$@"; do printf '#include "jittrust/%s"\n' "$(basename "$h")"; done
  echo 'const void *jt_abi_exports[] = {'
  printf '    (const void *)&%s,\n' $syms
  echo '};'
} > "$tmp/exports.c"
if ! "$cc" -std=c11 -Werror=implicit-function-declaration -Werror \
     -fsyntax-only "${incs[@]}" "$tmp/exports.c"; then
  echo "check-symbols: an exported name is not declared by a public header"
  exit 1
fi
echo "check-symbols: $(printf '%s\n' "$syms" | wc -l) exports, all jt_* and declared"
