#!/usr/bin/env bash
# The offline demo: set up, build, make a throwaway test PKI, and show what
# JIT trust does with real chains before it verifies: the candidate paths
# from cert 0 (the leaf), the keys it asks a trust blob for, and the CAs
# that come back. (The full connect-and-fetch demo arrives with jitfetch.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build -Dtests=true
pki=build/tests/pki/out
chain=build/examples/jt-chain
step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; "${@:2}" || echo "(exit $?)"; }

step "A good chain: leaf www.jt.test under an ECDSA P-256 intermediate" \
  "$chain" --trust "$pki/roots-trusted.pem" "$pki/leaf-www.chain.pem"
cat "$pki/leaf-x.pem" "$pki/inter-x-by-p256.pem" "$pki/inter-x-by-rsa.pem" \
  > build/demo-leaf-x-both.pem
step "A cross-signed intermediate: one key, two issuers, two paths" \
  "$chain" --trust "$pki/roots-trusted.pem" build/demo-leaf-x-both.pem
step "Key swap: an attacker's leaf first, then the victim's real chain" \
  "$chain" --trust "$pki/roots-trusted.pem" "$pki/leaf-attacker.mitm.chain.pem"
step "An untrusted root: the keys are asked, nothing trusted answers" \
  "$chain" --trust "$pki/roots-trusted.pem" "$pki/leaf-untrusted.chain.pem"
step "The system's Mozilla roots as the blob: a test root is not among them" \
  "$chain" --trust /etc/ssl/certs/ca-certificates.crt "$pki/leaf-www.chain.pem"
