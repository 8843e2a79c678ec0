# Sourced by scripts/demo.sh and scripts/stress.sh: run nginx in the
# foreground on $work/nginx.conf (made by the caller) and wait until it
# accepts on 127.0.0.1:PORT. Sets ngx_pid (stop it by that PID).
# Usage: jt_nginx_run NGINX WORK PORT; returns 0, or 1 when it did not
# start (ngx_pid is then empty and WORK/error.log says why).
jt_nginx_run() {
  local nginx=$1 work=$2 port=$3
  "$nginx" -p "$work" -c "$work/nginx.conf" -e "$work/error.log" \
    -g 'daemon off;' &
  ngx_pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$ngx_pid" 2>/dev/null || break
    sleep 0.05
  done
  wait "$ngx_pid" 2>/dev/null || true
  ngx_pid=
  return 1
}
