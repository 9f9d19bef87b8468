#!/usr/bin/env bash
# docs/scale.md's recipe, run for real: GNU parallel summarises shards on two local job
# slots (-S 2/:), and `summary --merge` of their JSON summaries equals one run over every
# shard. usage: scale.sh VAPIDIAG GEN_CALLS
set -euo pipefail
vapidiag=$(realpath "$1") gen=$(realpath "$2")
command -v parallel >/dev/null || { echo "FAIL: GNU parallel is not installed (apt-get install parallel)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/shards"
ln -s "$vapidiag" "$tmp/bin/vapidiag"
[ -x "$(dirname "$vapidiag")/vapidiag-logs" ] && ln -s "$(dirname "$vapidiag")/vapidiag-logs" "$tmp/bin/vapidiag-logs"
for i in 1 2 3 4; do "$gen" --bytes 2M --seed "$i" --out "$tmp/shards/s$i.ndjson" 2>/dev/null; done
zstd -q --rm "$tmp/shards/s4.ndjson"  # a compressed shard too
cd "$tmp/shards"
# The recipe of docs/scale.md, with the local host for the remote ones.
ls ./*.ndjson ./*.zst | PATH="$tmp/bin:$PATH" parallel --will-cite -S 2/: --transferfile {} --return {}.sum.json \
  --cleanup "vapidiag summary {} -j 1 --format json > {}.sum.json" 2>"$tmp/parallel.err" ||
  { echo "FAIL: parallel: $? jobs failed"; cat "$tmp/parallel.err"; exit 1; }
grep -v "ignored as there are no remote" "$tmp/parallel.err" >&2 || true
n=$(ls ./*.sum.json | wc -l)
[ "$n" = 4 ] || { echo "FAIL: $n summaries written, 4 expected"; exit 1; }
"$vapidiag" summary --merge ./*.sum.json --format json | jq -S 'del(.inputs.run_ids)' >"$tmp/merged.json"
"$vapidiag" summary ./*.ndjson ./*.zst --format json | jq -S 'del(.inputs.run_ids)' >"$tmp/one.json"
if ! cmp -s "$tmp/merged.json" "$tmp/one.json"; then
  echo "FAIL: the merge of the shards' summaries differs from one run over all of them"
  diff "$tmp/merged.json" "$tmp/one.json" | head -20
  exit 1
fi
calls=$(jq .calls "$tmp/one.json")
[ "$calls" -gt 0 ] || { echo "FAIL: no calls"; exit 1; }
# Merging a shard's summary twice is refused: its calls would count twice.
set +e
"$vapidiag" summary --merge s1.ndjson.sum.json s1.ndjson.sum.json --format json >/dev/null 2>"$tmp/twice.err"
rc=$?
set -e
[ "$rc" = 3 ] && grep -q "count those calls twice" "$tmp/twice.err" ||
  { echo "FAIL: a summary merged twice: exit $rc"; cat "$tmp/twice.err"; exit 1; }
echo "scale: 4 shards on 2 parallel job slots, merged = one run ($calls calls)"
