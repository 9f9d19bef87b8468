#!/usr/bin/env bash
# Slow clients cannot hold the server: with 2 workers and a 1 s request deadline, six
# clients that send a byte a second (three in their headers, three in their body, each
# reconnecting when cut off) keep trying while a normal client's requests are still
# answered, each well within a few deadlines; every cut-off is counted as a timeout.
#   slow_client_test.sh VAPIDIAG_SERVE
set -euo pipefail
SERVE=$1
WORK=$(mktemp -d)
PID=
SLOW=()
cleanup() {
  for p in "${SLOW[@]}"; do kill "$p" 2>/dev/null || true; done
  kill $PID 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"

start_server --log "$WORK/calls.ndjson" --threads 2 --request-timeout 1 --keep-alive-timeout 1

# slow_client PART: one connection after another, each sending a byte a second.
slow_client() {
  local part=$1
  trap '' PIPE # a write to a connection the server cut fails, and the client reconnects
  while :; do
    exec 3<>"/dev/tcp/127.0.0.1/$PORT" || { sleep 0.2; continue; }
    if [ "$part" = body ]; then
      printf 'POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n' >&3 || true
    fi
    while printf 'X' >&3 2>/dev/null; do sleep 1; done
    exec 3>&- 3<&-
  done
}
for part in headers headers headers body body body; do
  slow_client "$part" &
  SLOW+=($!)
done
sleep 3 # every worker has met slow clients by now

REPORT="$SAMPLES/end-of-call-report-2024-06.json"
for i in $(seq 1 8); do
  t=$(curl -s -o "$WORK/body" -w '%{http_code} %{time_total}' --max-time 8 -H 'Content-Type: application/json' \
    --data-binary @"$REPORT" "$URL/webhook") || fail "request $i got no answer while slow clients ran"
  read -r code secs <<<"$t"
  [ "$code" = 200 ] || fail "request $i: status $code"
  awk -v s="$secs" 'BEGIN { exit !(s < 6) }' || fail "request $i took $secs s"
  echo "normal request $i: $code in $secs s"
done
for p in "${SLOW[@]}"; do kill "$p" 2>/dev/null || true; done
SLOW=()
timeouts=$(metric 'vapidiag_requests_rejected_total{reason="timeout"}')
# Two workers cutting a slow client off each second for over three seconds.
[ "$timeouts" -ge 4 ] || fail "only $timeouts timeouts counted"
[ "$(wc -l <"$WORK/calls.ndjson")" = 8 ] || fail "a slow client's bytes reached the log"
stop_server
echo "serve slow clients: $timeouts cut off, every normal request answered"
