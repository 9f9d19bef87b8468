#!/usr/bin/env bash
# Run the libFuzzer targets one after another (the machine has 2 cores).
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# BUILD_DIR is a build configured with -DVAPIDIAG_FUZZ=ON -DVAPIDIAG_SANITIZE=ON (clang).
# Each target starts from tests/fuzz/seeds/<target> (which also holds the inputs of
# earlier crashes, as regression inputs) with tests/fuzz/json_codes.dict. What it learns
# goes to BUILD_DIR/fuzz/corpus/<target> (kept between runs, never in the source tree),
# its log to BUILD_DIR/fuzz/logs/<target>.log, a crashing input to
# BUILD_DIR/fuzz/artifacts/<target>-crash-*.
# FUZZ_EXTRA_ARGS adds libFuzzer flags, e.g. FUZZ_EXTRA_ARGS=-runs=10000000, or
# "-fork=1 -ignore_crashes=1" to collect every crash of a long run.
# Exit status: 0 no target crashed, 1 some target crashed or failed to run, 2 usage.
set -uo pipefail

usage() { echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" 2>/dev/null && pwd) || { echo "$0: no build directory '$1'" >&2; exit 2; }
seconds=$2
[[ $seconds =~ ^[0-9]+$ ]] || usage
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_classify fuzz_reader fuzz_cli_input)

work=$build/fuzz
mkdir -p "$work/logs" "$work/artifacts" "$work/cwd"
failed=0
printf '%-16s %12s %8s %8s  %s\n' target executions cov: exec/s result
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/$t
  if [ ! -x "$bin" ]; then
    printf '%-16s %12s %8s %8s  %s\n' "$t" - - - "NOT BUILT ($bin)"
    failed=1
    continue
  fi
  corpus=$work/corpus/$t
  mkdir -p "$corpus"
  log=$work/logs/$t.log
  rm -f "$work/artifacts/$t"-*
  # Run from an empty scratch directory: fuzz_cli_input passes words as file names.
  # shellcheck disable=SC2086
  (cd "$work/cwd" &&
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$bin" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
      -dict="$here/json_codes.dict" -artifact_prefix="$work/artifacts/$t-" -print_final_stats=1 \
      ${FUZZ_EXTRA_ARGS:-} "$corpus" "$here/seeds/$t" </dev/null >"$log" 2>&1)
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  # -fork mode prints no final stats: take the last "#N" progress line instead.
  [ -n "$execs" ] || execs=$(grep -o '^#[0-9]\+' "$log" | tail -1 | tr -d '#')
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  artifact=$(ls "$work/artifacts/$t"-* 2>/dev/null | head -1)
  if [ $rc -eq 0 ] && [ -z "$artifact" ]; then
    result="ok"
  else
    failed=1
    reason=$(grep -m1 -o -E 'invariant failed: .*|runtime error: .*|ERROR: [A-Za-z]+Sanitizer: [^ ]*|what\(\): .*|ERROR: libFuzzer: [a-z -]*' "$log" | cut -c1-120)
    result="CRASH (exit $rc): ${reason:-see log}; input: ${artifact:-none}; log: $log"
  fi
  printf '%-16s %12s %8s %8s  %s\n' "$t" "${execs:--}" "${cov:--}" "${speed:--}" "$result"
done
exit $failed
