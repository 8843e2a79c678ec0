#!/usr/bin/env bash
# Install every Debian package that building, testing and the demo need.
# Idempotent: quiet and fast when all are present; runs `apt-get update`
# once, only when something is missing. Server packages are installed with
# a policy-rc.d that returns 101, so apt starts no system service.
# Usage: scripts/setup.sh        (as root, or with sudo available)
set -euo pipefail

# Build and library dependencies.
BUILD_PKGS=(
  build-essential g++ pkg-config meson ninja-build git python3
  libmbedtls-dev libcmocka-dev libcurl4-openssl-dev
)
# Test tools and peers: openssl CLI (s_server, the test PKI), Mozilla roots,
# valgrind, clang-format/clang-tidy/cppcheck, clang + its runtime (fuzzing,
# sanitizers), binutils (nm, for the abi suite).
TEST_PKGS=(
  openssl ca-certificates valgrind binutils
  clang clang-format clang-tidy cppcheck libclang-rt-14-dev
)
# Servers that tests start by hand on loopback (never as system services).
SERVER_PKGS=(nginx)

missing=()
for p in "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${SERVER_PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# No system service may start from a package install.
prc=/usr/sbin/policy-rc.d
added_prc=0
if [ ! -e "$prc" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$prc" >/dev/null
  $SUDO chmod 755 "$prc"
  added_prc=1
fi
cleanup() { [ "$added_prc" = 1 ] && $SUDO rm -f "$prc"; return 0; }
trap cleanup EXIT
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
