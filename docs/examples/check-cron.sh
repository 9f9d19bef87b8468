#!/bin/sh
# A cron job (e.g. `*/15 * * * * /usr/local/bin/check-calls.sh`) that pages when the last
# hour of a webhook log has too many Vapi- or provider-side failures, or no calls at all.
# tests/cli/check_test.sh runs it with LOG set to a test log.
LOG=${LOG:-/var/log/vapidiag/calls.ndjson}
if ! vapidiag check "$LOG" --since 1h --fail-on vapifault,providerfault --max-rate 5 --min-calls 1 -q; then
  vapidiag check "$LOG" --since 1h --fail-on vapifault,providerfault --max-rate 5 --min-calls 1 |
    ${NOTIFY:-logger -t vapidiag}
fi
