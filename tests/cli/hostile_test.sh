#!/usr/bin/env bash
# The hostile battery: each case puts something nasty between two good calls and checks
# the exit status, the message on stderr, that both good calls are still diagnosed, and
# that the record accounting adds up. Large cases also check peak memory.
# Usage: hostile_test.sh VAPIDIAG
set -uo pipefail
bin=$1
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL [$case]: $*"; failures=$((failures + 1)); }

good1='{"id":"good-1","status":"ended","endedReason":"customer-ended-call","startedAt":"2024-06-30T10:00:00Z","endedAt":"2024-06-30T10:01:00Z"}'
good2='{"id":"good-2","status":"ended","endedReason":"voicemail","startedAt":"2024-06-30T11:00:00Z","endedAt":"2024-06-30T11:00:40Z"}'

# run CASE FILE EXPECTED_STATUS STDERR_REGEX GOOD_CALLS UNREADABLE [MAX_RSS_MIB]
run() {
  case=$1 file=$2 want_status=$3 want_err=$4 want_good=$5 want_bad=$6 max_rss=${7:-}
  /usr/bin/time -f "%M" -o "$tmp/rss" "$bin" summary "$file" --format json >"$tmp/out.json" 2>"$tmp/err"
  status=$?
  [ "$status" -eq "$want_status" ] || fail "exit status $status, expected $want_status"
  if [ -n "$want_err" ]; then grep -Eq "$want_err" "$tmp/err" || fail "stderr lacks /$want_err/: $(head -c 300 "$tmp/err")"; fi
  if [ -s "$tmp/out.json" ]; then
    calls=$(jq '.inputs.calls' "$tmp/out.json")
    bad=$(jq '.inputs.unreadable' "$tmp/out.json")
    [ "$calls" -eq "$want_good" ] || fail "$calls calls diagnosed, expected $want_good"
    [ "$bad" -eq "$want_bad" ] || fail "$bad unreadable, expected $want_bad"
    jq -e '.inputs.records == .inputs.calls + .inputs.not_ended + .inputs.skipped + .inputs.unreadable' \
      "$tmp/out.json" >/dev/null || fail "records do not add up"
    # Each unreadable record is reported exactly once.
    reported=$(grep -c 'unreadable:' "$tmp/err")
    [ "$reported" -eq "$want_bad" ] || fail "$reported unreadable reports, expected $want_bad"
  else
    fail "no summary written"
  fi
  if [ -n "$max_rss" ]; then
    rss=$(( $(tail -n 1 "$tmp/rss") / 1024 ))
    [ "$rss" -le "$max_rss" ] || fail "peak RSS $rss MiB > $max_rss MiB"
    echo "  $case: peak RSS $rss MiB"
  fi
}

# Between two good calls, one per line.
sandwich() { { echo "$good1"; printf '%s\n' "$1"; echo "$good2"; } >"$tmp/$2"; echo "$tmp/$2"; }

: >"$tmp/empty";                  run empty "$tmp/empty" 0 "" 0 0
printf ' \n\t\r\n  ' >"$tmp/ws";   run whitespace "$tmp/ws" 0 "" 0 0
printf '\xef\xbb\xbf' >"$tmp/bom"; run bom-alone "$tmp/bom" 0 "" 0 0
run invalid-utf8 "$(sandwich $'{"id":"x","endedReason":"voicemail","endedMessage":"\xff\xfe bad"}' utf8)" 3 'UTF-8' 2 1
f=$(sandwich '{"id":"x","endedReason":"voice' nul); printf '{"id":"n","endedReason":"voicemail\x00"}\n' >"$f.2"
{ echo "$good1"; printf '{"id":"n","endedReason":"a\x00b"}\n'; echo "$good2"; } >"$tmp/nul"
run nul-byte "$tmp/nul" 3 'unreadable' 2 1
{ echo "$good1"; head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; echo; echo "$good2"; } >"$tmp/deep"
run deep-nesting "$tmp/deep" 3 'deep|depth|nest' 2 1 200
{ echo "$good1"; printf '{"id":"big","endedReason":"voicemail","endedMessage":"'; head -c 52428800 /dev/zero | tr '\0' 'a'; echo '"}'; echo "$good2"; } >"$tmp/bigstring"
run string-50mb "$tmp/bigstring" 3 "larger than 32 MiB" 2 1 150
{ echo "$good1"; printf '{"id":"huge","endedReason":"voicemail","messages":['; for i in $(seq 1 2000); do printf '{"role":"user","message":"%s"},' "$(head -c 100000 /dev/zero | tr '\0' 'b')"; done; echo '{"role":"bot"}]}'; echo "$good2"; } >"$tmp/huge"
run object-200mb "$tmp/huge" 3 "larger than .* --max-record-mb" 2 1 150
run number-out-of-range "$(sandwich '{"id":"n","endedReason":"voicemail","cost":1e999999,"startedAt":99999999999999999999999}' range)" 0 "" 3 0
run reason-number "$(sandwich '{"id":"n","endedReason":42}' rnum)" 3 'endedReason is a number' 2 1
run reason-null "$(sandwich '{"id":"n","status":"queued","endedReason":null}' rnull)" 0 "" 2 0
run reason-object "$(sandwich '{"id":"n","endedReason":{"a":1}}' robj)" 3 'endedReason is an? object' 2 1
run reason-array "$(sandwich '{"id":"n","endedReason":["voicemail"]}' rarr)" 3 'endedReason is an? array' 2 1
run duplicate-keys "$(sandwich '{"id":"d","endedReason":"voicemail","endedReason":"worker-shutdown"}' dup)" 0 "" 3 0
jq -e '.codes | map(.code) | index("worker-shutdown") != null' "$tmp/out.json" >/dev/null || { case=duplicate-keys; fail "the last endedReason did not win"; }
{ echo "$good1"; echo "$good2"; printf '{"id":"t","endedReason":"voice'; } >"$tmp/trunc"
run truncated-in-string "$tmp/trunc" 3 'truncated|ended inside' 2 1
{ echo "[$good1,"; echo "$good2"; } >"$tmp/noclose"
run array-missing-bracket "$tmp/noclose" 3 'missing|\]|closing|truncated' 2 1
{ echo "[$good1,,"; echo "$good2]"; } >"$tmp/comma"
run stray-comma "$tmp/comma" 3 'comma' 2 1
{ echo "$good1"; head -c 4096 /dev/urandom | tr -d '\n{}[]"'; echo; echo "$good2"; } >"$tmp/garbage"
run binary-garbage "$tmp/garbage" 3 'unreadable' 2 1
printf '<html><body>502 Bad Gateway</body></html>\n' >"$tmp/page.html"
run html "$tmp/page.html" 3 'not JSON.*HTML' 0 0
printf 'id,endedReason\nabc,voicemail\n' >"$tmp/calls.csv"
run csv "$tmp/calls.csv" 3 'not JSON' 0 0
run dev-null /dev/null 0 "" 0 0
# Compressed input: read whole, in bounded memory (a 300 MB bomb of blanks), and bad or
# truncated data is an error that keeps the calls before it.
{ echo "$good1"; echo "$good2"; } | gzip >"$tmp/good.gz";       run gzip "$tmp/good.gz" 0 "" 2 0
{ echo "$good1"; echo "$good2"; } | zstd -q >"$tmp/good.zst";   run zstd "$tmp/good.zst" 0 "" 2 0
{ echo "$good1"; head -c 314572800 /dev/zero | tr '\0' ' '; echo "$good2"; } | gzip -1 >"$tmp/bomb.gz"
run gzip-bomb "$tmp/bomb.gz" 0 "" 2 0 100
# Random text that does not compress, each line starting with a letter: a run of text lines
# that starts with a digit could be a broken number, so it would count as unreadable.
{ echo "$good1"; echo "$good2"; head -c 200000 /dev/urandom | base64 | sed 's/^/x/'; } | gzip >"$tmp/long.gz"
head -c "$(( $(stat -c %s "$tmp/long.gz") / 2 ))" "$tmp/long.gz" >"$tmp/cut.gz"
run gzip-truncated "$tmp/cut.gz" 3 'gzip data is truncated' 2 0
{ echo "$good1"; echo "$good2"; } | zstd -q | head -c 30 >"$tmp/cut.zst"
run zstd-truncated "$tmp/cut.zst" 3 'zstd' 0 0

# Several inputs: a directory, a missing file and an unreadable one among good files.
echo "$good1" >"$tmp/good.ndjson"; echo "$good2" >"$tmp/good2.ndjson"
mkdir "$tmp/dir"; echo "$good1" >"$tmp/secret.ndjson"; chmod 000 "$tmp/secret.ndjson"; chmod o+rx "$tmp"
case=inputs
# As root, the unreadable file is tested as user nobody, when nobody can run the binary (a
# checkout in a private folder, such as one made by mktemp -d, keeps nobody out).
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ] &&
  as_nobody "$bin" summary /dev/null --format json >/dev/null 2>&1; then
  chmod o+r "$tmp/good.ndjson" "$tmp/good2.ndjson"
  as_nobody "$bin" summary "$tmp/good.ndjson" "$tmp/dir" \
    "$tmp/missing.json" "$tmp/secret.ndjson" "$tmp/good2.ndjson" --format json >"$tmp/out.json" 2>"$tmp/err"
  status=$?
  grep -q 'Permission denied' "$tmp/err" || fail "no message for the unreadable file: $(cat "$tmp/err")"
  want_errors=3
else
  "$bin" summary "$tmp/good.ndjson" "$tmp/dir" "$tmp/missing.json" "$tmp/good2.ndjson" --format json \
    >"$tmp/out.json" 2>"$tmp/err"
  status=$?
  want_errors=2
fi
[ "$status" -eq 3 ] || fail "exit status $status, expected 3"
grep -q 'directory' "$tmp/err" || fail "no message for the directory"
grep -q 'No such file' "$tmp/err" || fail "no message for the missing file"
[ "$(jq '.inputs.calls' "$tmp/out.json")" -eq 2 ] || fail "good files not diagnosed"
[ "$(jq '.inputs.file_errors' "$tmp/out.json")" -eq "$want_errors" ] || fail "file errors not counted"

# Nothing lost: N records, K broken in various ways; exactly N-K diagnosed, K reported once.
case=nothing-lost
: >"$tmp/mix"
n=0 k=0
for i in $(seq 1 200); do
  n=$((n + 1))
  case $((i % 10)) in
    3) echo '{"id":"b'$i'","endedReason":"voicemail",}' >>"$tmp/mix"; k=$((k + 1)) ;;
    6) echo '{"id":"b'$i'","endedReason":7}' >>"$tmp/mix"; k=$((k + 1)) ;;
    9) echo '{"id":"b'$i'","endedReason":"voicemail"' >>"$tmp/mix"; k=$((k + 1)) ;;
    *) echo '{"id":"g'$i'","status":"ended","endedReason":"customer-busy"}' >>"$tmp/mix" ;;
  esac
done
"$bin" summary "$tmp/mix" --format json >"$tmp/out.json" 2>"$tmp/err"
[ "$(jq '.inputs.records' "$tmp/out.json")" -eq "$n" ] || fail "records $(jq '.inputs.records' "$tmp/out.json") != $n"
[ "$(jq '.inputs.calls' "$tmp/out.json")" -eq $((n - k)) ] || fail "calls != N-K"
[ "$(jq '.inputs.unreadable' "$tmp/out.json")" -eq "$k" ] || fail "unreadable != K"
[ "$(grep -c 'unreadable:' "$tmp/err")" -eq "$k" ] || fail "each broken record not reported exactly once"
for i in 3 6 9 193; do grep -q "record $i " "$tmp/err" || fail "record $i not named"; done

# stdin closed at once, and a reader that goes away.
case=stdin-closed
"$bin" summary <&- >/dev/null 2>"$tmp/err"; status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || fail "exit status $status"
case=pipe-closed
"$bin" diagnose "$tmp/mix" 2>"$tmp/err" | head -1 >/dev/null
[ "${PIPESTATUS[0]}" -eq 3 ] || [ "${PIPESTATUS[0]}" -eq 0 ] || fail "diagnose | head exited ${PIPESTATUS[0]}"
case=full-disk
"$bin" summary "$tmp/mix" >/dev/full 2>"$tmp/err"; status=$?
[ "$status" -eq 4 ] || fail "exit status $status for /dev/full"
grep -q 'No space left' "$tmp/err" || fail "no message for /dev/full"

if [ "$failures" -gt 0 ]; then echo "hostile: $failures failure(s)"; exit 1; fi
echo "hostile: ok"
