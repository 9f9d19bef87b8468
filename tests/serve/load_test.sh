#!/usr/bin/env bash
# Nothing lost under load: 10,000 reports from 16 concurrent clients. Every acknowledged
# report is in the log exactly once, and /summary and /metrics equal `vapidiag summary`
# of the log.   load_test.sh VAPIDIAG_SERVE VAPIDIAG SERVE_LOAD
set -euo pipefail
SERVE=$1 VAPIDIAG=$2 LOAD=$3
WORK=$(mktemp -d)
PID=
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/compare.sh"

start_server --log "$WORK/calls.ndjson"
"$LOAD" "$PORT" 10000 16 "$WORK/acked" | tee "$WORK/load.out" || fail "not every report was acknowledged"
[ "$(wc -l <"$WORK/acked")" = 10000 ] || fail "acknowledged ids"
[ "$(wc -l <"$WORK/calls.ndjson")" = 10000 ] || fail "log has $(wc -l <"$WORK/calls.ndjson") lines"
jq -r .message.call.id "$WORK/calls.ndjson" | sort >"$WORK/logged"
[ -z "$(uniq -d "$WORK/logged")" ] || fail "a report is in the log twice"
sort "$WORK/acked" | cmp - "$WORK/logged" || fail "the log's reports are not the acknowledged ones"
curl -s "$URL/summary" >"$WORK/live.json"
curl -s "$URL/metrics" >"$WORK/metrics"
promtool check metrics <"$WORK/metrics" || fail "promtool rejects /metrics"
compare_live_with_log "$WORK/live.json" "$WORK/metrics" "$WORK/calls.ndjson"
[ "$(jq .inputs.calls "$WORK/live.json")" = 10000 ] || fail "live summary calls"
stop_server
echo "serve load: all checks passed"
