#!/usr/bin/env bash
# The speed and memory benchmark of the call-log reader, end to end: times
# `vapidiag summary` (one thread; all cores on the file; stdin redirected from the file,
# which is read like the file; stdin from a pipe, read as a stream) and a jq pipeline that
# only counts endedReason values on the same generated files, and prints MB/s for both,
# the ratio and the peak RSS (of the largest process of the command: vapidiag, or jq).
#
#   bash tests/bench/bench.sh [BUILD_DIR] [SIZE]      (defaults: build 1G)
#
# Files are generated once into $VAPIDIAG_BENCH_DIR with BUILD_DIR/tests/bench/gen_calls:
# by default /dev/shm/vapidiag-bench (memory), else /tmp/vapidiag-bench. The point is to
# time reading from memory, as from the page cache: the project's VM drops cached file
# pages within minutes, and then a file in /tmp is partly read from the disk again.
# Needs jq and GNU time (/usr/bin/time).
set -euo pipefail
build=${1:-build}
size=${2:-1G}
default_dir=/tmp/vapidiag-bench
[ -d /dev/shm ] && [ -w /dev/shm ] && default_dir=/dev/shm/vapidiag-bench
dir=${VAPIDIAG_BENCH_DIR:-$default_dir}
bin=$build/vapidiag
gen=$build/tests/bench/gen_calls
mkdir -p "$dir"

for format in ndjson array; do
  f="$dir/calls-$size.$format"
  [ -s "$f" ] || "$gen" --format "$format" --bytes "$size" --seed 1 --out "$f" 2>/dev/null
done

# Runs a command (a string for bash -c) once to warm the page cache, then times it
# three times; prints the best elapsed seconds and the peak RSS in KiB of that run.
measure() {
  bash -c "$1" >/dev/null 2>&1 || true
  local best="" rss=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$dir/time.out" bash -c "$1" >/dev/null 2>/dev/null || true
    read -r e m <"$dir/time.out"
    if [ -z "$best" ] || awk -v a="$e" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$e rss=$m; fi
  done
  echo "$best $rss"
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN{ if (s <= 0) s = 0.001; printf "%.0f", b / 1e6 / s }'; }

printf '%-34s %10s %10s %12s\n' "run ($size files, $(nproc) cores)" "seconds" "MB/s" "peak RSS"
for format in ndjson array; do
  f="$dir/calls-$size.$format"
  bytes=$(stat -c %s "$f")
  sel='.endedReason'; [ "$format" = array ] && sel='.[].endedReason'
  read -r v1 v1r < <(measure "'$bin' summary '$f' --format json -j 1")
  read -r vs vr < <(measure "'$bin' summary '$f' --format json")
  read -r ss sr < <(measure "'$bin' summary --format json < '$f'")
  read -r ps pr < <(measure "cat '$f' | '$bin' summary --format json")
  read -r js jr < <(measure "jq -r '$sel' '$f' | sort | uniq -c")
  printf '%-34s %10s %10s %9s MiB\n' "vapidiag summary $format (1 thread)" "$v1" "$(mbps "$bytes" "$v1")" "$((v1r / 1024))"
  printf '%-34s %10s %10s %9s MiB\n' "vapidiag summary $format (file, -j $(nproc))" "$vs" "$(mbps "$bytes" "$vs")" "$((vr / 1024))"
  printf '%-34s %10s %10s %9s MiB\n' "vapidiag summary $format (< file)" "$ss" "$(mbps "$bytes" "$ss")" "$((sr / 1024))"
  printf '%-34s %10s %10s %9s MiB\n' "vapidiag summary $format (pipe)" "$ps" "$(mbps "$bytes" "$ps")" "$((pr / 1024))"
  printf '%-34s %10s %10s %9s MiB\n' "jq -r '$sel' | sort | uniq -c" "$js" "$(mbps "$bytes" "$js")" "$((jr / 1024))"
  printf '%-34s %10s\n' "ratio vapidiag/jq ($format)" "$(awk -v a="$js" -v b="$vs" 'BEGIN{printf "%.1fx", a / b}')"
done
