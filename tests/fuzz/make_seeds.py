#!/usr/bin/env python3
"""Writes the seed corpora tests/fuzz/seeds/<target>/ from the project's fixtures and a
few hand-written broken inputs. Run from anywhere; rewrites the generated seeds (files
named crash-* are regression inputs from earlier crashes and are left alone)."""
import json
import os
import pathlib

root = pathlib.Path(__file__).resolve().parents[2]
seeds = root / "tests/fuzz/seeds"


def write(target, name, data):
    d = seeds / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def clear(target):
    d = seeds / target
    if d.exists():
        for f in d.iterdir():
            if not f.name.startswith("crash-"):
                f.unlink()


for t in ("fuzz_classify", "fuzz_reader", "fuzz_cli_input"):
    clear(t)

# fuzz_classify: codes, one per file, as typed or pasted.
official = [l for l in (root / "data/official-codes.txt").read_text().splitlines() if l and not l.startswith("#")]
codes = [
    "customer-ended-call", "assistant-ended-call", "silence-timed-out", "voicemail",
    "call.in-progress.error-vapifault-worker-died",
    "call.in-progress.error-vapifault-assembly-ai-returning-500-invalid-schema",
    "pipeline-error-openai-401-incorrect-api-key",
    "pipeline-error-eleven-labs-system-busy-and-requested-upgrade",
    "call.in-progress.error-providerfault-google-503-server-overloaded-error",
    "call.ringing.sip-inbound-caller-hungup-before-call-connect",
    "assistant-error", "assistant-not-provided", "unknown-error",  # retired
    "hangup",  # a hint
    "pipeline-error-somellm-llm-429-rate-limited",  # decoded provider
    "pipeline-error-custom-llm-voice-failed",
    "xx-outbound-sip-480-temporarily-unavailable",
    "customer-ended-cal",  # a typo
    '  "Customer-Busy",  ',
    "'`pipeline-error-OPENAI-403-model-access-denied`'",
    "pipeline-error-11labs-{provider}-500",
    "voicemail\r\n",
    '"assistant-\x00ended-call"',
    # The guide's short spellings (alias of a live code), with and without a status.
    "pipeline-no-available-llm-model",
    "providerfault-anthropic-500-server-error",
]
codes += official[::97]
for i, c in enumerate(dict.fromkeys(codes)):
    write("fuzz_classify", f"code-{i:02d}", c)

# fuzz_reader: 2 bytes of chunk size, 1 flag byte, then the file (see fuzz_reader.cpp).
def reader(name, body, chunk=4096, flags=1):
    body = body if isinstance(body, bytes) else body.encode()
    write("fuzz_reader", name, bytes([(chunk - 1) >> 8 & 0xFF, (chunk - 1) & 0xFF, flags]) + body)

chunks = [1, 7, 64, 333, 4096]
n = 0
for f in sorted((root / "tests/data").glob("*.json")):
    reader(f.stem, f.read_bytes(), chunks[n % 5], 1 + 4 * (n % 5))
    n += 1
for f in sorted((root / "tests/data/reader").glob("*")) if (root / "tests/data/reader").is_dir() else []:
    if f.is_file() and f.stat().st_size <= 16384:
        reader("reader-" + f.name, f.read_bytes(), chunks[n % 5], 1 + 4 * (n % 5))
        n += 1
for name in ("credit-candidate.ndjson", "transfer-not-completed.ndjson", "slow-turns.ndjson"):
    f = root / "tests/data/findings" / name
    if f.is_file():
        reader("findings-" + f.stem, f.read_bytes(), chunks[n % 5], 2 + 4 * (n % 5))
        n += 1

calls = json.loads((root / "data/samples/calls.json").read_text())[:3]
for c in calls:  # keep the seeds small
    c.get("messages", [None])[:] = c.get("messages", [])[:4]
    c.get("artifact", {}).pop("messages", None)
    for k in ("transcript", "summary", "recordingUrl", "stereoRecordingUrl"):
        c.pop(k, None)
array = json.dumps(calls, indent=2)
ndjson = "\n".join(json.dumps(c) for c in calls) + "\n"
reader("array-pretty", array, 64, 1)
reader("array-pretty-tiny-limit", array, 5, 4 * 8)  # max_record_bytes 144
reader("ndjson", ndjson, 3, 2)
reader("concatenated", "".join(json.dumps(c, indent=1) for c in calls), 100, 6)
reader("export", json.dumps({"results": calls, "metadata": {"itemsPerPage": 3}}), 17, 10)
reader("webhooks", "\n".join(json.dumps({"message": {"type": t, "endedReason": "customer-ended-call", "call": calls[0]}})
                             for t in ("end-of-call-report", "status-update", "transcript")), 9, 14)
reader("status-update-in-progress", '{"message":{"type":"status-update","status":"in-progress","call":{"id":"x"}}}\n', 4096, 1)
reader("not-ended", '{"id":"a","status":"queued"}\n{"id":"b","status":"ended","endedReason":"voicemail"}\n', 2, 1)
# Broken inputs: each is a bad record that must not swallow the next one.
reader("truncated", ndjson[: len(ndjson) // 2], 64, 1)
reader("unterminated-string", '{"id":"a","endedReason":"voice\n{"id":"b","endedReason":"voicemail"}\n', 3, 1)
reader("garbage-lines", 'not json\nstill not\n{"endedReason":"voicemail"}\n<html>\n{"endedReason":"x"}', 1, 1)
reader("scalars", '1 true null "str" -2.5e3 [1,2] {"endedReason":"voicemail"} 01 tru', 2, 1)
reader("array-garbage", '[{"endedReason":"a"}, 3, "x", {"endedReason":"b"},, {"endedReason":"c"}]', 4, 1)
reader("deep", "[" * 1500 + "]" * 1500 + '\n{"endedReason":' + "[" * 1100 + "]" * 1100 + "}", 100, 1)
reader("bom-escapes", b'\xef\xbb\xbf{"endedReason":"a\\"\\\\\\u0000\\ud83d\\ude00","id":"\xff\xfe"}\r\n{"id":"q\\\\"}', 1, 1)
reader("brace-col1", '{\n  "endedReason": "a",\n  "messages": [\n{"x": 1}\n]\n}\n{\n"endedReason": "b"\n}\n', 2, 1)
reader("oversized", '{"endedReason":"' + "a" * 300 + '"}\n{"endedReason":"voicemail"}\n', 1, 0)
reader("not-json", "\x00\x01\x02PK\x03\x04binary", 1, 1)
reader("empty", "", 1, 1)

# fuzz_cli_input: the whole input is `explain -` stdin; the first line is also argv.
cli = {
    "codes": "\n".join(codes[:8]) + "\n",
    "explain-args": "explain customer-busy hangup pipeline-error-xai-429-x --format json\n",
    "explain-stdin": "explain - --color always\nsilence-timed-out\ncustomer-ended-cal\n",
    "codes-search": "codes --search sip --format csv --fault providerfault\n",
    "codes-patterns": "codes --patterns --provider openai --symptom dropped --format json\n",
    "diagnose": "diagnose - --format json --failures\n" + ndjson,
    "diagnose-filters": "diagnose --code pipeline-* --since 2024-06-28 --until 2024-07-01T00:00:00Z --format csv\n" + array,
    "summary": "summary --format json --top 3 --by hour --ids\n" + ndjson,
    "summary-text": "summary\n" + ndjson + '{"endedReason":"made-up-code-x"}\n',
    "check": "check --fail-on vapifault,providerfault --max-rate 2 -q\n" + ndjson,
    "max-record": "summary --max-record-mb 0.0001 --format json\n" + ndjson,
    "usage": "diagnose --symptom nope --top x\n",
    "help": "summary --help\n",
    "typo": "summery\n",
}
for name, text in cli.items():
    write("fuzz_cli_input", name, text)
