#!/usr/bin/env bash
# Terminal manners of the real binary: colour only on a terminal and never with
# NO_COLOR, a clean exit when the reader of the pipe goes away, an error (not a
# silent success) when output cannot be written, and sane handling of odd inputs.
# Usage: manners_test.sh VAPIDIAG
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
sample="$root/data/samples/calls.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
esc=$'\x1b['
sgr='\x1b\[[0-9;]*m'

# Colour: none when piped, some on a terminal, none with NO_COLOR or --color never.
"$bin" explain voicemail | grep -qF "$esc" && fail "colour on a pipe"
"$bin" explain voicemail --color always | grep -qF "$esc" || fail "--color always gives no colour"
if command -v script >/dev/null; then
  script -qec "$bin explain voicemail" /dev/null >"$tmp/tty.txt" </dev/null
  grep -qF "$esc" "$tmp/tty.txt" || fail "no colour on a terminal"
  NO_COLOR=1 script -qec "$bin explain voicemail" /dev/null >"$tmp/tty.txt" </dev/null
  grep -qP "$sgr" "$tmp/tty.txt" && fail "colour with NO_COLOR"
  script -qec "$bin explain voicemail --color never" /dev/null >"$tmp/tty.txt" </dev/null
  grep -qP "$sgr" "$tmp/tty.txt" && fail "colour with --color never"
fi

# A closed pipe: stop at once, quietly, with status 0.
for i in $(seq 1 300); do jq -c '.[]' "$sample"; done >"$tmp/big.ndjson"
start=$(date +%s%N)
"$bin" diagnose "$tmp/big.ndjson" 2>"$tmp/err" | head -1 >/dev/null
status=${PIPESTATUS[0]}
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$status" -eq 0 ] || fail "diagnose | head -1 exited $status"
[ -s "$tmp/err" ] && fail "diagnose | head -1 wrote to stderr: $(cat "$tmp/err")"
echo "diagnose | head -1: ${elapsed_ms} ms"

# A full disk: an error and status 4, never a silent success.
if "$bin" diagnose "$sample" >/dev/full 2>"$tmp/err"; then fail "writing to /dev/full succeeded"; fi
"$bin" diagnose "$sample" >/dev/full 2>/dev/null || [ $? -eq 4 ] || fail "wrong status for /dev/full"
grep -q "No space left on device" "$tmp/err" || fail "no message for /dev/full"
"$bin" codes --format json >/dev/full 2>/dev/null && fail "codes to /dev/full succeeded"

# Odd inputs.
"$bin" summary </dev/null >"$tmp/out" || fail "empty stdin failed"
grep -q "0 records" "$tmp/out" || fail "empty stdin not reported as 0 records"
"$bin" summary /dev/null >/dev/null || fail "/dev/null failed"
set +e
"$bin" summary "$root" >/dev/null 2>"$tmp/err"; st=$?
set -e
[ "$st" -eq 3 ] || fail "a directory gave status $st"
grep -q "directory" "$tmp/err" || fail "no message for a directory: $(cat "$tmp/err")"
set +e
"$bin" summary <&- >/dev/null 2>"$tmp/err"; st=$?
set -e
[ "$st" -eq 0 ] || [ "$st" -eq 3 ] || fail "closed stdin gave status $st"
echo "manners: ok"
