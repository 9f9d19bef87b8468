# Helpers for the vapidiag-serve tests: start the real binary on a free loopback port,
# talk to it with curl, stop it. Source after setting SERVE (the binary) and WORK (a
# scratch folder). Traffic goes to 127.0.0.1 only.

fail() { echo "FAIL: $*" >&2; exit 1; }
SAMPLES="$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)"

# start_server NAME ARGS...: runs vapidiag-serve in the background; sets PID_NAME, PORT_NAME
# through the globals PID and PORT (one server at a time per test).
start_server() {
  local errfile="$WORK/server.err"
  : >"$errfile"
  "$SERVE" --listen 127.0.0.1:0 "$@" 2>"$errfile" &
  PID=$!
  for _ in $(seq 1 100); do
    PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$errfile")
    [ -n "$PORT" ] && break
    kill -0 "$PID" 2>/dev/null || { cat "$errfile" >&2; fail "server exited at start"; }
    sleep 0.05
  done
  [ -n "$PORT" ] || fail "server did not start"
  URL="http://127.0.0.1:$PORT"
}

# stop_server: SIGTERM, wait, expect exit 0.
stop_server() {
  kill -TERM "$PID"
  local rc=0
  wait "$PID" || rc=$?
  [ "$rc" = 0 ] || { cat "$WORK/server.err" >&2; fail "server exited $rc on SIGTERM"; }
  grep -q 'stopped; the log is synced' "$WORK/server.err" || fail "no clean-shutdown line"
}

# status METHOD PATH [curl args...]: prints the HTTP status code.
status() {
  local method=$1 path=$2
  shift 2
  curl -s -o "$WORK/body" -w '%{http_code}' -X "$method" "$@" "$URL$path"
}

# expect CODE METHOD PATH [curl args...]
expect() {
  local want=$1
  shift
  local got
  got=$(status "$@")
  [ "$got" = "$want" ] || fail "$* -> $got, expected $want ($(head -c 300 "$WORK/body"))"
}

# metric NAME_WITH_LABELS: the value of one sample of GET /metrics (0 when absent).
metric() {
  curl -s "$URL/metrics" | awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }'
}
