#!/usr/bin/env bash
# SIGKILL mid-load: every report that got a 2xx is in the log; after a restart on the same
# log (which takes back a line torn by the kill, never acknowledged) the log reads back
# with no unreadable record.   crash_test.sh VAPIDIAG_SERVE VAPIDIAG SERVE_LOAD
set -euo pipefail
SERVE=$1 VAPIDIAG=$2 LOAD=$3
WORK=$(mktemp -d)
PID=
LPID=
trap 'kill $PID $LPID 2>/dev/null || true; rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib.sh"

start_server --log "$WORK/calls.ndjson"
"$LOAD" "$PORT" 200000 16 "$WORK/acked" >"$WORK/load.out" &
LPID=$!
# Kill once the load is well under way.
for _ in $(seq 1 200); do
  [ -s "$WORK/calls.ndjson" ] && [ "$(wc -l <"$WORK/calls.ndjson")" -ge 2000 ] && break
  sleep 0.05
done
kill -KILL "$PID"
wait "$PID" 2>/dev/null || true
wait "$LPID" && fail "the load finished although the server was killed" || true
LPID=
cat "$WORK/load.out"
acked=$(wc -l <"$WORK/acked")
[ "$acked" -ge 1000 ] || fail "too few reports acknowledged before the kill ($acked)"
[ "$acked" -lt 200000 ] || fail "every report acknowledged: the kill came too late"

# Every acknowledged report is in the log, once.
jq -R -r 'fromjson? | .message.call.id' "$WORK/calls.ndjson" | sort >"$WORK/logged"
[ -z "$(uniq -d "$WORK/logged")" ] || fail "a report is in the log twice"
missing=$(sort "$WORK/acked" | comm -23 - "$WORK/logged" | wc -l)
[ "$missing" = 0 ] || fail "$missing acknowledged reports are not in the log"

# Restart on the same log, then read it back: no unreadable record.
start_server --log "$WORK/calls.ndjson"
stop_server
"$VAPIDIAG" summary --format json "$WORK/calls.ndjson" >"$WORK/after.json" || fail "the log does not read back cleanly"
[ "$(jq .inputs.unreadable "$WORK/after.json")" = 0 ] || fail "unreadable records after the crash"
[ "$(jq .inputs.calls "$WORK/after.json")" -ge "$acked" ] || fail "fewer calls in the log than acknowledged"
echo "serve crash: $acked acknowledged before SIGKILL, all in the log"
