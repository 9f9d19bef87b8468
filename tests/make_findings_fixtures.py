#!/usr/bin/env python3
"""Writes tests/data/findings/*.ndjson: for each finding, a call that shows its evidence
(first line) and a near-identical call that does not (second line). Deterministic."""
import json, os

OUT = os.path.join(os.path.dirname(__file__), "data", "findings")
T0 = 1719741600000  # 2024-06-30T10:00:00Z

def iso(ms):
    import datetime
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)

def call(i, reason, secs=60, turns=("bot", "user", "bot", "user"), outbound=False, started=True, **extra):
    start = T0 + i * 600000
    c = {"id": "call-%04d" % i, "type": "outboundPhoneCall" if outbound else "inboundPhoneCall",
         "status": "ended", "endedReason": reason, "createdAt": iso(start - 2000),
         "assistantId": "asst-1", "phoneNumberId": "num-1"}
    if started:
        c["startedAt"] = iso(start)
    c["endedAt"] = iso(start + secs * 1000)
    msgs = [{"role": "system", "message": "prompt", "time": start, "secondsFromStart": 0}]
    t = start + 1000
    for k, role in enumerate(turns):
        msgs.append({"role": role, "message": "%s %d" % (role, k), "time": t, "endTime": t + 2000,
                     "secondsFromStart": (t - start) / 1000})
        t += 3000
    if started:
        c["messages"] = msgs
    c.update(extra)
    return c

FIX = {
  "unanswered-caller": [call(1, "silence-timed-out", turns=("bot", "user", "bot", "user")),
                        call(2, "silence-timed-out", turns=("bot", "user", "bot"))],
  "transfer-not-completed": [call(3, "assistant-forwarded-call", artifact={"transfers": [{"status": "no-answer", "destination": {"type": "number", "number": "+15550001111"}}]}),
                             call(4, "assistant-forwarded-call", artifact={"transfers": [{"status": "connected", "destination": {"type": "number", "number": "+15550001111"}}]})],
  "immediate-hangup": [call(5, "customer-ended-call", secs=4, turns=("bot",)),
                       call(6, "customer-ended-call", secs=40, turns=("bot", "user", "bot"))],
  "own-provider-key": [call(7, "pipeline-error-openai-401-unauthorized", secs=5, turns=("bot",), cost=0.01,
                            costs=[{"type": "model", "cost": 0}, {"type": "transport", "cost": 0.01}]),
                       call(8, "pipeline-error-openai-401-unauthorized", secs=5, turns=("bot",), cost=0.02,
                            costs=[{"type": "model", "cost": 0.01}, {"type": "transport", "cost": 0.01}])],
  "credit-candidate": [call(9, "call.in-progress.error-vapifault-worker-died", cost=0.31),
                       call(10, "call.in-progress.error-vapifault-worker-died", cost=0)],
  "never-connected": [call(11, "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable", secs=1, outbound=True, started=False),
                      call(12, "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable", secs=20, outbound=True)],
  "slow-turns": [call(13, "customer-ended-call", artifact={"performanceMetrics": {"turnLatencies": [{"turnLatency": 2400}, {"turnLatency": 3100}]}}),
                 call(14, "customer-ended-call", artifact={"performanceMetrics": {"turnLatencies": [{"turnLatency": 700}, {"turnLatency": 900}]}})],
  "assistant-never-spoke": [call(15, "customer-ended-call", secs=30, turns=("user", "user")),
                            call(16, "customer-ended-call", secs=30, turns=("bot", "user"))],
  "caller-never-spoke": [call(17, "silence-timed-out", secs=35, turns=("bot", "bot")),
                         call(18, "silence-timed-out", secs=35, turns=("bot", "user", "bot"))],
  "unsuccessful-normal-end": [call(19, "assistant-ended-call", analysis={"successEvaluation": "false"}),
                              call(20, "assistant-ended-call", analysis={"successEvaluation": "true"})],
}

os.makedirs(OUT, exist_ok=True)
for name, calls in FIX.items():
    with open(os.path.join(OUT, name + ".ndjson"), "w") as f:
        for c in calls:
            f.write(json.dumps(c) + "\n")

# Cross-call findings: many calls each.
def many(path, calls):
    with open(os.path.join(OUT, path), "w") as f:
        for c in calls:
            f.write(json.dumps(c) + "\n")

burst = [call(100 + k, "customer-ended-call") for k in range(10)]
for k in range(5):  # five SIP 503s within 20 seconds
    c = call(200, "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable", secs=1, outbound=True, started=False)
    c["id"] = "burst-%d" % k
    c["createdAt"] = iso(T0 + 3600000 + k * 4000)
    burst.append(c)
many("summary.burst.ndjson", burst)
# The same failures spread over hours: no burst.
spread = [call(100 + k, "customer-ended-call") for k in range(10)]
for k in range(5):
    c = call(300 + k * 20, "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable", secs=1, outbound=True, started=False)
    spread.append(c)
many("summary.burst.quiet.ndjson", spread)

conc = []
for k in range(20):
    c = call(400 + k, "pipeline-error-openai-401-unauthorized" if k < 8 else "customer-ended-call", turns=("bot",))
    c["assistantId"] = "asst-broken" if k < 8 else "asst-%d" % (k % 3)
    conc.append(c)
conc[8]["endedReason"] = "pipeline-error-openai-401-unauthorized"; conc[8]["assistantId"] = "asst-1"
many("summary.concentrated.ndjson", conc)
even = []
for k in range(20):
    c = call(400 + k, "pipeline-error-openai-401-unauthorized" if k % 2 else "customer-ended-call", turns=("bot",))
    c["assistantId"] = "asst-%d" % (k % 4)
    c["phoneNumberId"] = "num-%d" % (k % 4)
    even.append(c)
many("summary.concentrated.quiet.ndjson", even)

rising = []
for k in range(120):  # 120 calls over 12 hours: 1 failure in the first third, 16 in the last
    fail = (k < 40 and k == 5) or (k >= 80 and k % 5 < 2)
    c = call(600 + k, "call.in-progress.error-vapifault-worker-died" if fail else "customer-ended-call")
    c["startedAt"] = iso(T0 + k * 360000); c["endedAt"] = iso(T0 + k * 360000 + 60000)
    c["assistantId"] = "asst-%d" % (k % 4); c["phoneNumberId"] = "num-%d" % (k % 4)
    rising.append(c)
many("summary.rising.ndjson", rising)
flat = []
for k in range(120):
    fail = k % 10 == 3
    c = call(600 + k, "call.in-progress.error-vapifault-worker-died" if fail else "customer-ended-call")
    c["startedAt"] = iso(T0 + k * 360000); c["endedAt"] = iso(T0 + k * 360000 + 60000)
    c["assistantId"] = "asst-%d" % (k % 4); c["phoneNumberId"] = "num-%d" % (k % 4)
    flat.append(c)
many("summary.rising.quiet.ndjson", flat)
