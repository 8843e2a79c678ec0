#!/bin/sh
# examples/minimal-http-client-jit-trust against a loopback openssl
# s_server: verified with the right root (the page arrives, the trace shows
# one CA parsed), refused with the wrong one (no byte reaches the server).
# The name is mapped with --resolve: the system resolver is never asked.
set -eu
ex=$1
pki=${JT_PKI_DIR:?run through meson test}
tmp=$(mktemp -d /tmp/jt-minimal-XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

: >"$tmp/server.log" # exists before the background job opens it
openssl s_server -accept 127.0.0.1:0 -cert "$pki/leaf-www.pem" \
  -key "$pki/leaf-www.key" -cert_chain "$pki/inter-p256.pem" -www -msg \
  >"$tmp/server.log" 2>&1 &
pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$tmp/server.log")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "FAIL: s_server did not start"; exit 1; }

# 1. the right root: verified, the page printed
JT_TRACE=1 "$ex" www.jt.test "$port" --resolve 127.0.0.1 \
  --trust "$pki/roots-trusted.pem" >"$tmp/out" 2>"$tmp/err" || {
  echo "FAIL: exit $?"; cat "$tmp/err"; exit 1; }
grep -q "s_server" "$tmp/out" || { echo "FAIL: no page"; cat "$tmp/out"; exit 1; }
grep -q "verified www.jt.test" "$tmp/err" || { echo "FAIL: no verify line"; exit 1; }
grep -q "^\* result .* n=1 " "$tmp/err" || {
  echo "FAIL: expected exactly one CA parsed"; cat "$tmp/err"; exit 1; }
echo "ok 1 - verified with the right root"

# 2. the wrong root only: refused, and the server got no application data
before=$(grep -c "^    17 03 03 " "$tmp/server.log" || true)
if "$ex" www.jt.test "$port" --resolve 127.0.0.1 \
  --trust "$pki/root-rsa.pem" >"$tmp/out2" 2>"$tmp/err2"; then
  echo "FAIL: untrusted chain accepted"; exit 1
fi
grep -q "no trusted CA for AKID" "$tmp/err2" || {
  echo "FAIL: unclear refusal"; cat "$tmp/err2"; exit 1; }
[ ! -s "$tmp/out2" ] || { echo "FAIL: output after refusal"; exit 1; }
sleep 0.2
after=$(grep -c "^    17 03 03 " "$tmp/server.log" || true)
[ "$before" = "$after" ] || { echo "FAIL: application data sent"; exit 1; }
echo "ok 2 - refused with the wrong root, nothing sent"

# 3. bad usage
if "$ex" >/dev/null 2>&1; then echo "FAIL: no usage error"; exit 1; fi
echo "ok 3 - usage"
