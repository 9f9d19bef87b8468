#!/usr/bin/env bash
# Writes docs/report-sample.png: the top of the HTML report of the bundled sample as headless
# Chromium renders it, reduced to a palette to keep the file small.
# usage: tools/report_screenshot.sh [BUILD_DIR]   (needs chromium and Debian's python3-pil)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/vapidiag" summary "$root/data/samples/calls.json" --format html --top 5 -o "$tmp/report.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$tmp/profile" \
  --window-size=1100,1500 --screenshot="$tmp/shot.png" "file://$tmp/report.html" 2>/dev/null
/usr/bin/python3 - "$tmp/shot.png" "$root/docs/report-sample.png" <<'PY'
import sys
from PIL import Image
Image.open(sys.argv[1]).convert("RGB").quantize(colors=96).save(sys.argv[2], optimize=True)
PY
echo "wrote $root/docs/report-sample.png"
