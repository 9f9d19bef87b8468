#!/usr/bin/env bash
# Alerts end to end: rules over the live calls print one NDJSON line when they fire and
# one when they resolve, run --on-alert with the alert on stdin, and are counted in
# /metrics; a bad rule is a usage error.   alerts_test.sh VAPIDIAG_SERVE
set -euo pipefail
SERVE=$1
WORK=$(mktemp -d)
PID=
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib.sh"

rc=0; "$SERVE" --log "$WORK/x.ndjson" --alert 'vapifault' 2>"$WORK/err" || rc=$?
[ "$rc" = 2 ] || fail "a rule without a threshold: exit $rc, expected 2"
rc=0; "$SERVE" --log "$WORK/x.ndjson" --alert 'unknown>1/1m' 2>"$WORK/err" || rc=$?
[ "$rc" = 2 ] || fail "ambiguous name: exit $rc, expected 2"
grep -q 'fault:unknown' "$WORK/err" || fail "no hint for the ambiguous name"
rc=0; "$SERVE" --log "$WORK/x.ndjson" --alert 'vapifault>5%/1m' --alert 'nonsense>=1/1m' 2>"$WORK/err" || rc=$?
[ "$rc" = 2 ] || fail "unknown name: exit $rc, expected 2"

start_server --log "$WORK/calls.ndjson" --alert-format json --alert 'vapifault>=3/1m' \
  --alert 'providerfault>=1/2s' --alert 'summary.burst/1m' --on-alert "cat >> '$WORK/hook.out'"
post() {
  expect 200 POST / -H 'Content-Type: application/json' --data-binary \
    "{\"message\": {\"type\": \"end-of-call-report\", \"endedReason\": \"$1\", \"startedAt\": \"2024-06-30T10:00:0$2Z\", \"call\": {\"id\": \"a-$2\"}}}"
}
post call.in-progress.error-vapifault-worker-died 1
post call.in-progress.error-vapifault-worker-died 2
grep -q '"alert":"vapifault>=3/1m"' "$WORK/server.err" && fail "fired at 2 calls"
post call.in-progress.error-vapifault-worker-died 3
post call.in-progress.error-providerfault-outbound-sip-503-service-unavailable 4
# Counting rules fire on the call; the cross-call one within the next second.
for _ in $(seq 1 60); do
  [ -f "$WORK/hook.out" ] && [ "$(wc -l <"$WORK/hook.out")" -ge 4 ] && break
  sleep 0.1
done
cat "$WORK/server.err"
grep -q '^{"alert":"vapifault>=3/1m","state":"firing".*"calls":3,"matched":3' "$WORK/server.err" ||
  fail "no vapifault firing line"
grep -q '^{"alert":"summary.burst/1m","state":"firing"' "$WORK/server.err" || fail "no burst firing line"
grep -q '^{"alert":"providerfault>=1/2s","state":"firing"' "$WORK/server.err" || fail "no providerfault firing line"
grep -q '^{"alert":"providerfault>=1/2s","state":"resolved"' "$WORK/server.err" || fail "providerfault did not resolve"
[ "$(wc -l <"$WORK/hook.out")" -ge 4 ] || fail "--on-alert ran $(wc -l <"$WORK/hook.out") times, expected 4"
jq -s -e 'any(.[]; .alert == "vapifault>=3/1m" and .state == "firing" and .matched == 3)' "$WORK/hook.out" >/dev/null ||
  fail "--on-alert did not get the alert as JSON"
[ "$(metric 'vapidiag_alert_events_total{rule="vapifault>=3/1m",state="firing"}')" = 1 ] || fail "alert metric"
curl -s "$URL/metrics" | promtool check metrics || fail "promtool rejects /metrics with alerts"
stop_server

# A hook that hangs is killed after its timeout; the server is not held.
start_server --log "$WORK/calls2.ndjson" --alert 'vapifault>=1/1m' --on-alert 'sleep 30' --on-alert-timeout 0.5
post call.in-progress.error-vapifault-worker-died 1
for _ in $(seq 1 40); do grep -q 'killed after its timeout' "$WORK/server.err" && break; sleep 0.1; done
grep -q 'killed after its timeout' "$WORK/server.err" || fail "the hanging hook was not killed"
grep -q 'alert FIRING vapifault>=1/1m' "$WORK/server.err" || fail "no text alert line"
stop_server
echo "serve alerts: all checks passed"
