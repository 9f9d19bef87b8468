#!/usr/bin/env bash
# vapidiag-serve end to end: the real binary on a free loopback port, the real sample
# payloads, every authentication mode right and wrong, every kind of bad request, the log,
# /metrics (checked by promtool), /summary against `vapidiag summary` of the log, log
# rotation on SIGHUP, the refusals at start and a clean shutdown.
#   e2e_test.sh VAPIDIAG_SERVE VAPIDIAG
set -euo pipefail
SERVE=$1
VAPIDIAG=$2
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
PID=
. "$(dirname "$0")/lib.sh"
REPORT="$SAMPLES/end-of-call-report-2024-06.json"
STATUS="$SAMPLES/status-update-ended-2024-06.json"
JSON=(-H 'Content-Type: application/json')

# --- refusals at start ---------------------------------------------------------------
rc=0; "$SERVE" --listen 0.0.0.0:0 --log "$WORK/x.ndjson" 2>"$WORK/err" || rc=$?
[ "$rc" = 2 ] || fail "non-loopback without a secret: exit $rc, expected 2"
grep -q 'without a secret' "$WORK/err" || fail "no reason given for the refusal"
[ ! -e "$WORK/x.ndjson" ] || fail "the refused server created its log"
rc=0; env -u NO_SUCH_VAR "$SERVE" --log "$WORK/x.ndjson" --secret-env NO_SUCH_VAR 2>"$WORK/err" || rc=$?
[ "$rc" = 2 ] || fail "missing secret variable: exit $rc, expected 2"
rc=0; "$SERVE" --log "$WORK/x.ndjson" --bearer-file "$WORK/none" 2>"$WORK/err" || rc=$?
[ "$rc" = 2 ] || fail "unreadable secret file: exit $rc, expected 2"
rc=0; "$SERVE" --log "$WORK/x.ndjson" --secret my-secret 2>"$WORK/err" || rc=$?
[ "$rc" = 2 ] || fail "a secret on the command line must be refused: exit $rc"
rc=0; "$SERVE" --log "$WORK/no/such/dir/x.ndjson" 2>"$WORK/err" || rc=$?
[ "$rc" = 4 ] || fail "unopenable log: exit $rc, expected 4"

# `vapidiag serve` runs vapidiag-serve (the one beside it).
"$VAPIDIAG" serve --help >"$WORK/serve-help" 2>&1
grep -q '^Usage: vapidiag-serve' "$WORK/serve-help" || fail "vapidiag serve does not run vapidiag-serve"

# --- one server with all three secrets --------------------------------------------------
printf 'bearer-token-1\n' >"$WORK/bearer"
export T_SECRET=legacy-secret-1 T_HMAC=hmac-key-1
# A dedupe window of 1 s: the status-update sent below (twice, without its report) counts
# once its window passed on the wall clock, as a batch summary of the log counts it.
start_server --log "$WORK/calls.ndjson" --secret-env T_SECRET --bearer-file "$WORK/bearer" \
  --hmac-secret-env T_HMAC --max-body-mb 0.05 --dedupe-window 1
hmac() { openssl dgst -sha256 -hmac "$2" -r <"$1" | cut -d' ' -f1; }

# Authentication: each way right (stored), wrong or missing (401).
expect 200 POST /webhook "${JSON[@]}" -H "X-Vapi-Secret: legacy-secret-1" --data-binary @"$REPORT"
expect 200 POST / "${JSON[@]}" -H "Authorization: Bearer bearer-token-1" --data-binary @"$STATUS"
expect 200 POST / "${JSON[@]}" -H "x-vapi-signature: $(hmac "$REPORT" hmac-key-1)" --data-binary @"$REPORT"
expect 200 POST / "${JSON[@]}" -H "X-Vapi-Signature: sha256=$(hmac "$STATUS" hmac-key-1 | tr a-f A-F)" \
  --data-binary @"$STATUS"
expect 401 POST / "${JSON[@]}" --data-binary @"$REPORT"
expect 401 POST / "${JSON[@]}" -H "X-Vapi-Secret: legacy-secret-2" --data-binary @"$REPORT"
expect 401 POST / "${JSON[@]}" -H "X-Vapi-Secret: legacy-secret-" --data-binary @"$REPORT"
expect 401 POST / "${JSON[@]}" -H "Authorization: Bearer bearer-token-2" --data-binary @"$REPORT"
expect 401 POST / "${JSON[@]}" -H "Authorization: bearer-token-1" --data-binary @"$REPORT"
expect 401 POST / "${JSON[@]}" -H "x-vapi-signature: $(hmac "$REPORT" hmac-key-2)" --data-binary @"$REPORT"
expect 401 POST / "${JSON[@]}" -H "x-vapi-signature: $(hmac "$STATUS" hmac-key-1)" --data-binary @"$REPORT"
expect 401 POST / "${JSON[@]}" -H "X-Vapi-Secret: bearer-token-1" --data-binary @"$REPORT"
unauthorized=8
AUTH=(-H "X-Vapi-Secret: legacy-secret-1")

# Bad input: 400 (not JSON, not a server message, an unreadable record), 413, 405, 404.
expect 400 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary 'not json'
expect 400 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary '{"message": {"type": "end-of-call-report"'
expect 400 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary '{"message": {"type": "end-of-call-report"}} {}'
expect 400 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary '[1, 2]'
expect 400 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary '{"hello": "world"}'
expect 400 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary '{"message": {"type": 5}}'
expect 400 POST / "${JSON[@]}" "${AUTH[@]}" \
  --data-binary '{"message": {"type": "end-of-call-report", "endedReason": 42}}'
bad_request=7
head -c 60000 /dev/zero | tr '\0' ' ' >"$WORK/big"
expect 413 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary @"$WORK/big"
too_large=1
expect 405 GET /webhook
expect 405 PUT / --data-binary x
expect 405 DELETE /webhook
expect 405 POST /metrics "${AUTH[@]}" --data-binary x
method_not_allowed=4
expect 404 GET /nope
expect 404 POST /hooks "${JSON[@]}" "${AUTH[@]}" --data-binary @"$REPORT"
not_found=2

# Other message types: acknowledged, counted, not stored. A status-update that is not
# an ending is one of them.
expect 200 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary '{"message": {"type": "transcript", "transcript": "hi"}}'
expect 200 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary '{"message": {"type": "status-update", "status": "in-progress"}}'
expect 200 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary '{"message": {"type": "made-up-type"}}'
# A bare message (no envelope) is read like an enveloped one; a report without a reason is
# stored and counted as an ended call whose reason is missing.
expect 200 POST / "${JSON[@]}" "${AUTH[@]}" \
  --data-binary '{"type": "end-of-call-report", "endedReason": "pipeline-error-openai-429-exceeded-quota", "call": {"id": "bare-1"}}'
expect 200 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary '{"message": {"type": "end-of-call-report", "call": {"id": "c9"}}}'

expect 200 GET /healthz
[ "$(cat "$WORK/body")" = ok ] || fail "healthz body"

# The log: exactly the six stored messages, one line each, pretty-printed bodies included.
[ "$(wc -l <"$WORK/calls.ndjson")" = 6 ] || fail "log has $(wc -l <"$WORK/calls.ndjson") lines, expected 6"
jq -c . "$WORK/calls.ndjson" >/dev/null || fail "a log line is not JSON"
[ "$(jq -r '.message.call.id // .call.id' "$WORK/calls.ndjson" | tr '\n' ' ')" = \
  "00000000-0000-4000-8000-000000000002 00000000-0000-4000-8000-000000000001 00000000-0000-4000-8000-000000000002 00000000-0000-4000-8000-000000000001 bare-1 c9 " ] ||
  fail "log lines are not the stored messages in order"
cmp <(jq -c . "$REPORT") <(sed -n 1p "$WORK/calls.ndjson" | jq -c .) || fail "stored report differs from the one sent"

# /metrics: valid exposition, every rejection counted by reason, calls counted once each.
# The report and the status-update were each sent twice: one call each (docs/counting.md).
sleep 1.2
curl -s "$URL/metrics" >"$WORK/metrics"
promtool check metrics <"$WORK/metrics" || fail "promtool rejects /metrics"
check_metric() {
  local got
  got=$(awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print "absent" }' "$WORK/metrics")
  [ "$got" = "$2" ] || fail "metric $1 = $got, expected $2"
}
check_metric 'vapidiag_requests_rejected_total{reason="unauthorized"}' $unauthorized
check_metric 'vapidiag_requests_rejected_total{reason="bad_request"}' $bad_request
check_metric 'vapidiag_requests_rejected_total{reason="too_large"}' $too_large
check_metric 'vapidiag_requests_rejected_total{reason="method_not_allowed"}' $method_not_allowed
check_metric 'vapidiag_requests_rejected_total{reason="not_found"}' $not_found
check_metric 'vapidiag_log_records_total{kind="call"}' 6
check_metric 'vapidiag_log_records_total{kind="not_ended"}' 0
check_metric 'vapidiag_calls_by_code_total{code="customer-ended-call"}' 1
check_metric 'vapidiag_calls_by_code_total{code="silence-timed-out"}' 1
check_metric 'vapidiag_calls_by_code_total{code="pipeline-error-openai-429-exceeded-quota"}' 1
check_metric 'vapidiag_calls_total{fault="customer",symptom="silent",component="llm"}' 1
check_metric 'vapidiag_calls_failed_total' 2  # the quota error, and c9 whose reason is missing (fault unknown)
check_metric 'vapidiag_findings_total{finding="unsuccessful-normal-end"}' 1
check_metric 'vapidiag_messages_total{type="end-of-call-report"}' 4
check_metric 'vapidiag_messages_total{type="status-update"}' 3
check_metric 'vapidiag_messages_total{type="transcript"}' 1
check_metric 'vapidiag_messages_total{type="other"}' 1
check_metric 'vapidiag_http_responses_total{code="200"}' 10

# /summary: needs the secret (it names calls); equals `vapidiag summary` of the log.
expect 401 GET /summary
expect 200 GET /summary "${AUTH[@]}"
"$VAPIDIAG" summary --format json "$WORK/calls.ndjson" >"$WORK/batch.json" || fail "summary of the log failed"
# The run identity is the batch run's own (the server's tally is no run over files).
[ "$(jq -c .inputs.run_ids "$WORK/body")" = "[]" ] || fail "/summary has a run identity"
diff <(jq -S 'del(.inputs.run_ids)' "$WORK/body") <(jq -S 'del(.inputs.run_ids)' "$WORK/batch.json") ||
  fail "/summary differs from summary of the log"

# Rotation: after SIGHUP, new reports go to a fresh file; the two files together give the
# live summary (and it says 2 files).
mv "$WORK/calls.ndjson" "$WORK/calls.ndjson.1"
kill -HUP "$PID"
for _ in $(seq 1 100); do grep -q reopened "$WORK/server.err" && break; sleep 0.05; done
grep -q reopened "$WORK/server.err" || fail "no reopen after SIGHUP"
expect 200 POST / "${JSON[@]}" "${AUTH[@]}" --data-binary @"$STATUS"
[ "$(wc -l <"$WORK/calls.ndjson")" = 1 ] || fail "rotated log should have one line"
[ "$(wc -l <"$WORK/calls.ndjson.1")" = 6 ] || fail "old log changed after rotation"
expect 200 GET /summary "${AUTH[@]}"
"$VAPIDIAG" summary --format json "$WORK/calls.ndjson.1" "$WORK/calls.ndjson" >"$WORK/batch.json"
diff <(jq -S 'del(.inputs.run_ids)' "$WORK/body") <(jq -S 'del(.inputs.run_ids)' "$WORK/batch.json") ||
  fail "/summary differs from summary of both log files"
[ "$(jq .inputs.files "$WORK/body")" = 2 ] || fail "live summary should count 2 log files"

stop_server

# --- a server without secrets on loopback: everything passes authentication -----------
start_server --log "$WORK/open.ndjson"
expect 200 POST / "${JSON[@]}" --data-binary @"$REPORT"
expect 200 GET /summary
stop_server
echo "serve e2e: all checks passed"
