#!/usr/bin/env bash
# vapidiag-update-codes on a small fixture schema, as a plain list, on bad input, and on the
# table's own official list (which must be in sync).
set -u
tool=$1
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data
fix=$data/update-codes
fail=0
check() {  # check WHAT COMMAND...: the command must succeed
  local what=$1
  shift
  if ! "$@"; then
    echo "FAIL: $what"
    fail=1
  fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$tool" --base "$fix/base.txt" --date 2026-09-01 "$fix/openapi.json" >"$tmp/out" 2>"$tmp/err"
status=$?
check "exit 1 when codes are new or gone (got $status)" test "$status" = 1
check "counts" grep -qx '# new: 7, gone: 2' "$tmp/out"
check "campaign endedReason values are not call codes" bash -c "! grep -q campaign-finished '$tmp/out'"
check "server message enums are read" grep -q '^call.forwarding.zorblax' "$tmp/out"
check "a family covers a new provider" grep -q $'^# pipeline-error-zorblax-voice-failed\tsilent\tproviderfault\tvoice\tcovered by pattern \\*-voice-failed' "$tmp/out"
check "a new subscription refusal is billing" grep -q $'^# call.start.error-subscription-zorblax\tnever-rang\tcustomer\tbilling\tcovered by pattern' "$tmp/out"
check "the tag decides the fault of a new code" grep -q $'call.in-progress.error-vapifault-deepgram-transcriber-zorblax\tsilent\tvapifault\ttranscriber' "$tmp/out"
check "an unknown shape is flagged" grep -q '^# WRONG OR UNSURE: no rule matches it' "$tmp/out"
check "an unknown shape gets a draft row" grep -q $'^brand-new-thing\tunknown\tunknown\tunknown' "$tmp/out"
check "a generic decoding is flagged" grep -q '^# WRONG OR UNSURE: only a generic decode row (call.forwarding.\*)' "$tmp/out"
check "a retired code coming back is named" grep -q '^# call.in-progress.error-vapifault-anthropic-llm-failed comes back' "$tmp/out"
check "a code that comes back gets its own tag's fault" grep -q $'^# call.in-progress.error-vapifault-anthropic-llm-failed\tsilent\tvapifault\tllm' "$tmp/out"
check "a gone code without successor" grep -qx $'customer-did-not-answer\tFIRST-SEEN\t2026-09-01\t-' "$tmp/out"
check "a gone code with its twin as successor" grep -q $'^call.in-progress.error-vapifault-cartesia-500-server-error\t2025-03-26\t2026-09-01\tcall.in-progress.error-providerfault-cartesia-500-server-error' "$tmp/out"
check "the summary line" grep -q '^# 3 new code(s) the family rules would get wrong or cannot say' "$tmp/out"

# The same codes as a plain list give the same diff.
jq -r '.components.schemas | (.Call, .ServerMessageStatusUpdate) | .properties.endedReason.enum[]' \
  "$fix/openapi.json" >"$tmp/list.txt"
"$tool" --base "$fix/base.txt" --date 2026-09-01 "$tmp/list.txt" >"$tmp/out2" 2>&1
check "plain list: exit 1" test $? = 1
check "plain list: same rows" diff <(grep -v '^# /\|^# .*: [0-9]* codes' "$tmp/out") <(grep -v '^# /\|^# .*: [0-9]* codes' "$tmp/out2")

# The table's own list, as a list and as a schema: in sync.
"$tool" "$data/official-codes.txt" >"$tmp/out3" 2>&1
check "official list in sync (exit 0)" test $? = 0
check "official list: nothing new or gone" grep -qx '# new: 0, gone: 0' "$tmp/out3"
grep -v '^#' "$data/official-codes.txt" | jq -R . | jq -s '{components: {schemas: {Call: {properties: {endedReason: {enum: .}}}}}}' >"$tmp/schema.json"
"$tool" "$tmp/schema.json" >"$tmp/out4" 2>&1
check "official schema in sync (exit 0)" test $? = 0

# Bad input and usage.
echo '{"components": {"schemas": {}}}' >"$tmp/empty.json"
"$tool" "$tmp/empty.json" >/dev/null 2>"$tmp/err5"
check "no enum: exit 3" test $? = 3
check "no enum: says why" grep -q 'no endedReason enum' "$tmp/err5"
echo '{"components": ' >"$tmp/broken.json"
"$tool" "$tmp/broken.json" >/dev/null 2>&1
check "broken JSON: exit 3" test $? = 3
"$tool" "$tmp/missing.json" >/dev/null 2>&1
check "missing file: exit 3" test $? = 3
"$tool" >/dev/null 2>&1
check "no argument: exit 2" test $? = 2
"$tool" --frobnicate x >/dev/null 2>&1
check "unknown option: exit 2" test $? = 2

[ "$fail" = 0 ] && echo "update_codes: all checks passed"
exit "$fail"
