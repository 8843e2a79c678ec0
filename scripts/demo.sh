#!/usr/bin/env bash
# The offline demo of JIT trust: set up, build, make the local test PKI,
# start a local nginx serving three hosts under three different roots,
# build a trust blob of the test roots, and fetch from the hosts with
# jitfetch: cold, then warm in the same run, then in a new run with
# --trust-cache. Shows the trust trace and the handshakes counted at the
# server. Nothing leaves 127.0.0.1; no name is looked up in DNS.
# Usage: scripts/demo.sh         (JT_BUILD_DIR=DIR: another build dir)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib-nginx.sh
build=${JT_BUILD_DIR:-build}
scripts/setup.sh
scripts/build.sh "$build" -Dtests=true
pki=$(cd "$build/tests/pki/out" && pwd)
fetch=$build/examples/jitfetch
blobtool=$build/blob/jt-blob
nginx=$(command -v nginx || echo /usr/sbin/nginx)
work=$(mktemp -d /tmp/jt-demo-XXXXXX)
chmod 755 "$work" # nginx's worker reads the files
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

bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@" || echo "(exit $?)"; }
# jitfetch -v ARGS: the trust trace ("* " lines), then the bodies.
trace() {
  printf '$ jitfetch -v %s\n' "$*"
  "$fetch" -v "$@" 2>&1 >"$work/bodies" | grep '^\* ' || true
  printf 'bodies: %s\n' "$(sort "$work/bodies" | uniq -c | sed 's/^ *//' | paste -sd ';')"
}

# ---- three hosts, three roots, one nginx (virtual hosts by SNI) ----
hosts=(www.jt.test rsa.jt.test p384.jt.test)
leaves=(leaf-www leaf-rsa leaf-p384)
roots=("JT Test Root P-256" "JT Test Root RSA" "JT Test Root P-384")
mkdir -p "$work/www"
printf 'hello from JIT trust\n' >"$work/www/hello.txt"
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
start_nginx() {
  port=$(free_port)
  {
    printf 'worker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log;\n' "$work" "$work"
    printf 'events { worker_connections 64; }\nhttp {\n'
    printf "  log_format demo '\$ssl_server_name \$connection \$ssl_session_reused \"\$request\"';\n"
    printf '  access_log %s/access.log demo;\n' "$work"
    printf '  ssl_session_cache shared:demo:1m;\n'
    for i in 0 1 2; do
      printf '  server {\n    listen 127.0.0.1:%s ssl;\n    server_name %s;\n' "$port" "${hosts[$i]}"
      printf '    ssl_certificate %s/%s.chain.pem;\n' "$pki" "${leaves[$i]}"
      printf '    ssl_certificate_key %s/%s.key;\n    root %s/www;\n' "$pki" "${leaves[$i]}" "$work"
      printf '    location = /close { keepalive_timeout 0; alias %s/www/hello.txt; }\n  }\n' "$work"
    done
    printf '}\n'
  } >"$work/nginx.conf"
  jt_nginx_run "$nginx" "$work" "$port"
}
for _ in 1 2 3; do start_nginx && break; done
[ -n "$ngx_pid" ] || { echo "demo: nginx did not start (see $work/error.log)" >&2; exit 1; }

resolve=()
urls_close=()
urls=()
for h in "${hosts[@]}"; do
  resolve+=(--resolve "$h:$port:127.0.0.1")
  urls_close+=("https://$h:$port/close")
  urls+=("https://$h:$port/hello.txt")
done

# The handshakes nginx saw: one per connection, per host, since line $1.
server_count() {
  tail -n +"$1" "$work/access.log" | awk '
    { conn[$1 " " $2] = $3; req[$1]++ }
    END {
      for (k in conn) { split(k, p, " "); c[p[1]]++; if (conn[k] == "r") r[p[1]]++ }
      for (h in req) printf "  %-14s %d request(s), %d handshake(s) (%d resumed)\n", h, req[h], c[h], r[h]
    }' | sort
}
lines() { wc -l <"$work/access.log" 2>/dev/null || echo 0; }

bold "The servers: three hosts on 127.0.0.1:$port, each under its own root"
for i in 0 1 2; do
  printf '  %-14s %s\n' "${hosts[$i]}" "$(openssl x509 -in "$pki/${leaves[$i]}.pem" -noout -issuer | sed 's/.*CN *= *//') -> ${roots[$i]}"
done

bold "A trust blob of the test roots (the device's trust store: ~3 KB, parsed by nobody until needed)"
show "$blobtool" build --from "$pki/roots-trusted.pem" -o "$work/test-roots.jtbl" --label "demo roots"
show "$blobtool" list "$work/test-roots.jtbl"

trust=(--no-builtin-trust --trust-blob "$work/test-roots.jtbl")

bold "Cold, then warm, in one run: each host first (cold: its chain says which root it needs), then each host again on a new connection (warm: the root is known and parsed)"
mark=$(($(lines) + 1))
trace "${trust[@]}" "${resolve[@]}" "${urls_close[@]}" "${urls[@]}" "${urls[0]}"
echo "At the server:"
server_count "$mark"

bold "A new run (a device after a reboot) with --trust-cache: the first connection is already warm"
"$fetch" -s "${trust[@]}" "${resolve[@]}" --trust-cache "$work/trust.cache" "${urls[@]}" >/dev/null
echo "$ cat trust.cache   (written by the run before)"
cat "$work/trust.cache"
mark=$(($(lines) + 1))
trace "${trust[@]}" "${resolve[@]}" --trust-cache "$work/trust.cache" "${urls[0]}"
echo "At the server:"
server_count "$mark"

bold "The same as JSON lines (--json; schema in jitfetch(1)), first three events"
"$fetch" --json "${trust[@]}" "${resolve[@]}" "${urls[1]}" 2>&1 >/dev/null | head -n 3 || true

bold "A root the blob does not have: refused, with the key it asked for; nothing is sent"
"$blobtool" build --from "$pki/root-p256.pem" -o "$work/p256-only.jtbl" >/dev/null 2>&1
show "$fetch" --no-builtin-trust --trust-blob "$work/p256-only.jtbl" "${resolve[@]}" "${urls[1]}"

bold "Your own URL"
cat <<EOF
  $fetch -v https://example.org/      (the built-in Mozilla roots)
  man -l examples/jitfetch.1
EOF
