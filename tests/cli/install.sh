#!/usr/bin/env bash
# cmake --install puts the programs, the library, its headers and a CMake package in a
# prefix; examples/ builds against that package alone and agrees with the vapidiag it
# installed. Usage: install.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in bin/vapidiag bin/vapidiag-logs bin/vapidiag-serve include/vapidiag/logs.hpp lib/cmake/vapidiag/vapidiagConfig.cmake \
  share/bash-completion/completions/vapidiag share/zsh/site-functions/_vapidiag \
  share/fish/vendor_completions.d/vapidiag.fish; do
  [ -e "$tmp/prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
# The man page, when this build wrote one (help2man present).
if [ -e "$build/vapidiag.1" ]; then
  [ -e "$tmp/prefix/share/man/man1/vapidiag.1" ] || { echo "not installed: the man page"; exit 1; }
fi
cmake -S "$root/examples" -B "$tmp/example" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/example" >/dev/null
sample=$root/data/samples/calls.json
got=$("$tmp/example/classify_and_summarise" customer-busy "$sample")
sum=$("$tmp/prefix/bin/vapidiag" summary "$sample" --format json)
want="customer-busy: no-answer, normal (telephony)
$sample: $(jq .calls <<<"$sum") ended calls, $(jq .failures <<<"$sum") failed"
[ "$got" = "$want" ] || { echo "example printed:"; echo "$got"; echo "expected:"; echo "$want"; exit 1; }
"$tmp/prefix/bin/vapidiag" serve --help >"$tmp/serve-help"
grep -q '^Usage: vapidiag-serve' "$tmp/serve-help" || { echo "the installed vapidiag serve"; exit 1; }
echo "install: ok"
