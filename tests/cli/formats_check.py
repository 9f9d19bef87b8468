#!/usr/bin/env python3
"""Cross-format agreement of vapidiag's outputs (run by formats_test.sh).

Runs every command in every format on the same inputs, parses each output (JSON, NDJSON,
CSV, TSV, text, markdown) and checks that each field has the same value everywhere, with the
types of docs/formats.md: booleans true/false, numbers as numbers, shares as fractions,
absent as null/empty, arrays as JSON in a CSV cell, objects flattened as parent.member.
"""
import csv
import io
import json
import re
import subprocess
import sys

BIN, ROOT = sys.argv[1], sys.argv[2]
SAMPLE = f"{ROOT}/data/samples/calls.json"
HOOKS = [f"{ROOT}/tests/data/{n}" for n in (
    "status-update-ended-2024-06.json", "end-of-call-report-2024-06.json", "get-call-voicemail-2025-06.json")]
CODES = ["pipeline-error-openai-429-exceeded-quota", "customer-busy", "voicemail", "db-error", "qqq",
         "call.in-progress.error-vapifault-acme-transcriber-rate-limited",
         "call.in-progress.error-providerfault-outbound-sip-403-forbidden"]
FAILURES = 0
CHECKS = 0


def fail(msg):
    global FAILURES
    FAILURES += 1
    print("FAIL:", msg)


def same(what, a, b):
    global CHECKS
    CHECKS += 1
    if a != b:
        fail(f"{what}: {a!r} != {b!r}")
        return False
    return True


def run(*args, ok=(0,)):
    p = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                       env={"NO_COLOR": "1", "COLUMNS": "80", "PATH": "/usr/bin:/bin"})
    if p.returncode not in ok:
        fail(f"vapidiag {' '.join(args)} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode("utf-8", errors="replace"), p.returncode


def cell(v):
    """A JSON value as the contract writes it in a CSV cell."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, dict)):
        return json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    if isinstance(v, float):
        return repr(v) if v != int(v) else (str(int(v)) if abs(v) >= 1e16 else repr(v))
    return str(v)


def flatten(obj):
    """A record flattened the documented way: objects to parent.member, the rest as cells."""
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                out[f"{k}.{k2}"] = v2
        else:
            out[k] = v
    return out


def cell_equal(what, text, value):
    """A CSV/TSV cell against the JSON value it stands for."""
    global CHECKS
    CHECKS += 1
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
        try:
            ok = float(text) == float(value)
        except ValueError:
            ok = False
    elif isinstance(value, (list, dict)):
        try:
            ok = json.loads(text) == value
        except json.JSONDecodeError:
            ok = False
    else:
        ok = text == cell(value)
    if not ok:
        fail(f"{what}: cell {text!r} != JSON {value!r}")


def tsv_clean(v):
    return re.sub(r"[\t\r\n]", " ", v)


def compare_table(what, records, text, delimiter):
    """CSV or TSV rows against JSON records: same columns (the flattened fields, in order)."""
    if delimiter == ",":
        rows = list(csv.reader(io.StringIO(text)))
    else:
        rows = [line.split("\t") for line in text.splitlines()]
    header, body = rows[0], rows[1:]
    same(f"{what}: row count", len(body), len(records))
    if not records:
        return
    flat0 = flatten(records[0])
    same(f"{what}: columns", header, list(flat0.keys()))
    for i, (row, rec) in enumerate(zip(body, records)):
        flat = flatten(rec)
        same(f"{what}: row {i + 1} width", len(row), len(header))
        for col, text_value in zip(header, row):
            value = flat.get(col)
            if delimiter == "\t" and isinstance(value, str):
                value = tsv_clean(value)
            cell_equal(f"{what}: row {i + 1} {col}", text_value, value)


def pct(x):
    return f"{100 * x:.1f}%"


# ---------- code records: explain and codes ----------

def check_explain():
    js, rc_json = run("explain", *CODES, "--format", "json", ok=(1,))
    nd, rc_nd = run("explain", *CODES, "--format", "ndjson", ok=(1,))
    tx, rc_tx = run("explain", *CODES, ok=(1,))
    same("explain exit codes agree", {rc_json, rc_nd}, {rc_tx})
    arr = json.loads(js)
    same("explain json is an array of every code", (type(arr), len(arr)), (list, len(CODES)))
    lines = [json.loads(line) for line in nd.splitlines()]
    same("explain ndjson equals json", lines, arr)
    one = json.loads(run("explain", "voicemail", "--format", "json")[0])
    same("explain json of one code is an array", type(one), list)
    # Text: one block per code, fields by label.
    blocks = tx.strip("\n").split("\n\n")
    same("explain text blocks", len(blocks), len(CODES))
    for rec, block in zip(arr, blocks):
        head = block.splitlines()[0]
        same(f"explain text code {rec['code']}", head.split()[0], rec["code"])
        if rec["matched_by"] == "unknown":
            same(f"explain text unknown {rec['code']}", "unknown code" in head, True)
            for s in rec["suggestions"]:
                same(f"explain text suggestion {s}", f"    {s}" in block, True)
            continue
        fields = {}
        label = None
        for line in block.splitlines()[1:]:
            m = re.match(r"^  (\S+)\s+(.*)$", line)
            if m and not line.startswith("   "):
                label = m.group(1)
                fields[label] = m.group(2)
            elif label:
                fields[label] += " " + line.strip()
        same(f"explain {rec['code']} symptom", re.search(r"\(([a-z-]+)\)$", fields["symptom"]).group(1),
             rec["symptom"])
        same(f"explain {rec['code']} fault", fields["fault"].split(":")[0], rec["fault"])
        same(f"explain {rec['code']} component", fields["component"].split()[0], rec["component"])
        same(f"explain {rec['code']} retry", fields["retry"].split(":")[0], rec["retry"])
        same(f"explain {rec['code']} charged", fields["charged"].startswith("yes"), rec["charged"])
        same(f"explain {rec['code']} meaning", fields["meaning"], rec["meaning"])
        same(f"explain {rec['code']} fix", fields["fix"], rec["fix"])
        same(f"explain {rec['code']} docs", fields["docs"], rec["docs"])
        same(f"explain {rec['code']} matched", fields["matched"].split()[0], rec["matched_by"])
        if rec["status"] is not None:
            same(f"explain {rec['code']} status", str(rec["status"]) in fields["component"], True)
        ev = fields.get("evidence", "")
        # Each finding reads "short phrase (id)", separated by "; ".
        ids = [item.rsplit(" (", 1)[1].rstrip(")") for item in ev.split(": ", 1)[1].split("; ")] if ev else []
        same(f"explain {rec['code']} evidence", ids, rec["evidence"])


def check_codes(extra, label):
    js = json.loads(run("codes", *extra, "--format", "json")[0])
    if not js:
        fail(f"codes {label}: empty")
        return
    compare_table(f"codes {label} csv", js, run("codes", *extra, "--format", "csv")[0], ",")
    compare_table(f"codes {label} tsv", js, run("codes", *extra, "--format", "tsv")[0], "\t")
    text = run("codes", *extra)[0].splitlines()
    same(f"codes {label} text rows", len(text), len(js))
    if "--patterns" in extra:
        for line, rec in zip(text, js):
            same(f"codes {label} text pattern", line.split()[0], rec["pattern"])
        return
    for line, rec in zip(text, js):
        parts = line.split()
        same(f"codes {label} text {rec['code']}", parts[:4], [rec["symptom"], rec["fault"], rec["component"], rec["code"]])
    # A code record is the same whether listed or explained.
    for rec in js[:5]:
        same(f"codes {label} vs explain {rec['code']}", json.loads(run("explain", rec["code"], "--format", "json")[0])[0],
             rec)


# ---------- call records: diagnose ----------

def check_diagnose(args, label):
    arr = json.loads(run("diagnose", *args, "--format", "json")[0])
    nd = [json.loads(line) for line in run("diagnose", *args, "--format", "ndjson")[0].splitlines()]
    same(f"diagnose {label}: ndjson equals json", nd, arr)
    compare_table(f"diagnose {label} csv", arr, run("diagnose", *args, "--format", "csv")[0], ",")
    compare_table(f"diagnose {label} tsv", arr, run("diagnose", *args, "--format", "tsv")[0], "\t")
    text = run("diagnose", *args)[0]
    blocks = [b for b in text.strip("\n").split("\n\n") if b]
    same(f"diagnose {label}: text blocks", len(blocks), len(arr))
    for rec, block in zip(arr, blocks):
        lines = block.splitlines()
        head = lines[0].split()
        same(f"diagnose {label} text id", head[0], rec["id"] if rec["id"] is not None else "(no id)")
        same(f"diagnose {label} text time", head[1], rec["time"] if rec["time"] is not None else "-")
        m = re.match(r"^  (\S+) -> ([a-z-]+), ([a-z-]+)", lines[1])
        same(f"diagnose {label} text code line", m.groups() if m else None,
             (rec["ended_reason"], rec["symptom"], rec["fault"]))
        for f in rec["findings"]:
            same(f"diagnose {label} text finding {f['id']}", f" {f['id']}: " in block, True)
        if rec["evidence_symptom"] != rec["symptom"]:
            same(f"diagnose {label} text evidence", f"evidence: {rec['evidence_symptom']}" in block, True)
    return arr


# ---------- summary ----------

def check_summary(args, label, calls):
    js = json.loads(run("summary", *args, "--format", "json")[0])
    n = js["calls"]
    same(f"summary {label}: calls = diagnose rows", n, len(calls))
    same(f"summary {label}: failures = diagnose failures", js["failures"],
         sum(1 for c in calls if c["failed"]))
    # Symptoms are counted as the evidence shows them (docs/counting.md).
    for key, field in (("symptom", "evidence_symptom"), ("fault", "fault")):
        for name, v in js[f"by_{key}"].items():
            same(f"summary {label} by_{key} {name}", v["calls"], sum(1 for c in calls if c[field] == name))
    by_code = {}
    for c in calls:
        by_code[c["ended_reason"]] = by_code.get(c["ended_reason"], 0) + 1
    same(f"summary {label} codes", {c["code"]: c["calls"] for c in js["codes"]}, by_code)
    for c in js["codes"]:
        ids = {x["id"] or "(no id)" for x in calls if x["ended_reason"] == c["code"]}
        same(f"summary {label} sample ids of {c['code']} are its calls", set(c["sample_ids"]) <= ids, True)
    same(f"summary {label} not charged", js["not_charged"]["calls"], sum(1 for c in calls if c["charged"] is False))
    same(f"summary {label} not charged ids", js["not_charged"]["ids"],
         [c["id"] or "(no id)" for c in calls if c["charged"] is False])
    fids = {}
    for c in calls:
        for f in c["findings"]:
            fids[f["id"]] = fids.get(f["id"], 0) + 1
    same(f"summary {label} findings", {f["id"]: f["calls"] for f in js["findings"]}, fids)

    # CSV: section,key,calls,failures,rate
    rows = list(csv.DictReader(io.StringIO(run("summary", *args, "--format", "csv")[0])))
    same(f"summary {label} csv columns", list(rows[0].keys()) if rows else None,
         ["section", "key", "calls", "failures", "rate"])
    sec = {}
    for r in rows:
        sec.setdefault(r["section"], {})[r["key"]] = r

    def num(what, text, value):
        cell_equal(f"summary {label} csv {what}", text, value)

    num("total calls", sec["total"]["calls"]["calls"], n)
    num("total failures", sec["total"]["calls"]["failures"], js["failures"])
    num("total rate", sec["total"]["calls"]["rate"], js["failure_rate"])
    for k in ("records", "not_ended", "skipped", "unreadable", "filtered_out"):
        num(f"total {k}", sec["total"][k]["calls"], js["inputs"][k])
    for key in ("symptom", "fault"):
        for name, v in js[f"by_{key}"].items():
            num(f"{key} {name} calls", sec[key][name]["calls"], v["calls"])
            num(f"{key} {name} rate", sec[key][name]["rate"], v["share"])
    for c in js["codes"]:
        num(f"code {c['code']}", sec["code"][c["code"]]["calls"], c["calls"])
        num(f"code {c['code']} rate", sec["code"][c["code"]]["rate"], c["share"])
    for table, section in (("assistants", "assistant"), ("phone_numbers", "phone_number")):
        for a in js[table]:
            r = sec[section][a["id"]]
            num(f"{section} {a['id']}", r["calls"], a["calls"])
            num(f"{section} {a['id']} failures", r["failures"], a["failures"])
            num(f"{section} {a['id']} rate", r["rate"], a["failure_rate"])
    for d in js["days"]:
        r = sec["day"][d["day"]]
        num(f"day {d['day']}", r["calls"], d["calls"])
        num(f"day {d['day']} failures", r["failures"], d["failures"])
        num(f"day {d['day']} rate", r["rate"], d["failure_rate"])
    for f in js["findings"]:
        num(f"finding {f['id']}", sec["finding"][f["id"]]["calls"], f["calls"])
    same(f"summary {label} csv cross findings", sorted(sec.get("cross_finding", {}).keys()),
         sorted(f["id"] + (":" + f["subject"] if f["subject"] else "") for f in js["cross_findings"]))
    num("ended calls", sec["total"]["ended_calls"]["calls"], js["inputs"]["calls"])
    num("not charged", sec["not_charged"]["calls"]["calls"], js["not_charged"]["calls"])
    same(f"summary {label} csv not charged ids", list(sec.get("not_charged_id", {}).keys()), js["not_charged"]["ids"])

    # Text and markdown: the headline and every table row they show.
    text = run("summary", *args)[0]
    head = text.splitlines()[0]
    m = re.search(r": ([\d,]+) ended calls?(?: \([\d,]+ more left out by the filters\))?, ([\d,]+) failed \(([\d.]+%)\)",
                  head)
    same(f"summary {label} text headline", m.groups() if m else None,
         (f"{n:,}", f"{js['failures']:,}", pct(js["failure_rate"])))
    for name, v in js["by_symptom"].items():
        if v["calls"]:
            same(f"summary {label} text symptom {name}",
                 re.search(rf"^  {re.escape(name)}\s+{v['calls']:,}\s+{re.escape(pct(v['share']))}$", text, re.M)
                 is not None, True)
    for d in js["days"]:
        same(f"summary {label} text day {d['day']}",
             re.search(rf"^  {d['day']}\s+{d['calls']:,}\s+{d['failures']:,}\s+{re.escape(pct(d['failure_rate']))}$",
                       text, re.M) is not None, True)
    for a in js["assistants"]:
        same(f"summary {label} text assistant {a['id']}",
             re.search(rf"^  {re.escape(a['id'])}\s+{a['calls']:,}\s+{a['failures']:,}\s+"
                       rf"{re.escape(pct(a['failure_rate']))}$", text, re.M) is not None, True)
    for f in js["cross_findings"]:
        same(f"summary {label} text cross finding {f['id']}", f["id"] in text, True)
    md = run("summary", *args, "--format", "markdown")[0]
    m = re.search(r"^([\d,]+) ended calls?(?: \([\d,]+ more left out by the filters\))?, ([\d,]+) failed \(([\d.]+%)\)",
                  md, re.M)
    same(f"summary {label} markdown headline", m.groups() if m else None,
         (f"{n:,}", f"{js['failures']:,}", pct(js["failure_rate"])))
    return js


# ---------- verdict: check ----------

def check_check(args, label, summary):
    calls = summary["calls"]
    count = {"failed": summary["failures"]}
    for f in summary["by_fault"]:
        count["fault:" + f] = summary["by_fault"][f]["calls"]
    for names in ("vapifault", "vapifault,providerfault,customer", "normal", "fault:unknown", "failed"):
        rules = ["failed" if n == "failed" else "fault:" + n.split(":")[-1] for n in names.split(",")]
        matched = [count[r] for r in rules]
        _, rc = run("check", *args, "--fail-on", names, ok=(0, 1))
        same(f"check {label} --fail-on {names}: exit code against the summary", rc, 1 if any(matched) else 0)
        out, rc_json = run("check", *args, "--fail-on", names, "--format", "json", ok=(0, 1))
        v = json.loads(out)
        same(f"check {label} --fail-on {names}: json exit code", (v["exit_code"], rc_json), (rc, rc))
        same(f"check {label} --fail-on {names}: json status", v["status"], "fail" if rc else "pass")
        same(f"check {label} --fail-on {names}: json calls", v["calls"], calls)
        same(f"check {label} --fail-on {names}: json rules", [(r["name"], r["matched"], r["fired"]) for r in v["rules"]],
             [(r, m, m > 0) for r, m in zip(rules, matched)])
        same(f"check {label} --fail-on {names}: json values", [r["value"] for r in v["rules"]],
             [round(m / calls, 6) if calls else 0 for m in matched])
        # A verdict's inputs are a summary's, less the run identity (a verdict is no summary).
        same(f"check {label} --fail-on {names}: json inputs", v["inputs"],
             {k: x for k, x in summary["inputs"].items() if k != "run_ids"})
        if calls:
            top = max(matched) / calls * 100
            _, rc = run("check", *args, "--fail-on", names, "--max-rate", f"{min(100.0, top + 1e-4):.6f}", ok=(0, 1))
            same(f"check {label} --fail-on {names} --max-rate just above the highest rate", rc, 0)
            if max(matched):
                _, rc = run("check", *args, "--fail-on", names, "--max-rate", f"{top - 1e-4:.6f}", ok=(0, 1))
                same(f"check {label} --fail-on {names} --max-rate just below the highest rate", rc, 1)


def main():
    check_explain()
    check_codes([], "all")
    check_codes(["--fault", "vapifault"], "vapifault")
    check_codes(["--patterns"], "patterns")
    for args, label in (([SAMPLE], "sample"), (HOOKS, "webhooks"), ([SAMPLE, "--fault", "providerfault"], "filtered"),
                        ([SAMPLE, "--since", "2024-06-29"], "since")):
        calls = check_diagnose(args, label)
        summary = check_summary(args, label, calls)
        if label in ("sample", "webhooks"):
            check_check(args, label, summary)
    print(f"formats: {CHECKS} checks, {FAILURES} failed")
    sys.exit(1 if FAILURES else 0)


main()
