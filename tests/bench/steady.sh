#!/usr/bin/env bash
# How steady `vapidiag summary FILE -j THREADS` is from run to run, beside the plain simdjson
# reader (../shared/bench/reference, built by bench.sh) on the same file and threads: ROUNDS
# alternated runs of each (the order flips every round), then for each program its
# seconds sorted, the median, the slowest over the fastest run and the coefficient of
# variation, and the median of the per-round time ratios. A program with two speeds shows
# as two clusters in the sorted list and a large max/min where the plain reader has none.
#
#   bash tests/bench/steady.sh [BUILD_DIR] FILE [THREADS] [ROUNDS]   (defaults: build, 1, 21)
#
# FILE is NDJSON (the plain reader's `lines-full` mode); put it in /dev/shm, or see the
# note in bench.sh about this VM's page cache.
set -euo pipefail
build=${1:-build}
file=${2:?usage: steady.sh [BUILD_DIR] FILE [THREADS] [ROUNDS]}
threads=${3:-1}
rounds=${4:-21}
ref=$build/tests/bench/reference_reader
if [ ! -x "$ref" ]; then
  echo "steady.sh: no plain reader at $ref: run tests/bench/bench.sh once to build it" >&2
  exit 2
fi
a=("$build/vapidiag" summary "$file" -j "$threads")
b=("$ref" lines-full "$file" "$threads")

# secs CMD...: wall-clock seconds of one run (nanosecond clock), output discarded.
secs() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", (b - a) / 1e9}'
}

for ((i = 0; i < rounds; i++)); do
  if ((i % 2)); then
    tb=$(secs "${b[@]}")
    ta=$(secs "${a[@]}")
  else
    ta=$(secs "${a[@]}")
    tb=$(secs "${b[@]}")
  fi
  echo "$ta $tb"
done | awk -v threads="$threads" '
  function report(name, v, n,   i, j, t, sum, mean, var, med) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    sum = 0
    for (i = 1; i <= n; i++) sum += v[i]
    mean = sum / n
    var = 0
    for (i = 1; i <= n; i++) var += (v[i] - mean) ^ 2
    med = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    printf "%s, %d thread(s), %d runs: median %.3f s, max/min %.2f, variation %.1f %%\n  ", name, threads, n, med, v[n] / v[1], 100 * sqrt(var / n) / mean
    for (i = 1; i <= n; i++) printf "%.3f%s", v[i], i < n ? " " : "\n"
  }
  { n++; va[n] = $1; vb[n] = $2; r[n] = $1 / $2 }
  END {
    report("vapidiag summary", va, n)
    report("plain reader", vb, n)
    for (i = 2; i <= n; i++) for (j = i; j > 1 && r[j - 1] > r[j]; j--) { t = r[j]; r[j] = r[j - 1]; r[j - 1] = t }
    printf "median ratio %.3f\n", n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
  }'
