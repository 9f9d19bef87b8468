#!/usr/bin/env bash
# gen_calls writes the same bytes for a seed whatever compiler built it (the release build
# uses g++, the sanitizer builds clang): benchmarks compare files, and the two builds' runs
# must read the same ones. The checksums below are of the files for a fixed code list; a
# change to the generator that changes its output updates them on purpose.
# Usage: gen_same_bytes.sh GEN_CALLS
set -euo pipefail
gen=$1
data=$(cd "$(dirname "$0")/../data/gen" && pwd)
fail=0
while read -r format seed want; do
  got=$("$gen" --format "$format" --bytes 1M --seed "$seed" --codes "$data/codes.txt" --retired "$data/retired.tsv" |
    sha256sum | cut -d' ' -f1)
  if [ "$got" != "$want" ]; then
    echo "gen_calls --format $format --seed $seed: sha256 $got, expected $want"
    fail=1
  fi
done <<'SUMS'
ndjson 11 4c66835478dd876cc199d63e20945542607b58e87a4a6893eadc101bc78cdcfa
array 12 6d21e0e9794a10cae64cc5cc1e2d1ac2a5d4096dd982dd1fbbb50a9e322fcf69
results 13 364670bd18b4331158be96137494edf9775822b8d26ae9e6d7173eff0ae503c1
SUMS
[ "$fail" = 0 ] && echo "gen_calls: the same bytes as recorded for 3 formats and seeds"
exit "$fail"
