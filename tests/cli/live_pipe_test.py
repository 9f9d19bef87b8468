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


def held_status_update():
    """An ended status-update whose report never comes is held (one call, one count), then
    counts when its window passes on the wall clock, while the pipe stays open."""
    global failures
    p = subprocess.Popen([vapidiag, "diagnose", "--format", "ndjson", "--dedupe-window", "1"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    msg = {"message": {"type": "status-update", "status": "ended", "endedReason": "customer-busy",
                       "timestamp": 1719700000000, "call": {"id": "held-1"}}}
    sent = time.monotonic()
    p.stdin.write((json.dumps(msg) + "\n").encode())
    p.stdin.flush()
    ready = select.select([p.stdout], [], [], 4.0)[0]
    out = os.read(p.stdout.fileno(), 65536) if ready else b""
    waited = time.monotonic() - sent
    if b"held-1" not in out:
        print("FAIL [held]: the held status-update did not come out within 4 s of its line")
        failures += 1
    elif waited < 0.9:
        print("FAIL [held]: the status-update came out after %.2f s, before its 1 s window" % waited)
        failures += 1
    else:
        print("held status-update: out after %.2f s (window 1 s, checked every second)" % waited)
    p.stdin.close()
    p.wait(timeout=10)


held_status_update()
run(["--format", "ndjson"], "ndjson")
run([], "text")
run(["--format", "csv", "--line-buffered"], "csv --line-buffered")
sys.exit(1 if failures else 0)
