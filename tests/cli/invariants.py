#!/usr/bin/env python3
"""Invariants of the log commands: rules that hold for every input, filter and format.

Golden files only show what the binary printed; these checks say whether it is right.
For every input (generated logs of several seeds and shapes, the bundled samples, the
inputs of the golden cases) and every filter, the summary must:

- add up: symptom rows and fault rows sum to the calls shown, shares sum to 1, every rate
  lies in [0, 1] and equals its parts, inputs.calls = calls + filtered_out;
- agree with an independent count: the calls of `diagnose --format ndjson` (same filters),
  summed here, give the same calls, failures (by the definition of docs/counting.md,
  re-derived here from each call's fault and findings), symptoms, faults, codes, findings,
  assistants, numbers, days and not-charged calls;
- equal the summary of the input pre-filtered outside vapidiag (by time with jq; by fault,
  symptom, code or component by keeping the call ids diagnose reported);
- print the same numbers in text, markdown, CSV and JSON (each parsed);
- be the same with -j 1 and -j 2.

It also checks the golden outputs of summary cases themselves, so that a wrong line can't
be approved. Usage: invariants.py VAPIDIAG GEN_CALLS [ROOT]
"""

import json
import os
import re
import subprocess
import sys
import tempfile

VAPIDIAG, GEN = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ROOT = sys.argv[3] if len(sys.argv) > 3 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYMPTOMS = ["never-rang", "no-answer", "dropped", "silent", "transfer-failed", "ended-normally", "unknown"]
FAULTS = ["vapifault", "providerfault", "customer", "normal", "unknown"]

failures = []
checks = 0
prefilter_runs = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        if len(failures) <= 40:
            print("FAIL: " + what, file=sys.stderr)


def run(args, stdin=None):
    env = dict(os.environ, NO_COLOR="1", COLUMNS="80")
    p = subprocess.run([VAPIDIAG] + args, stdin=stdin, capture_output=True, env=env)
    if p.returncode not in (0, 3):
        raise SystemExit("vapidiag %s: exit %d\n%s" % (" ".join(args), p.returncode, p.stderr.decode()))
    return p.stdout.decode()


def pct(part, whole):
    return "%.1f%%" % (100.0 * part / whole) if whole else "0.0%"


def num(s):
    return int(s.replace(",", ""))


# ---------- the independent count ----------

def failed_by_definition(call):
    """docs/counting.md: the fault is not normal, or an error finding moved the symptom."""
    if call["fault"] != "normal":
        return True
    return call["evidence_symptom"] != call["symptom"] and any(f["severity"] == "error" for f in call["findings"])


def count_calls(calls, by):
    """What summary --format json must say, summed from diagnose's calls."""
    c = {"calls": len(calls), "failures": 0, "sym": {s: 0 for s in SYMPTOMS}, "fault": {f: 0 for f in FAULTS},
         "codes": {}, "findings": {}, "assistants": {}, "numbers": {}, "buckets": {}, "moves": {},
         "not_charged": 0}
    for call in calls:
        failed = failed_by_definition(call)
        check(call["failed"] == failed, "call %s: failed=%s, the definition says %s" % (call["id"], call["failed"], failed))
        c["failures"] += failed
        c["sym"][call["evidence_symptom"]] += 1
        c["fault"][call["fault"]] += 1
        c["codes"][call["ended_reason"]] = c["codes"].get(call["ended_reason"], 0) + 1
        for f in call["findings"]:
            c["findings"][f["id"]] = c["findings"].get(f["id"], 0) + 1
        if call["evidence_symptom"] != call["symptom"]:
            k = (call["symptom"], call["evidence_symptom"])
            c["moves"][k] = c["moves"].get(k, 0) + 1
        for key, table in (("assistant_id", "assistants"), ("phone_number_id", "numbers")):
            if call[key]:
                e = c[table].setdefault(call[key], [0, 0])
                e[0] += 1
                e[1] += failed
        if call["time"]:
            b = call["time"][:13] if by == "hour" else call["time"][:10]
            e = c["buckets"].setdefault(b, [0, 0])
            e[0] += 1
            e[1] += failed
        if call["charged"] is False:
            c["not_charged"] += 1
    return c


def summary_view(j, by):
    """The same numbers read from a summary JSON."""
    return {"calls": j["calls"], "failures": j["failures"],
            "sym": {s: j["by_symptom"][s]["calls"] for s in SYMPTOMS},
            "fault": {f: j["by_fault"][f]["calls"] for f in FAULTS},
            "codes": {e["code"]: e["calls"] for e in j["codes"]},
            "findings": {e["id"]: e["calls"] for e in j["findings"]},
            "assistants": {e["id"]: [e["calls"], e["failures"]] for e in j["assistants"]},
            "numbers": {e["id"]: [e["calls"], e["failures"]] for e in j["phone_numbers"]},
            "buckets": {e[by]: [e["calls"], e["failures"]] for e in j["hours" if by == "hour" else "days"]},
            "moves": {(m["from"], m["to"]): m["calls"] for m in j["symptom_moves"]},
            "not_charged": j["not_charged"]["calls"]}


def check_internal(j, where):
    n, f = j["calls"], j["failures"]
    check(0 <= f <= n, "%s: %d failures of %d calls" % (where, f, n))
    check(j["failure_rate"] == round(f / n, 6) if n else j["failure_rate"] == 0, where + ": failure_rate")
    check(j["inputs"]["calls"] == n + j["inputs"]["filtered_out"] + j["inputs"]["duplicates"],
          where + ": inputs.calls != calls + filtered_out + duplicates")
    for table, names in (("by_symptom", SYMPTOMS), ("by_fault", FAULTS)):
        rows = j[table]
        check(sum(rows[k]["calls"] for k in names) == n, "%s: %s rows sum to %d, not %d" %
              (where, table, sum(rows[k]["calls"] for k in names), n))
        if n:
            check(abs(sum(rows[k]["share"] for k in names) - 1) <= 1e-5 * len(names), where + ": %s shares" % table)
        for k in names:
            check(0 <= rows[k]["share"] <= 1, "%s: %s.%s share out of range" % (where, table, k))
    check(sum(e["calls"] for e in j["codes"]) == n, where + ": code rows do not sum to calls")
    check(sum(m["calls"] for m in j["symptom_moves"]) == j["symptom_changed_by_evidence"], where + ": moves")
    for m in j["symptom_moves"]:
        check(m["from"] != m["to"], where + ": a move to the same symptom")
    for table in ("assistants", "phone_numbers", "hours", "days"):
        for e in j[table]:
            check(0 <= e["failures"] <= e["calls"] and 0 <= e["failure_rate"] <= 1, "%s: %s row %s" % (where, table, e))
    for table in ("hours", "days"):
        check(sum(e["calls"] for e in j[table]) <= n, where + ": %s rows exceed the calls" % table)
        check(sum(e["failures"] for e in j[table]) <= f, where + ": %s failures exceed the failures" % table)
    check(sum(p["calls"] for p in j["provider_failures"]) <= f, where + ": provider failures exceed failures")


# ---------- the printed formats ----------

def text_sections(text, markdown):
    """{title: [[cells], ...]} and the loose lines, from text or markdown output."""
    sections, loose, title = {}, [], None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if markdown:
            if line.startswith("## "):
                title = line[3:]
                sections[title] = []
            elif line.startswith("|") and title is not None:
                cells = [c.strip() for c in line.strip("|").split(" | ")]
                if cells[0] in ("---",) or (i + 1 < len(lines) and lines[i + 1].startswith("| ---")):
                    continue
                sections[title].append(cells)
            else:
                loose.append(line)
        else:
            if line and not line.startswith(" "):
                title = line
                sections[title] = None  # the next line is the header
                loose.append(line)
            elif line.startswith("  ") and title is not None:
                if sections[title] is None:
                    sections[title] = []
                    continue
                if line.startswith("  Evidence moved"):
                    loose.append(line.strip())
                    continue
                if line.startswith("    ") and loose and loose[-1].startswith("Evidence moved"):
                    loose[-1] += " " + line.strip()  # the moves line, wrapped
                    continue
                sections[title].append(re.split(r"\s{2,}", line.strip()))
            else:
                loose.append(line)
    return sections, loose


def find_section(sections, prefix):
    for k, v in sections.items():
        if k.startswith(prefix):
            return v or []
    return None


def check_headline(lines, j, where):
    pat = re.compile(r"(?:vapidiag summary: )?([\d,]+) ended calls?(?: \(([\d,]+) more left out by the filters\))?, "
                     r"([\d,]+) failed \(([\d.]+%)\)")
    for line in lines:
        m = pat.match(line)
        if m:
            check(num(m.group(1)) == j["calls"], where + ": headline calls")
            check(num(m.group(2) or "0") == j["inputs"]["filtered_out"], where + ": headline filtered out")
            check(num(m.group(3)) == j["failures"], where + ": headline failures %s vs %d" % (m.group(3), j["failures"]))
            check(m.group(4) == pct(j["failures"], j["calls"]), where + ": headline rate")
            return
    check(False, where + ": no headline")


def check_moves_line(lines, j, where):
    moves = {(m["from"], m["to"]): m["calls"] for m in j["symptom_moves"]}
    got = None
    for line in lines:
        if line.startswith("Evidence moved"):
            m = re.match(r"Evidence moved ([\d,]+) calls? from (?:its|their) code's symptom: (.*)$", line)
            check(m is not None, where + ": moves line " + line)
            if not m:
                return
            check(num(m.group(1)) == j["symptom_changed_by_evidence"], where + ": moves total")
            got = {}
            for part in m.group(2).split(", "):
                n, a, _, b = part.split(" ")
                got[(a, b)] = num(n)
    check((got or {}) == moves, "%s: moves %s, JSON %s" % (where, got, moves))


def check_printed(text, j, where, markdown, by):
    sections, loose = text_sections(text, markdown)
    check_headline(loose, j, where)
    check_moves_line(loose, j, where)
    n = j["calls"]
    for prefix, key, names in (("By symptom", "by_symptom", SYMPTOMS), ("By fault", "by_fault", FAULTS)):
        rows = find_section(sections, prefix)
        expect = [[k, "{:,}".format(j[key][k]["calls"]), pct(j[key][k]["calls"], n)] for k in names
                  if j[key][k]["calls"]]
        check((rows or []) == expect, "%s: %s table %s, JSON says %s" % (where, prefix, rows, expect))
    buckets = {e[by] + (":00Z" if by == "hour" else ""): e for e in j["hours" if by == "hour" else "days"]}
    rows = find_section(sections, "By hour" if by == "hour" else "By day") or []
    check(len(rows) == len(buckets), where + ": %d time rows, JSON %d" % (len(rows), len(buckets)))
    for r in rows:
        e = buckets.get(r[0])
        check(e is not None and r[1:4] == ["{:,}".format(e["calls"]), "{:,}".format(e["failures"]),
                                           pct(e["failures"], e["calls"])], "%s: time row %s vs %s" % (where, r, e))
    for prefix, key in (("By assistant", "assistants"), ("By phone number", "phone_numbers")):
        table = {e["id"]: e for e in j[key]}
        for r in find_section(sections, prefix) or []:
            e = table.get(r[0])
            check(e is not None and r[1:4] == ["{:,}".format(e["calls"]), "{:,}".format(e["failures"]),
                                               pct(e["failures"], e["calls"])], "%s: %s row %s" % (where, key, r))
    codes = {e["code"]: e["calls"] for e in j["codes"]}
    for r in find_section(sections, "Top codes") or []:
        check(codes.get(r[0]) == num(r[1]) and r[2] == pct(num(r[1]), n), "%s: code row %s" % (where, r))


def check_csv(text, j, where, by):
    import csv
    import io
    rows = list(csv.reader(io.StringIO(text)))
    check(rows[0] == ["section", "key", "calls", "failures", "rate"], where + ": CSV header")
    got = {}
    for r in rows[1:]:
        got.setdefault(r[0], {})[r[1]] = r[2:]
    n = j["calls"]
    tot = got.get("total", {})
    check(tot.get("calls") == [str(n), str(j["failures"]), json.dumps(j["failure_rate"])], where + ": CSV total")
    check(tot.get("filtered_out", [None])[0] == str(j["inputs"]["filtered_out"]), where + ": CSV filtered_out")
    for sec, key, names in (("symptom", "by_symptom", SYMPTOMS), ("fault", "by_fault", FAULTS)):
        for k in names:
            check(got.get(sec, {}).get(k) == [str(j[key][k]["calls"]), "", json.dumps(j[key][k]["share"])],
                  "%s: CSV %s %s" % (where, sec, k))
    moves = {"%s->%s" % (m["from"], m["to"]): [str(m["calls"]), "", ""] for m in j["symptom_moves"]}
    check(got.get("symptom_moved", {}) == moves, where + ": CSV symptom_moved")
    check(got.get("code", {}) == {e["code"]: [str(e["calls"]), "", json.dumps(e["share"])] for e in j["codes"]},
          where + ": CSV codes")
    for sec, key in (("assistant", "assistants"), ("phone_number", "phone_numbers"),
                     (by, "hours" if by == "hour" else "days")):
        idk = "id" if sec in ("assistant", "phone_number") else by
        expect = {e[idk]: [str(e["calls"]), str(e["failures"]), json.dumps(e["failure_rate"])] for e in j[key]}
        check(got.get(sec, {}) == expect, "%s: CSV %s rows" % (where, sec))
    check(got.get("not_charged", {}).get("calls", [None])[0] == str(j["not_charged"]["calls"]), where + ": CSV not_charged")


# ---------- inputs and filters ----------

def records_of(path):
    """The records of a JSON array, {"results": [...]}, one object, or NDJSON."""
    text = open(path, encoding="utf-8", errors="surrogateescape").read()
    # What a client printed before its JSON (`vapi call list`): from the first line that opens a value.
    m = re.search(r"^[\[{]", text, re.M)
    if m and m.start() > 0 and not text[:m.start()].lstrip().startswith(("{", "[")):
        text = text[m.start():]
        text = text[:text.rfind("]" if text[0] == "[" else "}") + 1]
    try:
        v = json.loads(text)
        if isinstance(v, dict) and isinstance(v.get("results"), list):
            return v["results"]
        return v if isinstance(v, list) else [v]
    except ValueError:
        out = []
        for line in text.splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out


def record_id(r):
    if not isinstance(r, dict):
        return None
    if isinstance(r.get("message"), dict) and isinstance(r["message"].get("call"), dict):
        return r["message"]["call"].get("id")
    if isinstance(r.get("call"), dict):  # a bare or flattened message
        return r["call"].get("id")
    return r.get("id")


def filters_for(j, calls):
    """Filter sets worth trying on an input, from what its unfiltered summary holds."""
    out = [[], ["--failures"]]
    out += [["--fault", f] for f in FAULTS if j["by_fault"][f]["calls"]]
    out += [["--symptom", s] for s in SYMPTOMS if j["by_symptom"][s]["calls"]]
    if j["codes"]:
        top = max(j["codes"], key=lambda e: e["calls"])["code"]
        out.append(["--code", top])
        out.append(["--code", "call.in-progress.*"])
    comps = sorted({c["component"] for c in calls if c["component"]})
    if comps:
        out.append(["--component", comps[0]])
    days = sorted(e["day"] for e in j["days"] if not e["day"].startswith("("))
    hours = sorted(e["hour"] for e in j["hours"] if not e["hour"].startswith("("))
    if len(days) > 1:
        out.append(["--since", days[-1]])
    if len(hours) > 2:
        mid = hours[len(hours) // 2]
        out.append(["--since", mid + ":00:00Z", "--until", hours[-1] + ":00:00Z"])
        out.append(["--failures", "--since", hours[1] + ":00:00Z"])
    return out


def prefiltered(path, filt, ids, tmp):
    """The input filtered outside vapidiag, as an NDJSON file (None if not possible)."""
    out = os.path.join(tmp, "pre.ndjson")
    only_time = all(a in ("--since", "--until") or re.match(r"\d{4}-", a) for a in filt)
    webhooks = '"message"' in open(path, errors="replace").readline()
    if only_time and path.endswith(".ndjson") and not webhooks:
        since = filt[filt.index("--since") + 1] if "--since" in filt else ""
        until = filt[filt.index("--until") + 1] if "--until" in filt else ""
        norm = lambda t: (t[:-1] if t.endswith("Z") else t) if len(t) > 10 else t + "T00:00:00"
        prog = ('select(((.startedAt // .createdAt // .endedAt) // "")[0:19] as $t | $t != "" and $t >= $s'
                + (' and $t < $u' if until else "") + ")")
        with open(out, "w") as f:
            subprocess.run(["jq", "-c", "--arg", "s", norm(since)[:19], "--arg", "u", norm(until)[:19], prog, path],
                           stdout=f, check=True)
        return out
    if any(i is None for i in ids) or len(set(ids)) != len(ids):
        return None  # calls without a unique id can't be picked out
    keep = set(ids)
    with open(out, "w") as f:
        for r in records_of(path):
            if record_id(r) in keep:
                f.write(json.dumps(r) + "\n")
    return out


def comparable(j):
    j = dict(j)
    j.pop("inputs")
    # A held status-update counts when its window passes: in another place of the order
    # when other calls' records are not there to move the clock.
    j["not_charged"] = dict(j["not_charged"], ids=sorted(j["not_charged"]["ids"]))
    return j


def webhook_log(calls_path, out_path):
    """A webhook log of the calls of calls_path, each call's ending sent the ways Vapi and
    middlewares send it: a report alone, a status-update then its report, a report twice, a
    report then a status-update, a status-update alone, the ending only in message.call, a
    flattened report. Returns the number of distinct calls."""
    calls = [json.loads(l) for l in open(calls_path) if l.strip()]
    t = 1719700000000
    ids = set()
    with open(out_path, "w") as f:
        for i, c in enumerate(calls):
            if not isinstance(c.get("endedReason"), str) or not c.get("id"):
                continue  # not an ended call (or one that can't be told apart)
            ids.add(c["id"])
            t += 1000
            snap = {"id": c["id"], "type": c.get("type"), "status": "queued"}
            body = {k: v for k, v in c.items() if k not in ("id", "type", "status")}
            report = {"message": dict(body, type="end-of-call-report", timestamp=t, call=snap)}
            status = {"message": {"type": "status-update", "status": "ended", "endedReason": c["endedReason"],
                                  "timestamp": t - 500, "call": snap}}
            if i % 17 == 3:  # the ending only in the snapshot
                m = dict(report["message"])
                m.pop("endedReason")
                m["call"] = dict(snap, status="ended", endedReason=c["endedReason"])
                report = {"message": m}
            if i % 19 == 4:  # flattened by a middleware
                report = dict(body, call=snap, message={"type": "end-of-call-report", "timestamp": t})
            seq = [report]
            if i % 5 == 0:
                seq = [status, report]
            elif i % 7 == 0:
                seq = [report, report]
            elif i % 11 == 0:
                seq = [report, status]
            elif i % 13 == 0:
                seq = [status]
            for m in seq:
                f.write(json.dumps(m) + "\n")
    return len(ids)


def check_input(path, tmp, deep=True):
    base = run(["summary", path, "--format", "json"])
    j0 = json.loads(base)
    calls0 = [json.loads(l) for l in run(["diagnose", path, "--format", "ndjson"]).splitlines() if l]
    for filt in filters_for(j0, calls0):
        for by in (["day", "hour"] if filt == [] else ["day"]):
            where = "%s %s --by %s" % (os.path.relpath(path, ROOT), " ".join(filt), by)
            jt = run(["summary", path, "--format", "json"] + filt)
            j = json.loads(jt)
            check_internal(j, where)
            calls = [json.loads(l) for l in run(["diagnose", path, "--format", "ndjson"] + filt).splitlines() if l]
            expect = count_calls(calls, by)
            got = summary_view(j, by)
            for k in expect:
                check(expect[k] == got[k], "%s: independent count %s: diagnose says %s, summary %s" %
                      (where, k, expect[k], got[k]))
            # A filter keeps only what it names, on the value the tables show.
            if "--symptom" in filt:
                sym = filt[filt.index("--symptom") + 1]
                check(j["by_symptom"][sym]["calls"] == j["calls"], where + ": by_symptom shows other symptoms")
            if "--fault" in filt:
                fault = filt[filt.index("--fault") + 1]
                check(j["by_fault"][fault]["calls"] == j["calls"], where + ": by_fault shows other faults")
            if "--failures" in filt:
                check(j["failures"] == j["calls"], where + ": --failures kept calls that did not fail")
            # A single filter keeps exactly the calls of its row in the unfiltered summary.
            if filt == ["--failures"]:
                check(j["calls"] == j0["failures"], where + ": calls kept != failures of the whole input")
            if len(filt) == 2 and filt[0] in ("--symptom", "--fault"):
                table = "by_symptom" if filt[0] == "--symptom" else "by_fault"
                check(j["calls"] == j0[table][filt[1]]["calls"], where + ": calls kept != the unfiltered row")
            # Filtering is one set: what passes must be what diagnose without filters says passes.
            check(j["inputs"]["filtered_out"] == j0["calls"] - j["calls"], where + ": filtered_out")
            check(j["inputs"]["duplicates"] == j0["inputs"]["duplicates"], where + ": duplicates depend on the filters")
            opt = ["--by", by]
            check_printed(run(["summary", path] + filt + opt), j, where + " text", False, by)
            check_printed(run(["summary", path, "--format", "markdown"] + filt + opt), j, where + " markdown", True, by)
            check_csv(run(["summary", path, "--format", "csv"] + filt + opt), j, where + " csv", by)
            if not deep or not filt:
                continue
            pre = prefiltered(path, filt, [c["id"] for c in calls], tmp)
            if pre:
                global prefilter_runs
                prefilter_runs += 1
                jp = json.loads(run(["summary", pre, "--format", "json"]))
                check(comparable(jp) == comparable(j), where + ": differs from the summary of the pre-filtered input")
    print("invariants: %s: %d calls, %d failed, %d moved, %d filter sets" %
          (os.path.relpath(path, ROOT), j0["calls"], j0["failures"], j0["symptom_changed_by_evidence"],
           len(filters_for(j0, calls0))))
    j2 = run(["summary", path, "--format", "json", "-j", "2"])
    check(j2 == base, os.path.relpath(path, ROOT) + ": -j 2 differs from -j 1")


def check_goldens():
    """Every golden summary output holds the invariants and matches its JSON twin."""
    gdir = os.path.join(ROOT, "tests", "golden")
    for case in sorted(os.listdir(gdir)):
        cmdf = os.path.join(gdir, case, "cmd")
        if not os.path.isfile(cmdf):
            continue
        args = [a.replace("@ROOT@", ROOT).replace("@CASE@", os.path.join(gdir, case))
                for a in open(cmdf).read().splitlines()]
        if not args or args[0] != "summary":
            continue
        stdin = os.path.join(gdir, case, "stdin")
        out = open(os.path.join(gdir, case, "stdout")).read()
        fmt = args[args.index("--format") + 1] if "--format" in args else "text"
        by = args[args.index("--by") + 1] if "--by" in args else "day"
        rest = [a for i, a in enumerate(args) if a != "--format" and (i == 0 or args[i - 1] != "--format")]
        with open(stdin if os.path.exists(stdin) else os.devnull) as f:
            env = dict(os.environ, NO_COLOR="1", COLUMNS="80")
            p = subprocess.run([VAPIDIAG] + rest + ["--format", "json"], stdin=f, capture_output=True, env=env,
                               cwd=os.path.join(gdir, case))
        if not p.stdout.strip():
            continue
        j = json.loads(p.stdout)
        where = "golden " + case
        check_internal(j, where)
        if fmt == "json":
            check(json.loads(out) == j, where + ": stdout differs from a fresh JSON run")
        elif fmt == "csv":
            check_csv(out, j, where, by)
        elif fmt == "html":
            pass  # html_report_test.py compares every number of the page with the JSON
        else:
            check_printed(out, j, where, fmt == "markdown", by)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        inputs = [os.path.join(ROOT, "data", "samples", p) for p in sorted(os.listdir(os.path.join(ROOT, "data", "samples")))
                  if p.endswith((".json", ".ndjson", ".jsonl"))]
        for seed, fmt, size in ((1, "ndjson", "3M"), (2, "array", "3M"), (3, "results", "3M"), (4, "ndjson", "10M")):
            out = os.path.join(tmp, "gen-%d.%s" % (seed, "ndjson" if fmt == "ndjson" else "json"))
            subprocess.run([GEN, "--format", fmt, "--bytes", size, "--seed", str(seed), "--out", out],
                           check=True, capture_output=True)
            inputs.append(out)
        # A webhook log with every duplicate pattern: one call, one count.
        hooks = os.path.join(tmp, "webhooks.ndjson")
        distinct = webhook_log(os.path.join(tmp, "gen-1.ndjson"), hooks)
        jh = json.loads(run(["summary", hooks, "--format", "json"]))
        check(jh["calls"] == distinct, "webhook log: %d calls counted, %d distinct calls" % (jh["calls"], distinct))
        check(jh["inputs"]["duplicates"] > 0, "webhook log: no duplicates merged")
        plain = json.loads(run(["summary", os.path.join(tmp, "gen-1.ndjson"), "--format", "json"]))
        # The same codes and faults as the calls themselves (failures may differ: a call known
        # by its status-update alone has less evidence than its record).
        check(jh["by_fault"] == plain["by_fault"] and
              {c["code"]: c["calls"] for c in jh["codes"]} == {c["code"]: c["calls"] for c in plain["codes"]},
              "webhook log: counts differ from the same calls as GET /call records")
        inputs.append(hooks)
        gdir = os.path.join(ROOT, "tests", "golden")
        for case in sorted(os.listdir(gdir)):
            d = os.path.join(gdir, case)
            if os.path.isdir(d) and open(os.path.join(d, "cmd")).readline().strip() in ("summary", "diagnose"):
                inputs += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith((".json", ".ndjson", ".jsonl")) or f == "stdin"]
        for path in inputs:
            check_input(path, tmp, deep=True)
        check_goldens()
    print("invariants: %d checks (%d against a pre-filtered input), %d failures" % (checks, prefilter_runs, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
