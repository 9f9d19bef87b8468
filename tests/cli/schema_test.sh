#!/usr/bin/env bash
# Every JSON output validates against its schema in docs/schema/: the JSON outputs of the
# golden tests (tests/golden/*/stdout), and the JSON and NDJSON of every command on the
# sample logs and the webhook fixtures, including a merged summary and the whole code table.
# Needs python3 with jsonschema (Debian python3-jsonschema, in .ci/install-deps).
# Usage: schema_test.sh VAPIDIAG
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
python3 -c 'import jsonschema' || fail "python3 jsonschema is missing (apt-get install python3-jsonschema)"

files=()
# Golden outputs of the JSON formats.
for dir in "$root"/tests/golden/*/; do
  grep -qxE -- 'json|ndjson' "$dir/cmd" 2>/dev/null || continue
  [ -s "$dir/stdout" ] && files+=("$dir/stdout")
done
[ "${#files[@]}" -ge 5 ] || fail "found only ${#files[@]} golden JSON outputs"

# Every command, every JSON format, on the bundled inputs.
sample="$root/data/samples/calls.json"
hooks=("$root"/tests/data/*.json)
run() {  # run NAME ARGS...: output into $tmp/NAME (exit status 0 or 1 accepted)
  local name=$1
  shift
  local rc=0
  "$bin" "$@" >"$tmp/$name" 2>"$tmp/$name.err" || rc=$?
  [ "$rc" -le 1 ] || fail "vapidiag $* exited $rc"
  files+=("$tmp/$name")
}
run codes.json codes --format json
run patterns.json codes --patterns --format json
run explain.json explain voicemail customer-busyy pipeline-error-openai-429-exceeded-quota \
  call.in-progress.error-vapifault-acme-transcriber-rate-limited --format json
run explain.ndjson explain voicemail customer-busyy hangup --format ndjson
run diagnose.json diagnose "$sample" "${hooks[@]}" --format json
run diagnose.ndjson diagnose "$sample" --failures --format ndjson
run summary.json summary "$sample" --format json
run summary-hooks.json summary "${hooks[@]}" --format json
run summary-hour.json summary "$sample" --fault vapifault --format json
run check.json check "$sample" --format json
run check-ok.json check "$sample" --fail-on vapifault --max-rate 50 --format json
"$bin" summary --merge "$tmp/summary.json" "$tmp/summary-hooks.json" --format json >"$tmp/merged.json"
files+=("$tmp/merged.json")
echo '[]' | "$bin" summary --format json >"$tmp/empty.json" || true
files+=("$tmp/empty.json")

python3 "$root/tests/cli/validate_json.py" "$root/docs/schema" "${files[@]}"

# The validator must be able to fail: a summary with a share written as text, a code record
# with an undocumented field, a call without schema_version.
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
s = json.load(open(f"{tmp}/summary.json"))
s["failure_rate"] = "46.7%"
json.dump(s, open(f"{tmp}/bad1.json", "w"))
c = json.load(open(f"{tmp}/codes.json"))[0]
c["extra"] = 1
json.dump([c], open(f"{tmp}/bad2.json", "w"))
d = json.load(open(f"{tmp}/diagnose.json"))[0]
del d["schema_version"]
json.dump([d], open(f"{tmp}/bad3.json", "w"))
PY
for n in 1 2 3; do
  if python3 "$root/tests/cli/validate_json.py" "$root/docs/schema" "$tmp/bad$n.json" >/dev/null; then
    fail "a bad document (bad$n) passed validation"
  fi
done
echo "schema_test: ok"
