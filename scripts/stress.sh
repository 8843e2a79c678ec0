#!/usr/bin/env bash
# The JIT trust stress run (not part of CI): 50 distinct local hosts under
# 10 roots, one nginx on 127.0.0.1 choosing the certificate by SNI, and
# RUNS runs of jitfetch, each a new process fetching all 50 hosts cold.
# Every run must succeed with exactly one TLS handshake per host, counted
# at the server (distinct connections in nginx's access log), and no
# reconnect. Any deviation is a failure, listed at the end.
#
# The 10 roots and 50 leaves (ECDSA P-256) are made fresh in a temp dir
# with the openssl CLI; the roots go into a trust blob (jt-blob) that is
# jitfetch's only trust source. Nothing leaves 127.0.0.1, no name is
# looked up in DNS (every host is mapped with --resolve).
#
# Usage: scripts/stress.sh [RUNS]     (default 1000; JT_BUILD_DIR=DIR)
# Exit status: 0 when every run passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib-nginx.sh
runs=${1:-1000}
build=${JT_BUILD_DIR:-build}
scripts/build.sh "$build"
fetch=$build/examples/jitfetch
blobtool=$build/blob/jt-blob
nginx=$(command -v nginx || echo /usr/sbin/nginx)
nhosts=50
nroots=10
work=$(mktemp -d /tmp/jt-stress-XXXXXX)
chmod 755 "$work"
ngx_pid=
cleanup() {
  if [ -n "$ngx_pid" ]; then
    kill "$ngx_pid" 2>/dev/null || true
    wait "$ngx_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the PKI: 10 roots, 50 leaves signed directly by root (i % 10) ----
echo "stress: making $nroots roots and $nhosts leaves in $work"
mkdir -p "$work/roots" "$work/certs" "$work/www"
printf 'ok\n' >"$work/www/hello.txt"
for r in $(seq 0 $((nroots - 1))); do
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$work/certs/root$r.key" -out "$work/roots/root$r.pem" \
    -subj "/O=libjittrust stress/CN=JT Stress Root $r" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
done
for i in $(seq -w 1 $nhosts); do
  r=$((10#$i % nroots))
  host=h$i.stress.test
  cat >"$work/certs/h$i.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:$host
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
EOF
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$work/certs/h$i.key" -out "$work/certs/h$i.csr" \
    -subj "/CN=$host" 2>/dev/null
  openssl x509 -req -in "$work/certs/h$i.csr" -CA "$work/roots/root$r.pem" \
    -CAkey "$work/certs/root$r.key" -set_serial "0x$(openssl rand -hex 12)" \
    -days 30 -extfile "$work/certs/h$i.ext" -out "$work/certs/h$i.pem" 2>/dev/null
done
"$blobtool" build --from "$work/roots" -o "$work/stress.jtbl" --label stress 2>/dev/null

# ---- one nginx, 50 virtual hosts by SNI ----
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
start_nginx() {
  port=$(free_port)
  {
    printf 'worker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log;\n' "$work" "$work"
    printf 'events { worker_connections 256; }\nhttp {\n'
    printf "  log_format stress '\$ssl_server_name \$connection \$ssl_session_reused';\n"
    printf '  access_log %s/access.log stress;\n' "$work"
    for i in $(seq -w 1 $nhosts); do
      printf '  server { listen 127.0.0.1:%s ssl; server_name h%s.stress.test;\n' "$port" "$i"
      printf '    ssl_certificate %s/certs/h%s.pem; ssl_certificate_key %s/certs/h%s.key;\n' \
        "$work" "$i" "$work" "$i"
      printf '    root %s/www; }\n' "$work"
    done
    printf '}\n'
  } >"$work/nginx.conf"
  jt_nginx_run "$nginx" "$work" "$port"
}
for _ in 1 2 3; do start_nginx && break; done
[ -n "$ngx_pid" ] || { echo "stress: nginx did not start" >&2; cat "$work/error.log" >&2; exit 1; }
: >"$work/access.log"

args=(--json --no-builtin-trust --trust-blob "$work/stress.jtbl")
for i in $(seq -w 1 $nhosts); do
  args+=(--resolve "h$i.stress.test:$port:127.0.0.1" "https://h$i.stress.test:$port/hello.txt")
done

# ---- the runs ----
echo "stress: $runs runs x $nhosts hosts on 127.0.0.1:$port"
failures=0
mark=1
start=$(date +%s.%N)
for run in $(seq 1 "$runs"); do
  why=
  if ! "$fetch" "${args[@]}" >"$work/out" 2>"$work/trace"; then
    why="exit $?: $(grep '"ev":"error"' "$work/trace" | head -n 1)"
  fi
  bodies=$(grep -c '^ok$' "$work/out" || true)
  [ -n "$why" ] || [ "$bodies" = "$nhosts" ] || why="$bodies bodies of $nhosts"
  # the client's view: one handshake per host, all cold, no reconnect
  hs=$(grep -c '"ev":"handshake"' "$work/trace" || true)
  cold=$(grep -c '"ev":"result".*"index":0,' "$work/trace" || true)
  recon=$(grep -c '"ev":"reconnect"' "$work/trace" || true)
  [ -n "$why" ] || [ "$hs" = "$nhosts" ] || why="$hs handshakes in the trace"
  [ -n "$why" ] || [ "$cold" = "$nhosts" ] || why="$cold cold verifications"
  [ -n "$why" ] || [ "$recon" = 0 ] || why="$recon reconnects"
  # the server's view: one connection per host, one request each
  total=$(wc -l <"$work/access.log")
  view=$(tail -n +"$mark" "$work/access.log" | awk '
    { n++; c[$2]++; h[$1]++; if ($3 == "r") r++ }
    END {
      for (k in c) nc++
      for (k in h) { nh++; if (h[k] != 1) bad++ }
      printf "%d %d %d %d", n, nc, nh, bad + r
    }')
  mark=$((total + 1))
  [ -n "$why" ] || [ "$view" = "$nhosts $nhosts $nhosts 0" ] ||
    why="server saw (requests connections hosts anomalies) = $view"
  if [ -n "$why" ]; then
    failures=$((failures + 1))
    echo "stress: run $run FAILED: $why"
    cp "$work/trace" "/tmp/jt-stress-run$run.trace" 2>/dev/null || true
  fi
  if [ $((run % 100)) = 0 ] || [ "$run" = "$runs" ]; then
    echo "stress: $run runs, $failures failed"
  fi
done
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
handshakes=$(wc -l <"$work/access.log")
printf 'stress: done: %d runs, %d failed; %d handshakes at the server (%d expected) in %.1f s\n' \
  "$runs" "$failures" "$handshakes" $((runs * nhosts)) "$secs"
grep '"ev":"summary"' "$work/trace" | sed 's/^/stress: last run: /'
[ "$failures" = 0 ]
