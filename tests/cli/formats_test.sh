#!/usr/bin/env bash
# One output contract (docs/formats.md): every command in every format on the same inputs,
# each output parsed, and the fields and values compared across formats.
# Usage: formats_test.sh VAPIDIAG
set -euo pipefail
exec python3 "$(dirname "$0")/formats_check.py" "$1" "$(cd "$(dirname "$0")/../.." && pwd)"
