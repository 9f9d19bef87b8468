#!/usr/bin/python3
"""The HTML report (`summary --format html`), checked as a reader and a browser see it.

- Numbers: the page is parsed with html5lib (a parser that follows the HTML standard) and
  every number of its cards and tables is compared with `summary --format json` of the
  same input: the machine value (data-value) and the text a reader sees.
- Self-contained: no script, no element or style that loads anything from elsewhere.
- Hostile strings from logs (<script>, quotes, attribute breakers, bad UTF-8) create no
  element or attribute: they stay text.
- Size: a summary of a million calls with thousands of distinct keys stays under 300 KB.
- Browser: headless Chromium renders the page at desktop and phone widths; the screenshot
  is not blank and the browser logged no error. A control page that breaks the rules
  (an external image) must be caught, so the error check can fail.

usage: html_report_test.py VAPIDIAG GEN_CALLS SOURCE_DIR
Needs Debian's python3 with python3-html5lib and python3-pil, and chromium.
"""

import calendar
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

import html5lib
from PIL import Image

VAPIDIAG, GEN_CALLS, SRC = sys.argv[1:4]
SAMPLE = os.path.join(SRC, "data", "samples", "calls.json")
failures = []
checks = 0
quiet = False  # a control run that must fail: collect, don't print


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        if not quiet:
            print("FAIL: " + what, file=sys.stderr)


def run(args, stdin=None):
    p = subprocess.run([VAPIDIAG] + args, input=stdin, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def local(tag):
    return tag.split("}")[-1] if isinstance(tag, str) else ""


def text_of(el):
    return "".join(el.itertext()).strip()


def parse(html_bytes):
    return html5lib.parse(html_bytes, treebuilder="etree", namespaceHTMLElements=False,
                          transport_encoding="utf-8")


def by_id(root, ident):
    for el in root.iter():
        if el.get("id") == ident:
            return el
    return None


def commas(n):
    return f"{n:,}"


def pct(part, whole):
    return "%.1f%%" % (100.0 * part / whole) if whole else "0.0%"


def shown(s):
    """A string as the page shows it: control characters (but tab and line end) as U+FFFD."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "\ufffd", s)


def rows(root, table_id):
    """The body rows of a table: a list of (heading text, [td elements])."""
    t = by_id(root, table_id)
    if t is None:
        return None
    out = []
    for tr in t.iter("tr"):
        cells = [c for c in tr if local(c.tag) in ("th", "td")]
        if cells and local(cells[0].tag) == "th" and cells[0].get("scope") == "row":
            out.append((text_of(cells[0]), [c for c in cells[1:] if "barcell" not in (c.get("class") or "")]))
    return out


def num_cell(cell, value, what):
    """A count cell: its data-value and its text both say value."""
    check(cell.get("data-value") == str(value), f"{what}: data-value {cell.get('data-value')} != {value}")
    check(text_of(cell) == commas(value), f"{what}: text {text_of(cell)!r} != {commas(value)!r}")


def share_cell(cell, part, whole, share, what):
    check(abs(float(cell.get("data-value")) - share) < 1e-9, f"{what}: share {cell.get('data-value')} != {share}")
    check(text_of(cell) == pct(part, whole), f"{what}: text {text_of(cell)!r} != {pct(part, whole)!r}")


def compare(html, j, label, top=10, by="day"):
    """Every number of the page against the JSON summary j."""
    root = parse(html)
    calls, failed = j["calls"], j["failures"]
    num_cell(by_id(root, "calls"), calls, label + " calls card")
    num_cell(by_id(root, "failed"), failed, label + " failed card")
    share_cell(by_id(root, "failure-rate"), failed, calls, j["failure_rate"], label + " rate card")
    num_cell(by_id(root, "inputs"), j["inputs"]["files"], label + " inputs card")
    num_cell(by_id(root, "unreadable"), j["inputs"]["unreadable"], label + " unreadable card")
    for table, key in (("by-symptom-table", "by_symptom"), ("by-fault-table", "by_fault")):
        got = {name: cells for name, cells in rows(root, table)}
        want = {k: v for k, v in j[key].items() if v["calls"]}
        check(set(got) == set(want), f"{label} {table}: rows {sorted(got)} != {sorted(want)}")
        for name, v in want.items():
            if name in got:
                num_cell(got[name][0], v["calls"], f"{label} {table} {name}")
                share_cell(got[name][1], v["calls"], calls, v["share"], f"{label} {table} {name}")
    # Top codes: the most frequent, as many as --top, each with the JSON's count and share.
    codes = {shown(c["code"]): c for c in j["codes"]}
    got = rows(root, "codes-table") or []
    check(len(got) == min(top, len(codes)), f"{label} codes: {len(got)} rows for {len(codes)} codes")
    if len(codes) > top:
        # The cut table says how to see more, the option as code.
        check(f"{len(codes) - top:,} more codes; <code>--top N</code> shows more rows.".encode() in html,
              f"{label} codes: no note on the rows left out")
    on_page = set()
    for name, cells in got:
        check(name in codes, f"{label} codes: {name!r} not in the JSON")
        if name in codes:
            on_page.add(name)
            num_cell(cells[0], codes[name]["calls"], f"{label} code {name}")
            share_cell(cells[1], codes[name]["calls"], calls, codes[name]["share"], f"{label} code {name}")
            check((codes[name]["fault"] or "") in text_of(cells[2]), f"{label} code {name}: fault")
    if on_page:
        least = min(codes[c]["calls"] for c in on_page)
        check(all(c["calls"] <= least for k, c in codes.items() if k not in on_page),
              f"{label} codes: a code left out has more calls than one shown")
    for table, key, idk in (("assistants-table", "assistants", "id"), ("phone-numbers-table", "phone_numbers", "id")):
        want = {shown(a[idk]): a for a in j[key]}
        got = rows(root, table)
        if not want:
            check(got is None, f"{label} {table}: shown without data")
            continue
        check(len(got) == min(top, len(want)), f"{label} {table}: {len(got)} rows")
        for name, cells in got:
            check(name in want, f"{label} {table}: {name!r} not in the JSON")
            if name in want:
                a = want[name]
                num_cell(cells[0], a["calls"], f"{label} {table} {name} calls")
                num_cell(cells[1], a["failures"], f"{label} {table} {name} failures")
                share_cell(cells[2], a["failures"], a["calls"], a["failure_rate"], f"{label} {table} {name} rate")
    # Providers: calls and share of failures.
    want = {(p["provider"], p["component"]): p for p in j["provider_failures"]}
    t = by_id(root, "providers-table")
    if want:
        for tr in t.iter("tr"):
            cells = [c for c in tr if local(c.tag) in ("th", "td")]
            if cells and cells[0].get("scope") == "row":
                key = (text_of(cells[0]), text_of(cells[1]))
                check(key in want, f"{label} providers: {key} not in the JSON")
                if key in want:
                    num_cell(cells[2], want[key]["calls"], f"{label} provider {key}")
                    share_cell(cells[3], want[key]["calls"], failed, want[key]["share"], f"{label} provider {key}")
    # The chart's table: buckets sum to the totals, each bucket's parties to its failures,
    # and each bucket equals the JSON's day or hour (the chart fills empty ones with zeros).
    got = rows(root, "over-time-table") or []
    if j["hours"]:
        # More buckets than the chart shows are grouped: "Each row is 5 days from its start".
        table = by_id(root, "over-time-table")
        cap = table.find("caption") if table is not None else None
        group = int(re.match(r"Each row is (\d+)", text_of(cap)).group(1)) if cap is not None else 1
        unit = 3600 if by == "hour" else 86400
        starts = sorted(int(calendar.timegm(time.strptime(h["hour"], "%Y-%m-%dT%H"))) // unit * unit
                        for h in j["hours"] if not h["hour"].startswith("("))
        buckets = {}
        for h in j["hours"]:
            if h["hour"].startswith("("):  # (other): hours past the summary's cap
                continue
            t = int(calendar.timegm(time.strptime(h["hour"], "%Y-%m-%dT%H"))) // unit * unit
            t = starts[0] + (t - starts[0]) // (unit * group) * (unit * group)
            k = time.strftime("%Y-%m-%d %H:00" if by == "hour" else "%Y-%m-%d", time.gmtime(t))
            b = buckets.setdefault(k, [0, 0])
            b[0] += h["calls"]
            b[1] += h["failures"]
        seen = {}
        for name, cells in got:
            vals = [int(c.get("data-value")) for c in cells if "." not in c.get("data-value")]
            c_calls, c_failed, parts = vals[0], vals[1], vals[2:]
            check(sum(parts) == c_failed, f"{label} over time {name}: parties {parts} != {c_failed} failed")
            seen[name] = [c_calls, c_failed]
        check(sum(v[0] for v in seen.values()) == sum(h["calls"] for h in j["hours"] if h["hour"][0] != "("),
              f"{label} over time: calls do not add up")
        check(sum(v[1] for v in seen.values()) == sum(h["failures"] for h in j["hours"] if h["hour"][0] != "("),
              f"{label} over time: failures do not add up")
        check(len(got) <= 240, f"{label} over time: {len(got)} bars")
        for k, v in buckets.items():
            check(seen.get(k) == v, f"{label} over time {k}: {seen.get(k)} != {v}")
        check(all(v == [0, 0] for k, v in seen.items() if k not in buckets),
              f"{label} over time: a filled-in bucket is not empty")
    else:
        check(by_id(root, "over-time") is None, f"{label}: chart without hours")
    # Findings per call.
    want = {f["id"]: f for f in j["findings"]}
    got = rows(root, "findings-table") or []
    check({n for n, _ in got} == set(want), f"{label} findings: {sorted(n for n, _ in got)} != {sorted(want)}")
    for name, cells in got:
        if name in want:
            num_cell(cells[0], want[name]["calls"], f"{label} finding {name}")
    want = [(f["id"], f["calls"]) for f in j["cross_findings"]]
    got = rows(root, "cross-table") or []
    check([(n, int(c[0].get("data-value"))) for n, c in got] == want[:50], f"{label} cross findings differ")
    # Not charged: count, cost and the first 200 IDs.
    nc = j["not_charged"]
    num_cell(by_id(root, "not-charged-calls"), nc["calls"], label + " not charged")
    check(abs(float(by_id(root, "not-charged-cost").get("data-value")) - nc["cost"]) < 0.005,
          label + " not charged cost")
    ids = by_id(root, "not-charged-ids")
    listed = text_of(ids).split("\n") if ids is not None else []
    listed = [x for x in listed if x]
    check(listed == nc["ids"][:200], f"{label} not-charged IDs: {len(listed)} listed, JSON has {len(nc['ids'])}")
    # Unknown codes with their suggestion.
    want = {shown(u["code"]): u for u in j["unknown_codes"]}
    got = rows(root, "unknown-table") or []
    check(len(got) == min(top, len(want)), f"{label} unknown codes: {len(got)} rows")
    for name, cells in got:
        check(name in want, f"{label} unknown {name!r} not in the JSON")
        if name in want:
            num_cell(cells[0], want[name]["calls"], f"{label} unknown {name}")
            check(text_of(cells[1]) == (want[name]["suggestion"] or ""), f"{label} unknown {name}: suggestion")
    return root


ALLOWED = {"html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section", "h1", "h2",
           "p", "dl", "div", "dt", "dd", "table", "caption", "thead", "tbody", "tr", "th", "td", "span", "strong",
           "small", "br", "code", "pre", "a", "ul", "li", "figure", "details", "summary", "svg", "title", "desc",
           "g", "rect", "line", "text"}


def self_contained(html, label):
    root = parse(html)
    tags = {local(el.tag) for el in root.iter()} - {""}
    check(tags <= ALLOWED, f"{label}: unexpected elements {sorted(tags - ALLOWED)}")
    for el in root.iter():
        for name, value in el.attrib.items():
            check(not name.lower().startswith("on"), f"{label}: event attribute {name} on <{local(el.tag)}>")
            if name in ("href", "src", "xlink:href", "srcset", "action", "data"):
                check(local(el.tag) == "a" and name == "href", f"{label}: <{local(el.tag)} {name}> loads {value}")
            check("url(" not in value.lower(), f"{label}: url() in an attribute")
        if local(el.tag) == "style":
            css = text_of(el).lower()
            check("url(" not in css and "@import" not in css, f"{label}: the stylesheet loads something")
    return root


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def hostile_log(path):
    """Calls whose strings try to break out of the page, and bytes that are not UTF-8."""
    evil = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(2)>",
            '</td></tr></table><iframe src="https://example.com">', "&amp;<!-- -->", "a\x01b"]
    lines = []
    for i, s in enumerate(evil):
        lines.append(json.dumps({"id": f"h{i}", "type": "outboundPhoneCall", "status": "ended",
                                 "endedReason": s, "assistantId": s, "phoneNumberId": s + "-num",
                                 "endedMessage": "<script>alert('x')</script>",
                                 "startedAt": "2026-11-30T10:0%d:00Z" % i, "endedAt": "2026-11-30T10:0%d:30Z" % i,
                                 "cost": 0.01}).encode())
    # Bad UTF-8 in a code and an assistant ID, and a vapifault code so that IDs are listed.
    lines.append(b'{"id":"bad\xff\xfe","status":"ended","endedReason":"call.in-progress.error-vapifault-\xc3(",'
                 b'"assistantId":"as\xed\xa0\x80st","startedAt":"2026-11-30T11:00:00Z"}')
    lines.append(b'{"id":"<b>id</b>","status":"ended","endedReason":"call.in-progress.error-vapifault-worker-died",'
                 b'"startedAt":"2026-11-30T11:00:00Z"}')
    write(path, b"\n".join(lines) + b"\n")
    return evil


def million_calls(path):
    """A million small calls with thousands of distinct codes, assistants, numbers and hours."""
    rng = random.Random(7)
    base = ["customer-ended-call", "assistant-ended-call", "silence-timed-out", "customer-busy",
            "call.in-progress.error-vapifault-worker-died", "call.start.error-subscription-insufficient-credits",
            "pipeline-error-openai-llm-failed", "twilio-failed-to-connect-call"]
    with open(path, "w") as f:
        for i in range(1_000_000):
            code = base[i % len(base)] if i % 5 else "unknown-code-%d" % rng.randrange(20000)
            t = 1767225600 + rng.randrange(0, 3 * 365 * 86400)  # three years of hours
            f.write('{"id":"c%07d","status":"ended","endedReason":"%s","assistantId":"a%d","phoneNumberId":"p%d",'
                    '"startedAt":"%s"}\n' % (i, code, rng.randrange(50000), rng.randrange(50000),
                                              time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))))


def chromium_render(html_path, png_path, width, height):
    """Screenshot and the browser's log; (returncode, error lines)."""
    profile = tempfile.mkdtemp(prefix="vapidiag-chromium-")
    try:
        p = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                            f"--window-size={width},{height}", "--screenshot=" + png_path,
                            "file://" + html_path], capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    errors = [l for l in p.stderr.splitlines()
              if ("CONSOLE" in l or "Refused to" in l or "Failed to load" in l or "net::ERR" in l)]
    return p.returncode, errors


def not_blank(png_path, label):
    img = Image.open(png_path).convert("RGB")
    w, h = img.size
    small = img.resize((w // 4, h // 4))
    px = list(small.getdata())
    bg = max(set(px), key=px.count)
    ink = sum(1 for p in px if sum(abs(a - b) for a, b in zip(p, bg)) > 60)
    colours = len(set(px))
    check(ink > len(px) * 0.02, f"{label}: screenshot looks blank ({ink} of {len(px)} pixels differ)")
    check(colours > 20, f"{label}: screenshot has {colours} colours")
    return ink, colours


def main():
    tmp = tempfile.mkdtemp(prefix="vapidiag-html-")
    try:
        # 1. The sample, by day and by hour, with a small and a large --top.
        for extra, label, top, by in ((["--format", "html"], "sample", 10, "day"),
                                      (["--format", "html", "--by", "hour", "--top", "3"], "sample by hour", 3, "hour"),
                                      (["--format", "html", "--top", "100"], "sample top 100", 100, "day")):
            rc, html, err = run(["summary", SAMPLE] + extra)
            check(rc == 0, f"{label}: exit {rc}: {err.decode(errors='replace')}")
            rc, js, _ = run(["summary", SAMPLE, "--format", "json"])
            compare(html, json.loads(js), label, top=top, by=by)
            self_contained(html, label)
        # 2. Generated logs, and a merge of their JSON summaries (a weekly page from dailies).
        parts = []
        for seed in (1, 2):
            log = os.path.join(tmp, f"gen{seed}.ndjson")
            subprocess.run([GEN_CALLS, "--bytes", "3M", "--seed", str(seed), "--out", log], check=True,
                           capture_output=True)
            rc, html, _ = run(["summary", log, "--format", "html"])
            rc2, js, _ = run(["summary", log, "--format", "json"])
            compare(html, json.loads(js), f"generated seed {seed}")
            write(log + ".sum.json", js)
            parts.append(log + ".sum.json")
        out = os.path.join(tmp, "week.html")
        rc, _, err = run(["summary", "--merge"] + parts + ["--format", "html", "-o", out])
        check(rc == 0, f"merge: exit {rc}: {err.decode(errors='replace')}")
        rc, js, _ = run(["summary", "--merge"] + parts + ["--format", "json"])
        with open(out, "rb") as f:
            week = f.read()
        compare(week, json.loads(js), "merged")
        self_contained(week, "merged")
        # -o writes the file whole or not at all.
        rc, _, err = run(["summary", SAMPLE, "--format", "html", "-o", os.path.join(tmp, "no-such-dir", "r.html")])
        check(rc == 4 and b"cannot write" in err, f"-o into a missing folder: exit {rc}, {err!r}")
        check(not os.listdir(tmp) or all(".tmp-" not in n for n in os.listdir(tmp)), "-o left a temporary file")

        # 3. Hostile strings stay text.
        hlog = os.path.join(tmp, "hostile.ndjson")
        evil = hostile_log(hlog)
        rc, html, err = run(["summary", hlog, "--format", "html", "--top", "50"])
        # The record with bytes that are not UTF-8 is unreadable (exit 3), counted on the page.
        check(rc == 3 and b"record 7" in err, f"hostile: exit {rc}: {err.decode(errors='replace')}")
        try:
            text = html.decode("utf-8")
        except UnicodeDecodeError as e:
            check(False, f"hostile: the page is not valid UTF-8: {e}")
            text = html.decode("utf-8", errors="replace")
        root = self_contained(html, "hostile")
        body_text = "".join(root.itertext())
        for s in evil[:4]:
            check(s in body_text, f"hostile: {s!r} is not shown as text")
        check("a\ufffdb" in body_text, "hostile: a control character is not shown as U+FFFD")
        rc, js, _ = run(["summary", hlog, "--format", "json"])
        compare(html, json.loads(js), "hostile", top=50)

        # 4. Bounded size: a million calls, tens of thousands of distinct keys, three years.
        big = os.path.join(tmp, "million.ndjson")
        million_calls(big)
        rc, js, _ = run(["summary", big, "--format", "json"])
        write(big + ".sum.json", js)
        for by, source in (("day", [big]), ("hour", ["--merge", big + ".sum.json"])):
            rc, html, err = run(["summary"] + source + ["--format", "html", "--by", by])
            check(rc == 0, f"million by {by}: exit {rc}")
            print(f"million calls by {by}: {len(html):,} bytes")
            check(len(html) < 300 * 1024, f"million by {by}: {len(html):,} bytes, over 300 KB")
            compare(html, json.loads(js), f"million by {by}", by=by)
            self_contained(html, f"million by {by}")
        os.remove(big)

        # 5. A real browser: desktop and phone widths, light and dark; no errors logged.
        if shutil.which("chromium") is None:
            check(False, "chromium is not installed (apt-get install chromium)")
        else:
            page = os.path.join(tmp, "sample.html")
            rc, _, _ = run(["summary", SAMPLE, "--format", "html", "-o", page])
            for width, height in ((1280, 1600), (390, 1600)):
                png = os.path.join(tmp, f"shot-{width}.png")
                rc, errors = chromium_render(page, png, width, height)
                check(rc == 0 and os.path.exists(png), f"chromium at {width}: exit {rc}")
                check(not errors, f"chromium at {width} logged errors: {errors[:3]}")
                if os.path.exists(png):
                    ink, colours = not_blank(png, f"screenshot at {width}")
                    print(f"chromium {width}x{height}: {ink} inked pixels (of a quarter-size image), {colours} colours")
            # The control: a page that loads an external image must be caught by the checks above.
            bad = os.path.join(tmp, "bad.html")
            with open(page, "rb") as f:
                write(bad, f.read().replace(b"</main>", b'<img src="https://example.com/x.png"></main>'))
            rc, errors = chromium_render(bad, os.path.join(tmp, "bad.png"), 800, 600)
            check(bool(errors), "control: chromium logged no error for a page that loads an external image")
            global quiet
            before, quiet = len(failures), True
            with open(bad, "rb") as f:
                self_contained(f.read(), "control")
            caught, quiet = len(failures) > before, False
            del failures[before:]
            check(caught, "control: self_contained() missed an external image")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"html_report_test: {checks} checks, {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
