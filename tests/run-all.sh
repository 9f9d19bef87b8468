#!/usr/bin/env bash
# Every test: the release build with warnings as errors (unit + golden tests), the same
# suite under AddressSanitizer and UndefinedBehaviorSanitizer, a clang build, and a
# short run of each fuzz target. Each configuration builds into its own folder.
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

step "ThreadSanitizer build (clang): the threaded tests"
# The reader's second thread (unit tests tagged [threads]) and the end-to-end runs that
# compare 1, 2, 3 and 5 threads, stdin and pipes (crosscheck.sh).
CXX=clang++ cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVAPIDIAG_WERROR=ON \
  -DVAPIDIAG_TSAN=ON >/dev/null
cmake --build build-tsan -j "$jobs" --target vapidiag vapidiag_thread_tests gen_calls
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
build-tsan/tests/vapidiag_thread_tests "[threads]"
bash tests/cli/crosscheck.sh build-tsan/vapidiag build-tsan/tests/bench/gen_calls
unset TSAN_OPTIONS

if [ -d tests/fuzz ]; then
  step "fuzz targets (clang libFuzzer, ${VAPIDIAG_FUZZ_SECONDS:-30} s each)"
  CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVAPIDIAG_FUZZ=ON \
    -DVAPIDIAG_SANITIZE=ON >/dev/null
  cmake --build build-fuzz -j "$jobs" --target fuzz
  bash tests/fuzz/run.sh build-fuzz "${VAPIDIAG_FUZZ_SECONDS:-30}"
fi
