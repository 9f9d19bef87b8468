#!/usr/bin/env bash
# Shell completions come from the CLI definition: bash completes commands and each command's
# flags (compgen through the generated function); zsh and fish scripts name every flag.
# Usage: completions_test.sh VAPIDIAG
set -uo pipefail
bin=$1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
script=$("$bin" completions bash) || fail "completions bash"
# complete WORDS...: what bash offers for the last word.
complete_words() {
  bash -c "$script"'
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vapidiag; printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}
[ "$(complete_words vapidiag su)" = summary ] || fail "bash: 'su' does not complete to summary"
[ "$(complete_words vapidiag summary --failu)" = --failures ] || fail "bash: summary --failu"
[ "$(complete_words vapidiag check --min)" = --min-calls ] || fail "bash: check --min"
# Whole outputs, not piped into grep -q (an early exit would break the pipe under pipefail).
got=$(complete_words vapidiag diagnose --line)
grep -qx -- --line-buffered <<<"$got" || fail "bash: diagnose --line"
got=$(complete_words vapidiag c)
grep -qx check <<<"$got" || fail "bash: 'c' does not offer check"
for shell in zsh fish; do
  out=$("$bin" completions "$shell") || fail "completions $shell"
  for cmd in explain codes diagnose summary check; do
    for opt in $("$bin" "$cmd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
      case $shell in
        zsh) grep -q -- " $opt[ \"]" <<<"$out" || fail "zsh: $cmd $opt missing" ;;
        fish) grep -q -- "from $cmd' -l ${opt#--}\$" <<<"$out" || fail "fish: $cmd $opt missing" ;;
      esac
    done
  done
  if command -v "$shell" >/dev/null; then "$shell" -n <<<"$out" || fail "$shell rejects its script"; fi
done
"$bin" completions powershell >/dev/null 2>&1 && fail "an unknown shell was accepted"
[ "$failures" = 0 ] && echo "completions: ok" || exit 1
