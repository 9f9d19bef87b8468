#!/usr/bin/env bash
# The speed and memory benchmark of `vapidiag summary`, as time ratios to a plain simdjson
# reader of the same files (../shared/bench/reference, a yardstick: it frames and parses
# records and captures a dozen fields, without vapidiag's validation, classification or
# summary). Each row runs the plain reader and vapidiag alternately, ROUNDS times (the
# order flips every round), and prints the median of the per-round time ratios
# vapidiag / plain reader: 1.00 is as fast, 1.18 is 85 % of its speed. Ratios measured in
# the same run hold up on a loaded or drifting machine where absolute times do not.
#
#   bash tests/bench/bench.sh [BUILD_DIR] [SIZE] [ROUNDS]   (defaults: build 512M 5)
#
# Environment:
#   VAPIDIAG_BENCH_SEEDS  gen_calls seeds, one file per seed and format (default "1")
#   VAPIDIAG_BENCH_DIR    where files go (default /dev/shm/vapidiag-bench, else /tmp/...)
#   VAPIDIAG_BENCH_REF    the plain reader's source folder (default ../shared/bench/reference
#                         beside the repository); without it the ratios are skipped with a note
#   VAPIDIAG_BENCH_JQ=1   also time `jq -r .endedReason | sort | uniq -c` once per format
#   VAPIDIAG_BENCH_KEEP=1 keep the generated files (they are removed at the end otherwise)
#   VAPIDIAG_BENCH_EXTRA=0 skip the NDJSON rows of compressed input and per-call output, whose
#                         ratios are to vapidiag itself on the plain file (say so in the label)
#
# Files are generated with BUILD_DIR/tests/bench/gen_calls into memory (/dev/shm): the
# project's VM drops cached file pages within minutes, and a file in /tmp is then partly
# read from the disk again. Needs GNU time (/usr/bin/time) for the peak RSS.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
size=${2:-512M}
rounds=${3:-5}
seeds=${VAPIDIAG_BENCH_SEEDS:-1}
default_dir=/tmp/vapidiag-bench
[ -d /dev/shm ] && [ -w /dev/shm ] && default_dir=/dev/shm/vapidiag-bench
dir=${VAPIDIAG_BENCH_DIR:-$default_dir}
bin=$build/vapidiag
gen=$build/tests/bench/gen_calls
refsrc=${VAPIDIAG_BENCH_REF:-$root/../shared/bench/reference}
ref=$build/tests/bench/reference_reader
mkdir -p "$dir"
[ "${VAPIDIAG_BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$dir"' EXIT

if [ -f "$refsrc/reference_reader.cpp" ]; then
  if [ ! -x "$ref" ] || [ "$refsrc/reference_reader.cpp" -nt "$ref" ]; then
    # Built as its README says (its own warnings silenced).
    g++ -O2 -w -std=c++17 "$refsrc/reference_reader.cpp" -o "$ref" $(pkg-config --cflags --libs simdjson) -pthread
  fi
else
  echo "note: no plain reader at $refsrc (set VAPIDIAG_BENCH_REF): ratios skipped, seconds only" >&2
  ref=""
fi

# run CMD: runs a command (a string for bash -c) and sets $secs (wall clock, from the
# nanosecond clock) and $rss (peak RSS in KiB of its largest process).
run() {
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$dir/rss.out" bash -c "$1" >/dev/null 2>/dev/null || true
  t1=$(date +%s%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", (b - a) / 1e9}')
  rss=$(tail -n 1 "$dir/rss.out")
}

median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# row LABEL VAPIDIAG_CMD PLAIN_CMD BYTES: ROUNDS alternated runs (after one warm-up run of
# each), then the medians of vapidiag's seconds, the plain reader's and their ratio.
row() {
  local label=$1 vcmd=$2 pcmd=$3 bytes=$4 i vs ps maxrss=0 ratios="" vt="" pt=""
  run "$vcmd"
  [ -n "$pcmd" ] && run "$pcmd"
  for ((i = 0; i < rounds; i++)); do
    if [ -n "$pcmd" ] && ((i % 2)); then run "$pcmd"; ps=$secs; fi
    run "$vcmd"
    vs=$secs
    ((rss > maxrss)) && maxrss=$rss
    if [ -n "$pcmd" ] && ! ((i % 2)); then run "$pcmd"; ps=$secs; fi
    vt+="$vs"$'\n'
    if [ -n "$pcmd" ]; then
      pt+="$ps"$'\n'
      ratios+=$(awk -v a="$vs" -v b="$ps" 'BEGIN{printf "%.4f", a / b}')$'\n'
    fi
  done
  local vmed pmed="" rmed="-" rlo="" rhi=""
  vmed=$(printf '%s' "$vt" | median)
  if [ -n "$pcmd" ]; then
    pmed=$(printf '%.3f' "$(printf '%s' "$pt" | median)")
    rmed=$(printf '%s' "$ratios" | median)
    rlo=$(printf '%s' "$ratios" | sort -g | head -n 1)
    rhi=$(printf '%s' "$ratios" | sort -g | tail -n 1)
    rmed=$(printf '%.2f' "$rmed")
    rlo=$(printf '%.2f' "$rlo")
    rhi=$(printf '%.2f' "$rhi")
  fi
  printf '%-44s %7.3f %6.0f %7s %6s %-11s %5s MiB\n' "$label" "$vmed" \
    "$(awk -v b="$bytes" -v s="$vmed" 'BEGIN{print b / 1e6 / s}')" "${pmed:--}" "$rmed" \
    "${rlo:+$rlo-$rhi}" "$((maxrss / 1024))"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$size files, $rounds rounds, seeds $seeds"
printf '%-44s %7s %6s %7s %6s %-11s %9s\n' "vapidiag summary (against the plain reader)" "s" "MB/s" "plain s" \
  "ratio" "range" "peak RSS"
for seed in $seeds; do
  for format in ndjson array; do
    f="$dir/calls-$size-$seed.$format"
    [ -s "$f" ] || "$gen" --format "$format" --bytes "$size" --seed "$seed" --out "$f" 2>/dev/null
    bytes=$(stat -c %s "$f")
    p1="" p2=""
    if [ -n "$ref" ]; then
      if [ "$format" = ndjson ]; then
        p1="'$ref' lines-full '$f' 1"
        p2="'$ref' lines-full '$f' 2"
      else
        # The plain reader frames arrays on one thread only: -j 2 is compared with it too.
        p1="'$ref' framed-simd-full '$f'"
        p2=$p1
      fi
      run "$p1"
      printf '%-44s %7.3f %6.0f %7s %6s %-11s %5s MiB\n' "plain reader $format seed $seed (1 thread)" "$secs" \
        "$(awk -v b="$bytes" -v s="$secs" 'BEGIN{print b / 1e6 / s}')" "" "" "" "$((rss / 1024))"
    fi
    s="$format seed $seed"
    row "$s, 1 thread, text" "'$bin' summary '$f' -j 1" "$p1" "$bytes"
    row "$s, 1 thread, json" "'$bin' summary '$f' -j 1 --format json" "$p1" "$bytes"
    row "$s, 2 threads, text" "'$bin' summary '$f' -j 2" "$p2" "$bytes"
    row "$s, 2 threads, json" "'$bin' summary '$f' -j 2 --format json" "$p2" "$bytes"
    row "$s, 2 threads, json, < file" "'$bin' summary -j 2 --format json < '$f'" "$p2" "$bytes"
    row "$s, 2 threads, json, pipe" "cat '$f' | '$bin' summary -j 2 --format json" "$p2" "$bytes"
    if [ "$format" = ndjson ] && [ "${VAPIDIAG_BENCH_EXTRA:-1}" = 1 ]; then
      # Compressed input against vapidiag on the same file uncompressed (ratio: the aim for
      # zstd is <= 1.67, 60 % of the speed); gzip is bound by zlib's inflate.
      [ -s "$f.zst" ] || zstd -q -3 -T2 -f "$f" -o "$f.zst"
      [ -s "$f.gz" ] || gzip -6 -c "$f" >"$f.gz"
      u1="'$bin' summary '$f' -j 1 --format json"
      row "$s, zstd file, 1 thread (vs plain file)" "'$bin' summary '$f.zst' -j 1 --format json" "$u1" "$bytes"
      row "$s, zstd file, 2 threads (vs plain file)" "'$bin' summary '$f.zst' -j 2 --format json" \
        "'$bin' summary '$f' -j 2 --format json" "$bytes"
      row "$s, gzip file, 1 thread (vs plain file)" "'$bin' summary '$f.gz' -j 1 --format json" "$u1" "$bytes"
      # Per-call output: a pipe as input flushes whenever it pauses, --line-buffered after
      # every call; both against diagnose of the same file with full buffering.
      d="'$bin' diagnose --format ndjson"
      row "$s, diagnose, pipe in (vs file in)" "cat '$f' | $d > /dev/null" "$d '$f' > /dev/null" "$bytes"
      row "$s, diagnose --line-buffered (vs not)" "$d --line-buffered '$f' > '$dir/out'" "$d '$f' > '$dir/out'" \
        "$bytes"
      rm -f "$dir/out"
      [ "${VAPIDIAG_BENCH_KEEP:-0}" = 1 ] || rm -f "$f.zst" "$f.gz"
    fi
    if [ "${VAPIDIAG_BENCH_JQ:-0}" = 1 ]; then
      sel='.endedReason'
      [ "$format" = array ] && sel='.[].endedReason'
      run "jq -r '$sel' '$f' | sort | uniq -c"
      printf '%-44s %7.3f %6.0f %7s %6s %-11s %5s MiB\n' "jq -r '$sel' | sort | uniq -c" "$secs" \
        "$(awk -v b="$bytes" -v s="$secs" 'BEGIN{print b / 1e6 / s}')" "" "" "" "$((rss / 1024))"
    fi
    [ "${VAPIDIAG_BENCH_KEEP:-0}" = 1 ] || rm -f "$f"
  done
done
