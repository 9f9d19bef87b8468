#!/usr/bin/env python3
"""Writes data/samples/calls.json: a small, realistic GET /call export used by the
README's first command and the golden tests. Deterministic; run it again after
changing it and commit the result."""
import json, random, uuid, datetime, sys

rnd = random.Random(20240630)
def uid(): return str(uuid.UUID(int=rnd.getrandbits(128), version=4))
ASSISTANTS = [uid() for _ in range(3)]
NUMBERS = [uid() for _ in range(2)]
ORG = uid()
base = datetime.datetime(2024, 6, 28, 14, 0, 0, tzinfo=datetime.timezone.utc)
def iso(t): return t.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (t.microsecond // 1000)

# (endedReason, seconds, endedMessage, extras)
PLAN = [
  ("customer-ended-call", 94, None, {}), ("customer-ended-call", 212, None, {}), ("customer-ended-call", 48, None, {}),
  ("customer-ended-call", 133, None, {}), ("customer-ended-call", 4, None, {"no_user": True}),
  ("assistant-ended-call", 181, None, {}), ("assistant-ended-call", 75, None, {}),
  ("assistant-said-end-call-phrase", 66, None, {}), ("silence-timed-out", 31, None, {"last_user": True}),
  ("silence-timed-out", 40, None, {}), ("voicemail", 51, None, {"outbound": True}),
  ("customer-did-not-answer", 0, None, {"outbound": True, "never_started": True}),
  ("customer-busy", 0, None, {"outbound": True, "never_started": True}),
  ("exceeded-max-duration", 600, None, {}),
  ("assistant-forwarded-call", 58, None, {"transfer": "no-answer"}),
  ("assistant-forwarded-call", 71, None, {"transfer": "connected"}),
  ("pipeline-error-openai-429-exceeded-quota", 3, "Model request failed: 429 You exceeded your current quota, please check your plan and billing details.", {}),
  ("pipeline-error-eleven-labs-voice-not-found", 2, "ElevenLabs: voice_id does not exist.", {"zero_voice_cost": True}),
  ("call.in-progress.error-vapifault-worker-died", 37, "Worker crashed.", {}),
  ("call.in-progress.error-vapifault-worker-died", 12, "Worker crashed.", {}),
  ("call.in-progress.error-providerfault-outbound-sip-503-service-unavailable", 0, "SIP 503 Service Unavailable", {"outbound": True, "never_started": True, "burst": 0}),
  ("call.in-progress.error-providerfault-outbound-sip-503-service-unavailable", 0, "SIP 503 Service Unavailable", {"outbound": True, "never_started": True, "burst": 1}),
  ("call.in-progress.error-providerfault-outbound-sip-503-service-unavailable", 0, "SIP 503 Service Unavailable", {"outbound": True, "never_started": True, "burst": 2}),
  ("call.start.error-subscription-insufficient-credits", 0, "Insufficient credits.", {"never_started": True}),
  ("twilio-failed-to-connect-call", 0, "Twilio error 13227: geo permissions", {"outbound": True, "never_started": True}),
  ("phone-call-provider-closed-websocket", 83, None, {}),
  ("call.in-progress.error-providerfault-anthropic-503-server-overloaded-error", 19, "Anthropic: Overloaded", {}),
  ("db-error", 0, None, {"never_started": True}),
  ("pipeline-error-acme-voice-failed", 5, "acme TTS: connection refused", {}),
  ("hangup", 22, None, {}),
  (None, 0, None, {"in_progress": True}),
]

def messages(start, secs, opts):
    msgs = [{"role": "system", "message": "<system prompt>", "time": start, "secondsFromStart": 0}]
    t = start + 1200; sfs = 1.2; speaker = "bot"; n = 0
    limit = start + secs * 1000
    while t + 2500 < limit and n < 80:
        if speaker == "user" and opts.get("no_user"): break
        d = rnd.randint(1500, 5000)
        m = {"role": speaker, "message": "<%s turn %d>" % (speaker, n), "time": t, "endTime": t + d,
             "secondsFromStart": round(sfs, 2), "duration": d}
        if speaker == "bot": m["source"] = ""
        msgs.append(m); n += 1
        gap = rnd.randint(400, 1800)
        t += d + gap; sfs += (d + gap) / 1000
        speaker = "user" if speaker == "bot" else "bot"
    if opts.get("last_user") and msgs[-1]["role"] != "user":
        msgs.append({"role": "user", "message": "<question left unanswered>", "time": t, "endTime": t + 2100,
                     "secondsFromStart": round(sfs, 2), "duration": 2100})
    return msgs

rnd.shuffle(PLAN)
calls = []
for i, (reason, secs, emsg, opts) in enumerate(PLAN):
    created = base + datetime.timedelta(minutes=37 * i, seconds=rnd.randint(0, 50))
    if "burst" in opts:
        created = base + datetime.timedelta(hours=9, seconds=4 * opts["burst"])
    started = created + datetime.timedelta(seconds=rnd.uniform(1, 9))
    ended = started + datetime.timedelta(seconds=secs, milliseconds=rnd.randint(0, 999))
    outbound = opts.get("outbound", False)
    call = {
        "id": uid(), "orgId": ORG,
        "type": "outboundPhoneCall" if outbound else ("webCall" if i % 7 == 3 else "inboundPhoneCall"),
        "createdAt": iso(created), "updatedAt": iso(ended + datetime.timedelta(seconds=5)),
        "assistantId": ASSISTANTS[i % 3], "phoneNumberId": NUMBERS[i % 2],
        "customer": {"number": "+1555%07d" % rnd.randint(0, 9999999)},
        "phoneCallProvider": "twilio" if i % 2 else "vapi", "phoneCallTransport": "pstn",
    }
    if opts.get("in_progress"):
        call["status"] = "in-progress"; call["startedAt"] = iso(started)
        calls.append(call); continue
    call["status"] = "ended"
    call["endedReason"] = reason
    if emsg: call["endedMessage"] = emsg
    if not opts.get("never_started"):
        call["startedAt"] = iso(started)
        call["endedAt"] = iso(ended)
        ms = int(started.timestamp() * 1000)
        msgs = messages(ms, secs, opts)
        call["messages"] = msgs
        call["artifact"] = {"messages": msgs, "transcript": "\n".join(
            ("AI: " if m["role"] == "bot" else "User: ") + m["message"] for m in msgs if m["role"] != "system"),
            "recordingUrl": "https://storage.vapi.ai/%s-mono.wav" % call["id"]}
        if "transfer" in opts:
            call["destination"] = {"type": "number", "number": "+15550001111"}
            call["artifact"]["transfers"] = [{"status": opts["transfer"], "destination": {"type": "number", "number": "+15550001111"}}]
        voice = 0.0 if opts.get("zero_voice_cost") else round(secs * 0.0006, 4)
        costs = [{"type": "transport", "cost": round(secs * 0.0002, 4)},
                 {"type": "transcriber", "cost": round(secs * 0.0002, 4)},
                 {"type": "model", "cost": round(secs * 0.0003, 4)},
                 {"type": "voice", "cost": voice},
                 {"type": "vapi", "cost": round(secs * 0.0008, 4)}]
        call["costs"] = costs
        call["cost"] = round(sum(c["cost"] for c in costs), 4)
    else:
        call["endedAt"] = iso(created + datetime.timedelta(seconds=1))
        call["cost"] = 0
    calls.append(call)

json.dump(calls, sys.stdout, indent=2, ensure_ascii=False)
sys.stdout.write("\n")
