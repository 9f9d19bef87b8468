#!/usr/bin/env bash
# Writes the man page vapidiag(1) from the CLI itself: help2man over `vapidiag --help`, with
# one section per command from `vapidiag COMMAND --help`, so the page never drifts from the
# options. Usage: make_man.sh VAPIDIAG OUT
set -euo pipefail
bin=$1
out=$2
inc=$(mktemp)
trap 'rm -f "$inc"' EXIT
for cmd in explain codes diagnose summary check; do
  printf '[%s]\n' "COMMAND: $cmd" >>"$inc"
  # Lines starting with a dot or a quote would be read as roff requests: escape them.
  "$bin" "$cmd" --help | sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/' -e 's/^$/.PP/' -e 's/^\(  .*\)$/.nf\n\1\n.fi/' >>"$inc"
  printf '\n' >>"$inc"
done
cat >>"$inc" <<'ROFF'
[SEE ALSO]
vapidiag-serve \-\-help (the webhook receiver, run as vapidiag serve), and the documents
in docs/ of the source: counting.md, formats.md, commands.md.
ROFF
help2man --no-info --no-discard-stderr --version-string "$("$bin" --version)" \
  --name "diagnose Vapi call endings: what the caller experienced, whose fault it was, what to do" \
  --include "$inc" "$bin" -o "$out"
