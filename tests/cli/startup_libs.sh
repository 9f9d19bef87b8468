#!/usr/bin/env bash
# The quick commands start about as fast as a process can because `vapidiag` loads no shared
# library but libc: libstdc++ is linked in, and simdjson, fmt, zlib and zstd belong to
# vapidiag-logs, which runs diagnose, summary and check. A new dependency of the front end
# would quietly cost start-up time; this fails instead. The time itself is measured by
# tests/bench/startup.sh, not here.
# usage: startup_libs.sh VAPIDIAG VAPIDIAG_LOGS
set -euo pipefail
front=$1 logs=$2
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' '; }
got=$(needed "$front")
for lib in $got; do
  case $lib in
    libc.so.*|libm.so.*|ld-linux*) ;;
    *) echo "FAIL: vapidiag loads $lib (only libc expected): $got"; exit 1 ;;
  esac
done
# The log program does load the reader's libraries: the check above can tell them apart.
logs_libs=$(needed "$logs")
case $logs_libs in
  *libsimdjson*) ;;
  *) echo "FAIL: vapidiag-logs does not load simdjson ($logs_libs): is the test reading the right program?"; exit 1 ;;
esac
# And every command still works through the front end.
root=$(cd "$(dirname "$0")/../.." && pwd)
"$front" explain customer-busy >/dev/null
out=$("$front" summary "$root/data/samples/calls.json" --format json)
[[ $out == *'"calls": 30,'* ]] || { echo "FAIL: summary through the front end"; exit 1; }
echo "startup_libs: vapidiag loads $got; vapidiag-logs loads $logs_libs"
