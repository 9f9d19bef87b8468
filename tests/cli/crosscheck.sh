#!/usr/bin/env bash
# Cross-checks vapidiag's counts against jq on generated logs (NDJSON and array).
# Usage: crosscheck.sh VAPIDIAG GEN_CALLS
set -euo pipefail
bin=$1 gen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for format in ndjson array results; do
  "$gen" --format "$format" --bytes 8M --seed 42 --out "$tmp/calls.$format"
  case $format in
    ndjson) sel='.' ;;
    array) sel='.[]' ;;
    results) sel='.results[]' ;;
  esac
  # jq's view: every record, and the endedReason of those that have a string one.
  jq -c "$sel" "$tmp/calls.$format" >"$tmp/records"
  jq -r 'select(.endedReason | type == "string") | .endedReason' "$tmp/records" | sort | uniq -c |
    awk '{print $2 "\t" $1}' | sort >"$tmp/jq-counts"
  records=$(wc -l <"$tmp/records")

  "$bin" summary "$tmp/calls.$format" --format json >"$tmp/sum.json"
  jq -r '.codes[] | "\(.code)\t\(.calls)"' "$tmp/sum.json" | sort >"$tmp/vd-counts"
  diff "$tmp/jq-counts" "$tmp/vd-counts" || { echo "$format: per-code counts differ from jq"; exit 1; }
  [ "$(jq '.inputs.records' "$tmp/sum.json")" -eq "$records" ] || { echo "$format: record count differs"; exit 1; }
  jq -e '.inputs.unreadable == 0 and .inputs.records == .inputs.calls + .inputs.not_ended + .inputs.skipped' \
    "$tmp/sum.json" >/dev/null
  calls=$(jq '.inputs.calls' "$tmp/sum.json")
  [ "$("$bin" diagnose "$tmp/calls.$format" --format ndjson | wc -l)" -eq "$calls" ] ||
    { echo "$format: diagnose rows differ from calls"; exit 1; }
  # stdin reads the same as the file.
  diff <(jq 'del(.inputs.files, .inputs.run_ids)' "$tmp/sum.json") \
       <("$bin" summary --format json <"$tmp/calls.$format" | jq 'del(.inputs.files, .inputs.run_ids)')
  echo "$format: $records records, $calls ended calls, $(wc -l <"$tmp/jq-counts") codes: same as jq"
done

# A large NDJSON file read on several threads gives exactly the single-thread result,
# messages (with absolute lines, records and offsets) included.
"$gen" --format ndjson --bytes 48M --seed 7 --out "$tmp/big.ndjson" 2>/dev/null
awk 'NR % 797 == 5 { print substr($0, 1, 150); next } NR % 1201 == 7 { print "{\"id\":\"x\",\"endedReason\":5}"; next } { print }' \
  "$tmp/big.ndjson" >"$tmp/broken.ndjson"
set +e
"$bin" summary "$tmp/broken.ndjson" --format json -j 1 >"$tmp/j1.json" 2>"$tmp/e1"
"$bin" summary "$tmp/broken.ndjson" --format json -j 2 >"$tmp/j2.json" 2>"$tmp/e2"
"$bin" summary "$tmp/broken.ndjson" --format json -j 5 >"$tmp/j5.json" 2>"$tmp/e5"
set -e
cmp "$tmp/j1.json" "$tmp/j2.json" && cmp "$tmp/j1.json" "$tmp/j5.json" || { echo "--jobs changes the summary"; exit 1; }
diff "$tmp/e1" "$tmp/e2" && diff "$tmp/e1" "$tmp/e5" || { echo "--jobs changes the messages"; exit 1; }
[ "$(jq '.inputs.unreadable' "$tmp/j1.json")" -gt 0 ] || { echo "no broken records in the parallel test"; exit 1; }
echo "jobs: 1, 2 and 5 threads agree ($(jq '.inputs.records' "$tmp/j1.json") records, $(jq '.inputs.unreadable' "$tmp/j1.json") unreadable)"

# stdin: redirected from the file (split like the file) and through a pipe (read as a
# stream, framed on a second thread) give the same summary and messages, but for the name.
set +e
"$bin" summary --format json -j 1 <"$tmp/broken.ndjson" >"$tmp/s1.json" 2>"$tmp/g1"
"$bin" summary --format json -j 2 <"$tmp/broken.ndjson" >"$tmp/s2.json" 2>"$tmp/g2"
cat "$tmp/broken.ndjson" | "$bin" summary --format json -j 2 >"$tmp/s3.json" 2>"$tmp/g3"
set -e
for k in 2 3; do
  cmp "$tmp/s1.json" "$tmp/s$k.json" || { echo "stdin: summary $k differs from one thread"; exit 1; }
  diff "$tmp/g1" "$tmp/g$k" || { echo "stdin: messages $k differ from one thread"; exit 1; }
done
diff <(jq 'del(.inputs.files, .inputs.run_ids)' "$tmp/j1.json") <(jq 'del(.inputs.files, .inputs.run_ids)' "$tmp/s1.json") >/dev/null ||
  { echo "stdin: summary differs from the file's"; exit 1; }
diff <(sed 's/^vapidiag: [^:]*:/vapidiag: X:/' "$tmp/e1") <(sed 's/^vapidiag: [^:]*:/vapidiag: X:/' "$tmp/g1") ||
  { echo "stdin: messages differ from the file's"; exit 1; }
echo "stdin: redirected (split on 2 threads), piped (2 threads) and 1 thread agree with the file"

# Several inputs, some split and some not: the not-charged call IDs keep input order.
"$gen" --format ndjson --bytes 40M --seed 8 --out "$tmp/big2.ndjson" 2>/dev/null
"$gen" --format array --bytes 2M --seed 9 --out "$tmp/small.array" 2>/dev/null
set +e
"$bin" summary "$tmp/broken.ndjson" "$tmp/small.array" "$tmp/big2.ndjson" --ids --format json -j 1 >"$tmp/m1.json" 2>"$tmp/f1"
"$bin" summary "$tmp/broken.ndjson" "$tmp/small.array" "$tmp/big2.ndjson" --ids --format json -j 2 >"$tmp/m2.json" 2>"$tmp/f2"
"$bin" summary "$tmp/broken.ndjson" "$tmp/small.array" "$tmp/big2.ndjson" --ids --format json -j 3 >"$tmp/m3.json" 2>"$tmp/f3"
set -e
[ "$(jq '.not_charged.ids | length' "$tmp/m1.json")" -gt 20 ] || { echo "too few not-charged IDs to compare"; exit 1; }
cmp "$tmp/m1.json" "$tmp/m2.json" && cmp "$tmp/m1.json" "$tmp/m3.json" || { echo "--jobs over several inputs changes the summary"; exit 1; }
diff "$tmp/f1" "$tmp/f2" && diff "$tmp/f1" "$tmp/f3" || { echo "--jobs over several inputs changes the messages"; exit 1; }
echo "jobs: three inputs (two split), 1, 2 and 3 threads agree, ID order included"

# Past a table's key limit (10,000): 30,000 calls with distinct assistants and 12,000
# numbers, in a file large enough to be split. One thread, two, a pipe, and three shards
# merged keep the same keys and counts.
awk 'BEGIN { pad = sprintf("%2000s", ""); for (i = 0; i < 30000; i++)
  printf "{\"id\":\"c%d\",\"endedReason\":\"%s\",\"assistantId\":\"a%d\",\"phoneNumberId\":\"n%d\",\"startedAt\":%d,\"pad\":\"%s\"}\n",
    i, (i % 3 ? "customer-ended-call" : "pipeline-error-openai-llm-failed"), i, i % 12000, 1719700000000 + i * 7000, pad }' \
  >"$tmp/wide.ndjson"
"$bin" summary "$tmp/wide.ndjson" --format json -j 1 >"$tmp/w1.json"
"$bin" summary "$tmp/wide.ndjson" --format json -j 2 >"$tmp/w2.json"
cat "$tmp/wide.ndjson" | "$bin" summary --format json >"$tmp/w3.json"
split -n l/3 "$tmp/wide.ndjson" "$tmp/wide-part-"
for p in "$tmp"/wide-part-a?; do "$bin" summary "$p" --format json >"$p.json"; done
"$bin" summary --merge "$tmp"/wide-part-a?.json --format json >"$tmp/w4.json"
jq -e '.truncated' "$tmp/w1.json" >/dev/null || { echo "wide: the tables were not truncated"; exit 1; }
# Stdin and merged shards differ from the file's run by their run identities alone.
cmp "$tmp/w1.json" "$tmp/w2.json" &&
  diff <(jq 'del(.inputs.run_ids)' "$tmp/w1.json") <(jq 'del(.inputs.run_ids)' "$tmp/w3.json") >/dev/null ||
  { echo "wide: --jobs or stdin changes a truncated summary"; exit 1; }
diff <(jq 'del(.inputs.files, .inputs.run_ids)' "$tmp/w1.json") <(jq 'del(.inputs.files, .inputs.run_ids)' "$tmp/w4.json") ||
  { echo "wide: merged shards differ from one run"; exit 1; }
echo "wide: 30,000 assistants, 12,000 numbers: 1 and 2 threads, a pipe and 3 merged shards agree"
