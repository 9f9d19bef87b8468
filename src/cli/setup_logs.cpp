// The command-line definitions of the log commands (diagnose, summary, check): their options,
// help and examples. Apart from their runs (cmd_*.cpp), so that the quick front end knows
// every command's options, help and completions without linking the log reader
// (docs/architecture.md).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "commands.hpp"
#include "log_options.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag::cli {
namespace {

std::vector<std::string> names(auto const& arr) { return {arr.begin(), arr.end()}; }

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A number between lo and hi (a whole one when integer), for an option whose help shows its
// kind and range readably ("SECONDS 0-86400") instead of CLI11's "FLOAT:FLOAT in [0 - 86400]".
CLI::Validator number_in(double lo, double hi, bool integer) {
  return CLI::Validator(
      [=](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
          return "'" + s + "' is not a number";
        if (integer && v != std::floor(v)) return "'" + s + "' is not a whole number";
        if (v < lo || v > hi)
          return "'" + s + "' is not between " + number_text(lo) + " and " + number_text(hi);
        return {};
      },
      "");
}

// How a finding threshold's unit reads in the help, its range, and whether it counts.
struct UnitHelp {
  std::string type;
  double hi;
  bool integer;
};
UnitHelp unit_help(std::string_view unit) {
  if (unit == "calls") return {"N", 1e9, true};
  if (unit == "%") return {"PCT 0-100", 100, false};
  if (unit == "ms") return {"MS", 1e9, false};
  if (unit == "s") return {"SECONDS", 1e9, false};
  return {"NUMBER", 1e9, false};
}

}  // namespace

void add_filter_options(CLI::App& app, LogOptions& o, bool call_filters) {
  app.add_option("files", o.files, "Call-log files (JSON, NDJSON, webhook payloads); - or none reads stdin")
      ->type_name("FILE");
  if (call_filters) {
    app.add_option("--symptom", o.symptom, "Only calls with this symptom")
        ->check(CLI::IsMember(names(kSymptomNames)));
    app.add_option("--fault", o.fault, "Only calls with this fault party")
        ->check(CLI::IsMember(names(kFaultNames)));
    app.add_option("--component", o.component, "Only calls failing in this component")
        ->check(CLI::IsMember(names(kComponents)));
    app.add_option("--code", o.code_glob, "Only calls whose endedReason matches GLOB (* and ?)")
        ->type_name("GLOB");
  }
  app.add_option("--since", o.since,
                 "Only calls at or after this time: ISO 8601, or 24h, 7d, 30m ago, today, yesterday (UTC)")
      ->type_name("TIME");
  app.add_option("--until", o.until, "Only calls before this time (the same forms)")->type_name("TIME");
  if (call_filters)
    app.add_flag("--failures", o.failures_only,
                 "Only failed calls: fault not normal, or evidence the caller was not served");
  app.add_flag("--dedupe", o.dedupe_exact,
               "One count per call id over the whole input (remembers every id: about 100 bytes a call)");
  app.add_option("--dedupe-window", o.dedupe_window_s,
                 "Seconds an ended status-update waits for its call's report (0: count every record)")
      ->type_name("SECONDS 0-86400")
      ->check(number_in(0, 86400, false))
      ->capture_default_str();
  app.add_option("--max-record-mb", o.max_record_mb, "Skip (and report) records larger than this many MiB")
      ->capture_default_str()
      ->type_name("MIB 0.001-65536")
      ->check(number_in(0.001, 65536, false));
  for (const Threshold& t : thresholds()) {
    double& v = o.thresholds[std::string(t.name)];
    v = t.value;
    app.add_option("--" + std::string(t.name), v,
                   "Finding threshold (" + std::string(t.unit) + "): " + std::string(t.description))
        ->capture_default_str()
        ->type_name(unit_help(t.unit).type)
        ->check(number_in(0, unit_help(t.unit).hi, unit_help(t.unit).integer))
        ->group("Finding thresholds");
  }
}

void add_jobs_option(CLI::App& app, LogOptions& o) {
  o.jobs = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  app.add_option(
         "-j,--jobs", o.jobs,
         "Threads: a large NDJSON file (or stdin redirected from one) is split among them; other inputs "
         "are framed on a second thread "
         "(default: the number of cores)")
      ->capture_default_str()
      ->type_name("N 1-64")
      ->check(number_in(1, 64, true));
}

void setup_diagnose(CLI::App& app, DiagnoseOptions& o) {
  add_filter_options(app, o.log);
  app.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "ndjson", "csv", "tsv"}))
      ->capture_default_str();
  app.add_flag("--line-buffered", o.line_buffered,
               "Write each call's result out at once (a live input is flushed whenever it pauses anyway)");
  app.footer(R"(One diagnosis per ended call: when, how long, the endedReason, what the caller
experienced, whose fault it was and the fix. Calls that have not ended are counted,
not listed. Structured formats add every classification field and the evidence
(turns, last speaker, cost, provider, assistant, number, transfers).

Reading a live input (a pipe or terminal: tail -F log | vapidiag diagnose), each
result is written out before waiting for more input; files are read with full
buffering. --line-buffered flushes after every call.

--failures keeps the failed calls: fault not normal, or evidence that the caller was
not served (the phone never rang, the transfer did not connect, no answer to the
caller). --symptom matches the symptom the evidence points to. docs/counting.md.

Examples:
  vapidiag diagnose calls.json
  vapidiag diagnose calls.json --fault vapifault --format csv > credits.csv
  vapidiag diagnose logs/*.ndjson --failures --since 2024-06-01 --format ndjson
  tail -F webhooks.ndjson | vapidiag diagnose --failures --format ndjson | jq .id

Exit status: 0 ok; 2 usage; 3 input (unreadable files or records, reported on stderr);
4 output not written. One table for every command: docs/formats.md.)");
}

void setup_summary(CLI::App& app, SummaryOptions& o) {
  add_filter_options(app, o.log);
  add_jobs_option(app, o.log);
  app.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown", "csv", "html"}))
      ->capture_default_str();
  app.add_option("--by", o.by, "Time buckets")->check(CLI::IsMember({"day", "hour"}))->capture_default_str();
  app.add_option("--top", o.top, "Rows in the top-N tables")->type_name("N")->capture_default_str();
  app.add_flag("--ids", o.ids, "List every ID of the calls Vapi typically does not charge for");
  app.add_option("-o,--output", o.output, "Write to FILE (whole, or not at all) instead of standard output")
      ->type_name("FILE");
  app.add_flag("--merge", o.merge, "Inputs are summaries written with --format json: combine them");
  app.footer(R"(Totals with input accounting (every record is a call, not ended, a skipped
webhook message or unreadable), counts by symptom and fault, top codes, provider
failures, assistants and numbers with most failures, calls per day, the calls Vapi
typically does not charge for, and unknown codes. Every total, failure count, rate
and share is over the calls that passed the filters; the headline says how many the
filters left out.

A call failed when its fault is not normal, or when its record shows the caller was
not served (an error finding: the phone never rang, the transfer did not connect, the
caller got no answer). "By symptom" counts what the caller experienced, the symptom
the evidence points to. docs/counting.md has the details.

--format html is one self-contained page (inline CSS and SVG, no script, nothing
loaded from elsewhere) with charts, fixes and the numbers of the JSON: docs/report.md.

--format json is stable and mergeable: summaries of shards combine exactly.
  ls shards/*.ndjson | xargs -P 2 -I{} sh -c 'vapidiag summary {} --format json > {}.sum.json'
  vapidiag summary --merge shards/*.sum.json

Examples:
  vapidiag summary calls.json
  curl -s -H "Authorization: Bearer $VAPI_API_KEY" https://api.vapi.ai/call | vapidiag summary
  vapidiag summary logs/*.ndjson --by hour --format markdown > report.md
  vapidiag summary calls.json --ids   # IDs for a credit request
  vapidiag summary calls.json --format html -o report.html
  vapidiag summary --merge daily/*.sum.json --format html -o week.html

Exit status: 0 ok; 2 usage; 3 input (unreadable files or records, reported on stderr);
4 output not written. One table for every command: docs/formats.md.)");
}

void setup_check(CLI::App& app, CheckOptions& o) {
  add_filter_options(app, o.log, /*call_filters=*/false);
  add_jobs_option(app, o.log);
  app.add_option("--fail-on", o.fail_on,
                 "What fails the check: failed, fault parties, symptoms, finding ids, unknown-code, "
                 "summary.* (comma-separated)")
      ->type_name("RULES")
      ->capture_default_str();
  app.add_option("--max-rate", o.max_rates,
                 "PCT: the rules of --fail-on fire only above PCT percent of the ended calls; NAME=PCT: "
                 "one rule (repeatable)")
      ->type_name("PCT|NAME=PCT");
  app.add_option("--min-calls", o.min_calls, "Fewer ended calls than N fail the check (a dead exporter)")
      ->type_name("N")
      ->check(number_in(0, 1e15, true));
  app.add_flag("--ignore-bad-records", o.ignore_bad_records,
               "Unreadable records and inputs do not fail the check");
  app.add_flag("-q,--quiet", o.quiet, "Print nothing (usage errors aside): the exit status says it");
  app.add_option("--format", o.format, "The verdict: text, json, github (Actions) or junit (XML)")
      ->check(CLI::IsMember({"text", "json", "github", "junit"}))
      ->capture_default_str();
  app.footer(R"(For CI and cron: reads the logs, evaluates each rule, prints the verdict on stdout and
sets the exit status.

Rules (--fail-on): failed (every failed call: fault not normal, or evidence that the
caller was not served), a fault party (vapifault...), a symptom as the evidence shows it
(never-rang...), a finding id (never-connected...), unknown-code, or a finding across
calls (summary.burst...). `unknown` is both a fault and a symptom: write fault:unknown or
symptom:unknown. Without a rate a rule fires on any matching call. Rates are over every
ended call of the input within --since/--until; check takes no other filters (the rule
names choose what counts). --since/--until also take 24h, 7d, 30m, today, yesterday
(UTC), so cron needs no date arithmetic.

Exit status, first that applies (the table of every command, docs/formats.md):
  2  usage error (bad option, unknown rule name, nothing to read)
  4  the output could not be written
  1  a rule fired, or fewer calls than --min-calls (also when input was unreadable: both said)
  3  unreadable input: a file or record could not be read (unless --ignore-bad-records)
  0  otherwise

Examples:
  vapidiag check calls.json
  vapidiag check logs/*.ndjson --fail-on vapifault,providerfault --max-rate 2
  vapidiag check today.ndjson --fail-on failed,summary.burst --max-rate failed=5 --min-calls 100
  vapidiag check log.ndjson --since 24h --format github    # in a GitHub Actions step
  vapidiag check log.ndjson --since yesterday --until today -q || page-oncall)");
}

}  // namespace vapidiag::cli
