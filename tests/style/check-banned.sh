#!/usr/bin/env bash
# style: fail when a C source calls a banned function (STYLE.md): sprintf
# vsprintf strcpy strcat strncat strncpy gets atoi atol strtok.
# Usage: check-banned.sh SOURCE_ROOT [FILE...]   (files default to the tree)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${1:?usage: check-banned.sh SOURCE_ROOT [FILE...]}
shift
cd "$root"
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <("$here/list-sources.sh" "$root"); fi
[ ${#files[@]} -gt 0 ] || { echo "check-banned: no sources found under $root"; exit 1; }
re='\b(sprintf|vsprintf|strcpy|strcat|strncat|strncpy|gets|atoi|atol|strtok)[[:space:]]*\('
if hits=$(grep -nHE "$re" -- "${files[@]}"); then
  echo "banned function calls (use snprintf, memcpy with a length, strtol, ...):"
  echo "$hits"
  exit 1
fi
echo "check-banned: ${#files[@]} files clean"
