#!/usr/bin/env bash
# check as a CI and cron contract: every exit status and their combinations, -q silence,
# rules of every kind, relative windows (with "now" pinned), each format (the JSON against
# its schema, the JUnit XML against tests/cli/junit.xsd), and the GitHub Actions and cron
# examples of docs/examples run for real.
# Usage: check_test.sh VAPIDIAG
set -uo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
sample=$root/data/samples/calls.json

# expect STATUS ARGS...: runs check, keeps stdout and stderr in $tmp/out and $tmp/err.
expect() {
  local want=$1
  shift
  "$bin" check "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" = "$want" ] || fail "check $*: exit $got, expected $want ($(head -c 300 "$tmp/err"))"
}

good='{"id":"g1","endedReason":"customer-ended-call","startedAt":"2024-06-30T10:00:00Z","endedAt":"2024-06-30T10:01:00Z"}'
vapi='{"id":"v1","endedReason":"call.in-progress.error-vapifault-worker-died","startedAt":"2024-06-30T11:00:00Z","endedAt":"2024-06-30T11:00:30Z"}'
printf '%s\n' "$good" >"$tmp/pass.ndjson"
printf '%s\n%s\n' "$good" "$vapi" >"$tmp/fail.ndjson"
printf '%s\n{"id":"x","endedReason":\n' "$good" >"$tmp/bad.ndjson"
printf '%s\n%s\n{"id":"x","endedReason":\n' "$good" "$vapi" >"$tmp/failbad.ndjson"

# Exit statuses, alone and together (precedence 2, 4, 1, 3, 0).
expect 0 "$tmp/pass.ndjson"
grep -q '^vapidiag check: pass: 0 of 1 rule fired over 1 ended call' "$tmp/out" || fail "pass line: $(cat "$tmp/out")"
expect 1 "$tmp/fail.ndjson"
grep -q '^FAIL failed: 1 of 2 ended calls (50.00%), none allowed; top codes: call.in-progress.error-vapifault-worker-died 1 (v1)$' \
  "$tmp/out" || fail "fired rule line: $(cat "$tmp/out")"
expect 3 "$tmp/bad.ndjson"
grep -q 'input error: 1 unreadable records' "$tmp/out" || fail "input error not in the verdict: $(cat "$tmp/out")"
expect 0 "$tmp/bad.ndjson" --ignore-bad-records
expect 1 "$tmp/failbad.ndjson"
grep -q '^FAIL failed' "$tmp/out" && grep -q 'input error' "$tmp/out" || fail "fired + unreadable: not both said"
expect 2 "$tmp/fail.ndjson" --fail-on nosuchthing
grep -q "is not a fault party" "$tmp/err" || fail "unknown name: $(cat "$tmp/err")"
expect 2 "$tmp/fail.ndjson" --fail-on vapifualt
grep -q "did you mean vapifault" "$tmp/err" || fail "no did-you-mean: $(cat "$tmp/err")"
expect 2 "$tmp/fail.ndjson" --fail-on unknown
grep -q "fault:unknown or symptom:unknown" "$tmp/err" || fail "ambiguous name: $(cat "$tmp/err")"
expect 2 "$tmp/fail.ndjson" --fail-on vapifault,,customer
expect 2 "$tmp/fail.ndjson" --fail-on ""
expect 2 "$tmp/fail.ndjson" --max-rate summary.burst=5
expect 2 "$tmp/fail.ndjson" --max-rate 120
expect 2 "$tmp/fail.ndjson" --symptom silent  # check takes no call filters
"$bin" check "$tmp/failbad.ndjson" --format json >/dev/full 2>"$tmp/err"
[ $? = 4 ] || fail "output error with a fired rule: expected 4"
"$bin" check "$tmp/pass.ndjson" >/dev/full 2>/dev/null
[ $? = 4 ] || fail "output error on a pass: expected 4"

# -q: nothing on stdout or stderr, whatever happened.
for f in pass fail bad failbad; do
  "$bin" check "$tmp/$f.ndjson" -q >"$tmp/out" 2>"$tmp/err"
  [ -s "$tmp/out" ] || [ -s "$tmp/err" ] && fail "-q printed something for $f"
done

# Rates, rule kinds and --min-calls on the sample (30 calls: 3 vapifault, 6 providerfault).
expect 1 "$sample" --fail-on vapifault --max-rate 5
expect 0 "$sample" --fail-on vapifault --max-rate 10   # 10.00% is not above 10
expect 0 "$sample" --fail-on vapifault,providerfault --max-rate 25 --max-rate vapifault=11
expect 1 "$sample" --fail-on vapifault --max-rate 25 --max-rate providerfault=19
grep -q '^FAIL fault:providerfault: 6 of 30' "$tmp/out" || fail "NAME=PCT adds a rule"
expect 1 "$sample" --fail-on symptom:never-rang
expect 1 "$sample" --fail-on never-connected,unknown-code
grep -q '^FAIL unknown-code: 1 of 30 ended calls (3.33%), none allowed; top codes: hangup 1' "$tmp/out" ||
  fail "unknown-code line: $(cat "$tmp/out")"
expect 1 "$sample" --fail-on summary.burst
grep -q '^FAIL summary.burst: 3 calls ended' "$tmp/out" || fail "cross finding line"
expect 0 "$sample" --fail-on summary.rising
expect 1 "$sample" --fail-on fault:normal --max-rate 100 --min-calls 31
grep -q '^FAIL min-calls: 30 ended calls, fewer than --min-calls 31' "$tmp/out" || fail "min-calls line"
: >"$tmp/empty.ndjson"
expect 1 "$tmp/empty.ndjson" --min-calls 1  # an empty export must not pass

# Relative windows, now pinned: yesterday = 2024-06-28 (18 calls), the last 24 h before
# 2024-06-29T12:00Z = all 30, the last 12 h = 12 calls.
VAPIDIAG_NOW=2024-06-29T12:00:00Z expect 1 "$sample" --since yesterday --until today --format json
[ "$(jq -r '.window.since + " " + .window.until + " " + (.calls | tostring)' "$tmp/out")" = \
  "2024-06-28T00:00:00.000Z 2024-06-29T00:00:00.000Z 18" ] || fail "yesterday window: $(jq -c .window "$tmp/out")"
VAPIDIAG_NOW=2024-06-29T12:00:00Z expect 1 "$sample" --since 24h --format json
[ "$(jq .calls "$tmp/out")" = 30 ] || fail "24h window: $(jq .calls "$tmp/out") calls"
VAPIDIAG_NOW=2024-06-29T12:00:00Z expect 1 "$sample" --since 12h --format json
[ "$(jq .calls "$tmp/out")" = 12 ] || fail "12h window: $(jq .calls "$tmp/out") calls"
VAPIDIAG_NOW=2024-06-29T12:00:00Z expect 0 "$sample" --since 30m --min-calls 0
expect 2 "$sample" --since 5x

# JSON: the schema, and the same numbers as the summary.
expect 1 "$sample" --fail-on failed,vapifault,summary.burst --max-rate vapifault=5 --min-calls 2 --format json
python3 "$root/tests/cli/validate_json.py" "$root/docs/schema" "$tmp/out" >/dev/null ||
  fail "the verdict does not match docs/schema/verdict.json"
"$bin" summary "$sample" --format json >"$tmp/sum.json"
[ "$(jq '.rules[0].matched' "$tmp/out")" = "$(jq .failures "$tmp/sum.json")" ] || fail "failed != summary failures"
[ "$(jq '.rules[1].matched' "$tmp/out")" = "$(jq .by_fault.vapifault.calls "$tmp/sum.json")" ] || fail "vapifault"
[ "$(jq -r '.status' "$tmp/out")" = fail ] || fail "status"

# JUnit: valid against the XSD, one case per rule, failures counted.
expect 1 "$sample" --fail-on failed,summary.rising,never-connected --min-calls 1 --format junit
xmllint --noout --schema "$root/tests/cli/junit.xsd" "$tmp/out" 2>"$tmp/err" || fail "JUnit XML: $(cat "$tmp/err")"
[ "$(grep -c '<testcase ' "$tmp/out")" = 4 ] || fail "JUnit: 4 test cases expected"
grep -q 'tests="4" failures="2" errors="0"' "$tmp/out" || fail "JUnit counts: $(grep '<testsuite ' "$tmp/out")"
expect 3 "$tmp/bad.ndjson" --format junit
xmllint --noout --schema "$root/tests/cli/junit.xsd" "$tmp/out" 2>/dev/null || fail "JUnit XML with an input error"
grep -q '<error message="1 unreadable records' "$tmp/out" || fail "JUnit: the input error"
# A code with markup and a control character (\u0001) in a failure message: escaped, the
# control character shown as U+FFFD, and the file still well-formed and valid.
printf '%s\n' '{"id":"m1","status":"ended","endedReason":"odd-<x>&\"y\u0001z","endedAt":"2026-01-01T00:01:00Z"}' \
  >"$tmp/markup.ndjson"
expect 1 "$tmp/markup.ndjson" --fail-on unknown-code --min-calls 1 --format junit
xmllint --noout --schema "$root/tests/cli/junit.xsd" "$tmp/out" 2>"$tmp/err" || fail "JUnit XML, markup: $(cat "$tmp/err")"
grep -qF "odd-&lt;x&gt;&amp;&quot;y"$'\xEF\xBF\xBD'"z" "$tmp/out" || fail "JUnit: the code escaped: $(cat "$tmp/out")"

# GitHub: workflow commands, and the step summary appended.
: >"$tmp/step.md"
GITHUB_STEP_SUMMARY=$tmp/step.md expect 1 "$tmp/failbad.ndjson" --format github
grep -q '^::error title=vapidiag check%3A failed::failed%3A\|^::error title=vapidiag check%3A failed::failed: 1 of 3' "$tmp/out" ||
  grep -q '^::error title=vapidiag check%3A failed::' "$tmp/out" || fail "github error line: $(cat "$tmp/out")"
grep -q '^::warning title=vapidiag check%3A unreadable input::' "$tmp/out" || fail "github warning line"
grep -q '^## vapidiag check: fail' "$tmp/step.md" && grep -q '| `failed` | none allowed | 1 |' "$tmp/step.md" ||
  fail "step summary: $(cat "$tmp/step.md")"

# The examples of docs/examples, run for real: the workflow's check step (its export step
# needs the network: the sample stands in for calls.json), and the cron script.
workdir=$tmp/wf
mkdir -p "$workdir/bin"
ln -s "$bin" "$workdir/bin/vapidiag"
cp "$sample" "$workdir/calls.json"
awk '/- name: Check them/{on=1} on && /run: \|/{grab=1; next} grab && /^ *$/{exit} grab{print}' \
  "$root/docs/examples/check-workflow.yml" >"$workdir/step.sh"
grep -q 'vapidiag check calls.json' "$workdir/step.sh" || fail "could not extract the workflow's check step"
(cd "$workdir" && PATH=$workdir/bin:$PATH VAPIDIAG_NOW=2024-06-29T12:00:00Z GITHUB_STEP_SUMMARY=$workdir/summary.md \
  bash -e "$workdir/step.sh" >"$workdir/out" 2>&1)
[ $? = 1 ] || fail "workflow step: expected exit 1 (yesterday's burst), got another: $(cat "$workdir/out")"
grep -q '^::error title=vapidiag check%3A summary.burst' "$workdir/out" || fail "workflow step output: $(cat "$workdir/out")"
grep -q 'vapidiag check: fail' "$workdir/summary.md" || fail "workflow step summary"
(cd "$workdir" && PATH=$workdir/bin:$PATH LOG=$sample VAPIDIAG_NOW=2024-06-28T23:30:00Z NOTIFY="cat" \
  sh "$root/docs/examples/check-cron.sh" >"$workdir/cron.out" 2>&1)
grep -q '^FAIL fault:providerfault' "$workdir/cron.out" || fail "cron example: $(cat "$workdir/cron.out")"
(cd "$workdir" && PATH=$workdir/bin:$PATH LOG=$tmp/pass.ndjson VAPIDIAG_NOW=2024-06-30T10:30:00Z NOTIFY="cat" \
  sh "$root/docs/examples/check-cron.sh" >"$workdir/cron.out" 2>&1)
[ ! -s "$workdir/cron.out" ] || fail "cron example notified on a healthy hour: $(cat "$workdir/cron.out")"

if [ "$failures" -gt 0 ]; then echo "check: $failures failure(s)"; exit 1; fi
echo "check: ok"
