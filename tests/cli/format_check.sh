#!/usr/bin/env bash
# Every C++ file is as clang-format (.clang-format at the root, clang-format 14 of Debian 12)
# writes it: a file it would change fails the test, with the first lines of the change.
# Fix with: clang-format -i FILE.  usage: format_check.sh SOURCE_DIR
set -euo pipefail
root=$(cd "$1" && pwd)
fmt=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$fmt" ] || { echo "FAIL: clang-format is not installed (apt-get install clang-format)"; exit 1; }
cd "$root"
mapfile -t files < <(find src include tests tools examples -name '*.cpp' -o -name '*.hpp' | sort)
[ "${#files[@]}" -gt 50 ] || { echo "FAIL: only ${#files[@]} C++ files found under $root"; exit 1; }
bad=0
for f in "${files[@]}"; do
  if ! "$fmt" --dry-run --Werror "$f" 2>/dev/null; then
    echo "FAIL: $f is not formatted; clang-format would change it:"
    diff <(cat "$f") <("$fmt" "$f") | head -10 || true
    bad=$((bad + 1))
  fi
done
[ "$bad" = 0 ] || { echo "$bad of ${#files[@]} files need clang-format -i"; exit 1; }
echo "format: ${#files[@]} files as $("$fmt" --version | head -1) writes them"
