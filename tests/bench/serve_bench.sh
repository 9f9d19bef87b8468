#!/usr/bin/env bash
# Benchmark of vapidiag-serve (not a test): reports per second and p50/p99 latency with
# durable acknowledgements (each 200 waits for the fdatasync of its line), the load client
# on the same machine. The log goes to a folder on disk (not tmpfs), so syncs are real.
#   tests/bench/serve_bench.sh [BUILD_DIR] [REPORTS] [CLIENTS] [RUNS]
# Reports are about 1 KB; SERVE_LOAD_REPORT_KB=20 pads each to about 20 KB (a long call).
# Targets (2 cores, client included): at least 2,000 reports/s, p99 under 50 ms.
set -euo pipefail
build=${1:-build}
reports=${2:-20000}
clients=${3:-16}
runs=${4:-3}
serve="$build/vapidiag-serve"
load="$build/tests/serve_load"
[ -x "$serve" ] && [ -x "$load" ] || { echo "build vapidiag-serve and serve_load first" >&2; exit 2; }
dir=$(mktemp -d "$build/serve-bench.XXXXXX")
pid=
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
echo "vapidiag-serve benchmark: $reports reports, $clients clients, $runs runs, log on $(df -T "$dir" | awk 'NR == 2 { print $2 }')"
echo "reports of about ${SERVE_LOAD_REPORT_KB:-1} KB"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$runs"); do
  rm -f "$dir/calls.ndjson"
  "$serve" --listen 127.0.0.1:0 --log "$dir/calls.ndjson" 2>"$dir/err" &
  pid=$!
  port=
  for _ in $(seq 1 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/err")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { cat "$dir/err" >&2; exit 1; }
  printf 'run %s: ' "$run"
  "$load" "$port" "$reports" "$clients"
  curl -s "http://127.0.0.1:$port/metrics" >"$dir/metrics"
  stored=$(awk '$1 == "vapidiag_log_records_total{kind=\"call\"}" { print $2 }' "$dir/metrics")
  syncs=$(awk '$1 == "vapidiag_log_syncs_total" { print $2 }' "$dir/metrics")
  kill -TERM "$pid"
  wait "$pid"
  pid=
  echo "  stored $stored calls in $(wc -l <"$dir/calls.ndjson") log lines with $syncs fdatasyncs"
done
