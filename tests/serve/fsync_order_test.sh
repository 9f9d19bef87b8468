#!/usr/bin/env bash
# The answer waits for the fsync: under strace, for each stored report the server's
# write() of the line to the log comes first, then an fdatasync() of the log that has
# returned, and only then the send() of "HTTP/1.1 200". (SIGKILL leaves the page cache
# intact, so the crash test alone could not show this.)   fsync_order_test.sh VAPIDIAG_SERVE
set -euo pipefail
SERVE=$1
WORK=$(mktemp -d)
PID=
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib.sh"
SERVE_REAL=$SERVE
SERVE="$WORK/traced"
cat >"$SERVE" <<EOS
#!/usr/bin/env bash
exec strace -f -qq -e trace=write,fdatasync,sendto -e signal=none -o "$WORK/trace" "$SERVE_REAL" "\$@"
EOS
chmod +x "$SERVE"
start_server --log "$WORK/calls.ndjson" --threads 2
for i in 1 2 3; do
  expect 200 POST /webhook -H 'Content-Type: application/json' --data-binary @"$SAMPLES/end-of-call-report-2024-06.json"
done
# $PID is strace; the server is its child.
kill -TERM "$(pgrep -P "$PID")"
rc=0
wait "$PID" || rc=$?
[ "$rc" = 0 ] || fail "server exited $rc"
PID=
# Lines of interest, in the order strace saw them; a syscall split across lines by another
# thread is "unfinished" then "resumed": its end is the resumed line.
awk '
  /write\([0-9]+, "\{/ && !/write\(2,/ && !/resumed/ { print NR, "write"; next }
  /fdatasync\([0-9]+\) *= 0/ || /<\.\.\. fdatasync resumed>.*= 0/ { print NR, "synced"; next }
  /sendto\([0-9]+, "HTTP\/1\.1 200/ { print NR, "send200"; next }
' "$WORK/trace" >"$WORK/events"
cat "$WORK/events"
awk '
  $2 == "write" { pending++; next }
  $2 == "synced" { synced += pending; pending = 0; next }
  $2 == "send200" { if (synced < 1) { print "send before fsync at trace line " $1; bad = 1 } synced--; sent++ }
  END { if (sent != 3) { print "expected 3 answers, saw " sent; bad = 1 } exit bad }
' "$WORK/events" || { cat "$WORK/trace" | head -50 >&2; fail "an answer went out before its line was synced"; }
echo "serve fsync order: write, fdatasync, then the answer, for each of 3 reports"
