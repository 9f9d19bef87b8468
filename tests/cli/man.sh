#!/usr/bin/env bash
# The man page renders, and holds every command and every option the CLI has.
# Usage: man.sh PAGE VAPIDIAG
set -euo pipefail
page=$1
bin=$2
text=$(MANWIDTH=100 man -l "$page" 2>/dev/null)
fail() { echo "FAIL: $*"; exit 1; }
grep -q '^NAME' <<<"$text" || fail "no NAME section"
for cmd in explain codes diagnose summary check; do
  grep -q "^COMMAND: ${cmd^^}" <<<"$text" || fail "no section for $cmd"
  # Every long option of the command's help is in the page.
  for opt in $("$bin" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    grep -q -- "$opt" <<<"$text" || fail "$cmd: $opt is not in the page"
  done
done
echo "man: ok"
