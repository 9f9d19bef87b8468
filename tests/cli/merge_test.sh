#!/usr/bin/env bash
# Summaries of shards merged with --merge equal the summary of one run over all of
# them (the JSON, byte for byte, and the rendered text). Usage: merge_test.sh VAPIDIAG
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One NDJSON stream from every fixture, then cut into three uneven shards.
{
  jq -c '.[]' "$root/data/samples/calls.json"
  cat "$root"/tests/data/findings/*.ndjson
  jq -c . "$root"/tests/data/*.json
} >"$tmp/all.ndjson"
total=$(wc -l <"$tmp/all.ndjson")
head -n 7 "$tmp/all.ndjson" >"$tmp/a.ndjson"
sed -n "8,$((total / 2))p" "$tmp/all.ndjson" >"$tmp/b.ndjson"
sed -n "$((total / 2 + 1)),\$p" "$tmp/all.ndjson" >"$tmp/c.ndjson"

"$bin" summary "$tmp/all.ndjson" --format json >"$tmp/whole.json"
"$bin" summary "$tmp/a.ndjson" "$tmp/b.ndjson" "$tmp/c.ndjson" --format json >"$tmp/three-files.json"
for s in a b c; do "$bin" summary "$tmp/$s.ndjson" --format json >"$tmp/$s.sum.json"; done
"$bin" summary --merge "$tmp/c.sum.json" "$tmp/a.sum.json" "$tmp/b.sum.json" --format json >"$tmp/merged.json"

# The file count differs by design (1 input vs 3); everything else must be identical.
# So do the run identities: one run's own against the three shards' (docs/formats.md).
norm() { jq 'del(.inputs.files, .inputs.run_ids) | .not_charged.ids |= sort' "$1"; }
diff <(norm "$tmp/whole.json") <(norm "$tmp/merged.json")
diff <(jq 'del(.inputs.run_ids) | .not_charged.ids |= sort' "$tmp/three-files.json") \
     <(jq 'del(.inputs.run_ids) | .not_charged.ids |= sort' "$tmp/merged.json")
# The merge holds the shards' runs; merging one of them again is refused (it counts twice).
[ "$(jq '.inputs.run_ids | length' "$tmp/merged.json")" -eq 3 ] || { echo "merged run ids"; exit 1; }
if "$bin" summary --merge "$tmp/a.sum.json" "$tmp/b.sum.json" "$tmp/a.sum.json" >/dev/null 2>"$tmp/twice.err"; then
  echo "merging a summary twice was accepted"; exit 1
fi
grep -q 'counted twice\|count those calls twice' "$tmp/twice.err" || { echo "no message for a summary merged twice"; exit 1; }
diff <("$bin" summary "$tmp/a.ndjson" "$tmp/b.ndjson" "$tmp/c.ndjson") \
     <("$bin" summary --merge "$tmp/a.sum.json" "$tmp/b.sum.json" "$tmp/c.sum.json")

# Every record is accounted for.
jq -e '.inputs.records == .inputs.calls + .inputs.not_ended + .inputs.skipped + .inputs.unreadable' \
  "$tmp/merged.json" >/dev/null
records=$(jq '.inputs.records' "$tmp/merged.json")
[ "$records" -eq "$total" ] || { echo "records $records, lines $total"; exit 1; }

# A file that is not a summary is an input error.
if "$bin" summary --merge "$tmp/a.ndjson" >/dev/null 2>"$tmp/err"; then echo "merge of a non-summary succeeded"; exit 1; fi
grep -q 'not one JSON document (an NDJSON call log?)' "$tmp/err" || { echo "merge of NDJSON: $(cat "$tmp/err")"; exit 1; }
# A call log given to --merge, and a summary given as a call log, are named for what they are.
jq -s . "$tmp/a.ndjson" >"$tmp/a-array.json"
if "$bin" summary --merge "$tmp/a-array.json" >/dev/null 2>"$tmp/err"; then echo "merge of an array succeeded"; exit 1; fi
grep -q 'a JSON array (call records?), not a summary' "$tmp/err" || { echo "merge of an array: $(cat "$tmp/err")"; exit 1; }
status=0; "$bin" summary "$tmp/a.sum.json" >/dev/null 2>"$tmp/err" || status=$?
[ "$status" = 2 ] && grep -q 'summary --merge' "$tmp/err" || { echo "a summary read as a log: $status $(cat "$tmp/err")"; exit 1; }
echo "merge: ok ($total records in 3 shards)"
