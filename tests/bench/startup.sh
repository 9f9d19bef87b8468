#!/usr/bin/env bash
# Start-up cost of the quick commands as whole processes, as a ratio to /bin/true measured in
# the same rounds (the target: 2.0 or less, docs/performance.md). Each round runs hyperfine
# -N (no shell) on /bin/true and the commands one after another; the ratios of the means are
# taken per round, and their median and range printed, so that drift of the machine between
# rounds cancels out.
# usage: tests/bench/startup.sh [BUILD_DIR] [ROUNDS]   (needs hyperfine and jq)
set -euo pipefail
build=${1:-build}
rounds=${2:-5}
vapidiag=$(cd "$build" && pwd)/vapidiag
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmds=("$vapidiag --version" "$vapidiag explain pipeline-error-openai-429-exceeded-quota"
      "$vapidiag explain no-such-code-at-all" "$vapidiag codes --fault vapifault --format tsv")
for r in $(seq "$rounds"); do
  # -i: explain exits 1 for an unknown code, as documented.
  hyperfine -N -i --warmup 30 --runs 300 --export-json "$tmp/r$r.json" /bin/true "${cmds[@]}" >/dev/null 2>&1
done
printf '# %s, %s cores, load average %s, %s rounds of 300 runs\n' "$(date -u '+%F %H:%M UTC')" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$rounds"
printf '%-58s %9s %7s %s\n' "command" "mean ms" "ratio" "range"
for i in "${!cmds[@]}"; do
  ratios=$(for r in $(seq "$rounds"); do
    jq -r --argjson i $((i + 1)) '.results[$i].mean / .results[0].mean' "$tmp/r$r.json"
  done | sort -n)
  ms=$(for r in $(seq "$rounds"); do jq -r --argjson i $((i + 1)) '.results[$i].mean * 1000' "$tmp/r$r.json"; done |
    sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  median=$(awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}' <<<"$ratios")
  printf '%-58s %9.2f %7.2f %.2f-%.2f\n' "${cmds[$i]#"$vapidiag"}" "$ms" "$median" "$(head -1 <<<"$ratios")" \
    "$(tail -1 <<<"$ratios")"
done
true_ms=$(for r in $(seq "$rounds"); do jq -r '.results[0].mean * 1000' "$tmp/r$r.json"; done | sort -n |
  awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf '%-58s %9.2f\n' "/bin/true" "$true_ms"
