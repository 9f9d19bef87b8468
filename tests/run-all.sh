#!/usr/bin/env bash
# Every test: the release build with warnings as errors (unit + golden tests), the same
# suite under AddressSanitizer and UndefinedBehaviorSanitizer (clang), the threaded tests
# and the server under ThreadSanitizer, and a short run of each fuzz target. Each
# configuration builds into its own folder.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

step() { printf '\n== %s\n' "$*"; }

step "release build (g++, -Werror)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DVAPIDIAG_WERROR=ON >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

step "AddressSanitizer + UndefinedBehaviorSanitizer build (clang)"
CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVAPIDIAG_WERROR=ON \
  -DVAPIDIAG_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE timing

step "ThreadSanitizer build (clang): the threaded tests and the server under load"
# The reader's second thread (unit tests tagged [threads]), the end-to-end runs that compare
# 1, 2, 3 and 5 threads, stdin and pipes (crosscheck.sh), and vapidiag-serve's worker, log and
# alert threads: 10,000 reports from 16 clients (load_test.sh checks that none is lost, not
# how fast they go), the end-to-end test and the alert rules. Reports go to files, since a
# server's stderr is a test's scratch file; they are printed when a test fails.
CXX=clang++ cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVAPIDIAG_WERROR=ON \
  -DVAPIDIAG_TSAN=ON >/dev/null
cmake --build build-tsan -j "$jobs" --target vapidiag vapidiag_thread_tests gen_calls vapidiag-serve serve_load
rm -f build-tsan/tsan-report.*
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp:log_path=$PWD/build-tsan/tsan-report"
tsan_failed() {
  echo "FAIL under ThreadSanitizer: $*" >&2
  cat build-tsan/tsan-report.* >&2 2>/dev/null || true
  exit 1
}
build-tsan/tests/vapidiag_thread_tests "[threads]" || tsan_failed "threaded unit tests"
bash tests/cli/crosscheck.sh build-tsan/vapidiag build-tsan/tests/bench/gen_calls || tsan_failed "crosscheck"
bash tests/serve/load_test.sh build-tsan/vapidiag-serve build-tsan/vapidiag build-tsan/tests/serve_load ||
  tsan_failed "serve load test"
bash tests/serve/e2e_test.sh build-tsan/vapidiag-serve build-tsan/vapidiag || tsan_failed "serve e2e test"
bash tests/serve/alerts_test.sh build-tsan/vapidiag-serve || tsan_failed "serve alerts test"
! ls build-tsan/tsan-report.* >/dev/null 2>&1 || tsan_failed "a report was written"
unset TSAN_OPTIONS

if [ -d tests/fuzz ]; then
  step "fuzz targets (clang libFuzzer, ${VAPIDIAG_FUZZ_SECONDS:-30} s each)"
  CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVAPIDIAG_FUZZ=ON \
    -DVAPIDIAG_SANITIZE=ON >/dev/null
  cmake --build build-fuzz -j "$jobs" --target fuzz
  bash tests/fuzz/run.sh build-fuzz "${VAPIDIAG_FUZZ_SECONDS:-30}"
fi
