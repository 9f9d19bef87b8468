#!/usr/bin/env python3
"""A live pipe: a slow writer sends one call every 0.5 s into `vapidiag diagnose`, and each
result must come out of vapidiag's stdout (a pipe) soon after its line went in, not when
the input ends. Bounds are generous (a test, not a benchmark); timing-sensitive, so it
runs in the release pass only. Usage: live_pipe_test.py VAPIDIAG SAMPLE_CALLS_JSON"""

import json
import os
import select
import subprocess
import sys
import time

BOUND_S = 1.0  # the aim is 100 ms; a loaded CI machine gets slack
vapidiag, sample = sys.argv[1], sys.argv[2]
calls = json.load(open(sample))[:6]
failures = 0


def run(args, label):
    global failures
    p = subprocess.Popen([vapidiag, "diagnose"] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=dict(os.environ, NO_COLOR="1"))
    latencies = []
    out = b""
    for call in calls:
        sent = time.monotonic()
        try:
            p.stdin.write((json.dumps(call) + "\n").encode())
            p.stdin.flush()
        except BrokenPipeError:
            print("FAIL [%s]: vapidiag stopped reading: %s" % (label, p.stderr.read().decode()))
            failures += 1
            return
        want = call["id"].encode()
        while want not in out:
            left = sent + BOUND_S - time.monotonic()
            ready = select.select([p.stdout], [], [], max(left, 0))[0]
            if not ready:
                break
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
        if want in out:
            latencies.append(time.monotonic() - sent)
            out = out[out.index(want) + len(want):]
        else:
            print("FAIL [%s]: no result for %s within %.1f s of its line" % (label, call["id"], BOUND_S))
            failures += 1
        time.sleep(0.5)
    p.stdin.close()
    p.wait(timeout=10)
    if p.returncode != 0:
        print("FAIL [%s]: exit %d: %s" % (label, p.returncode, p.stderr.read().decode()))
        failures += 1
    if latencies:
        print("%s: %d results, latency max %.0f ms, median %.0f ms" %
              (label, len(latencies), 1000 * max(latencies), 1000 * sorted(latencies)[len(latencies) // 2]))


run(["--format", "ndjson"], "ndjson")
run([], "text")
run(["--format", "csv", "--line-buffered"], "csv --line-buffered")
sys.exit(1 if failures else 0)
