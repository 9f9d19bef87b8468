# compare_live_with_log SUMMARY_JSON_FILE METRICS_FILE LOG_FILES...: the live /summary must
# equal `vapidiag summary` of the log files, and the /metrics counters must agree with it.
# Needs VAPIDIAG and WORK.
compare_live_with_log() {
  local live=$1 metrics=$2
  shift 2
  "$VAPIDIAG" summary --format json "$@" >"$WORK/batch.json" || fail "vapidiag summary of the log failed"
  # The batch run has a run identity of its own (docs/formats.md); the server's tally has none.
  jq -S 'del(.inputs.run_ids)' "$WORK/batch.json" >"$WORK/batch.norm.json"
  jq -S 'del(.inputs.run_ids)' "$live" >"$WORK/live.norm.json"
  diff -q "$WORK/live.norm.json" "$WORK/batch.norm.json" >/dev/null || {
    diff "$WORK/live.norm.json" "$WORK/batch.norm.json" | head -20 >&2
    fail "/summary differs from vapidiag summary of the log"
  }
  local b="$WORK/batch.json"
  mval() { awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }' "$metrics"; }
  [ "$(mval 'vapidiag_log_records_total{kind="call"}')" = "$(jq .inputs.calls "$b")" ] || fail "metrics: calls"
  [ "$(mval 'vapidiag_calls_failed_total')" = "$(jq .failures "$b")" ] || fail "metrics: failures"
  [ "$(mval 'vapidiag_not_charged_calls_total')" = "$(jq .not_charged.calls "$b")" ] || fail "metrics: not charged"
  local f
  for f in vapifault providerfault customer normal unknown; do
    [ "$(awk -v f="fault=\"$f\"" '$1 ~ /^vapidiag_calls_total\{/ && index($1, f) { s += $2 } END { print s + 0 }' "$metrics")" = \
      "$(jq ".by_fault.\"$f\".calls" "$b")" ] || fail "metrics: fault $f"
  done
  local id n
  while read -r id n; do
    [ "$(mval "vapidiag_findings_total{finding=\"$id\"}")" = "$n" ] || fail "metrics: finding $id"
  done < <(jq -r '.findings[] | "\(.id) \(.calls)"' "$b")
  local code calls
  while read -r code calls; do
    [ "$(mval "vapidiag_calls_by_code_total{code=\"$code\"}")" = "$calls" ] || fail "metrics: code $code"
  done < <(jq -r '.codes[] | "\(.code) \(.calls)"' "$b" | grep -v '^made-up-code-for-load ')
  [ "$(mval 'vapidiag_calls_by_code_total{code="other"}')" = \
    "$(jq '[.codes[] | select(.code == "made-up-code-for-load") | .calls] | add // 0' "$b")" ] || fail "metrics: other codes"
}
