#!/usr/bin/env bash
# Runs one golden case: the real binary with the case's arguments, compared with the
# expected stdout, stderr and exit status. Set UPDATE_GOLDEN=1 to rewrite expectations; the
# diff of what is rewritten is printed, to be read before committing. tests/cli/invariants.py
# checks the numbers of the summary goldens.
#
# A case is a folder with:
#   cmd          the arguments, one per line (@ROOT@ is the source tree, @CASE@ the case folder)
#   stdin        optional: fed to standard input (otherwise /dev/null)
#   stdout       expected standard output
#   stderr       optional: expected standard error (checked when present)
#   status       expected exit status
set -u
bin=$1
case_dir=$(cd "$2" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
mapfile -t args < <(sed -e "s|@ROOT@|$root|g" -e "s|@CASE@|$case_dir|g" "$case_dir/cmd")
input=/dev/null
[ -f "$case_dir/stdin" ] && input="$case_dir/stdin"
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
(cd "$case_dir" && NO_COLOR= COLUMNS=80 "$bin" "${args[@]}" <"$input" >"$out" 2>"$err")
status=$?
# Paths in messages depend on where the tree is checked out.
sed -i -e "s|$case_dir|@CASE@|g" -e "s|$root|@ROOT@|g" "$out" "$err"
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
  # Show what is approved: a golden diff is read, not waved through.
  for f in stdout stderr; do
    if [ -f "$case_dir/$f" ]; then
      new=$out
      [ "$f" = stderr ] && new=$err
      diff -u --label "$case_dir/$f (approved)" --label "$case_dir/$f (new)" "$case_dir/$f" "$new" || true
    fi
  done
  [ "$(cat "$case_dir/status" 2>/dev/null)" = "$status" ] || echo "golden: $case_dir: exit status now $status"
  cp "$out" "$case_dir/stdout"
  echo "$status" >"$case_dir/status"
  cp "$err" "$case_dir/stderr"
  exit 0
fi
fail=0
if ! diff -u "$case_dir/stdout" "$out"; then echo "golden: stdout differs"; fail=1; fi
if [ -f "$case_dir/stderr" ] && ! diff -u "$case_dir/stderr" "$err"; then echo "golden: stderr differs"; fail=1; fi
want=$(cat "$case_dir/status")
if [ "$status" != "$want" ]; then echo "golden: exit status $status, expected $want"; fail=1; fi
exit $fail
