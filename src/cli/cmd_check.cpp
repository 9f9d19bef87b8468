// vapidiag check FILE...: rules over the logs' calls, a verdict for people and machines, and
// an exit status for scripts, CI and cron (include/vapidiag/check.hpp).

#include <cstdlib>
#include <fstream>

#include "commands.hpp"
#include "log_options.hpp"
#include "vapidiag/check.hpp"
#include "vapidiag/report.hpp"

namespace vapidiag::cli {

void setup_check(CLI::App& app, CheckOptions& o) {
  add_filter_options(app, o.log, /*call_filters=*/false);
  add_jobs_option(app, o.log);
  app.add_option("--fail-on", o.fail_on,
                 "What fails the check: failed, fault parties, symptoms, finding ids, unknown-code, "
                 "summary.* (comma-separated)")
      ->capture_default_str();
  app.add_option("--max-rate", o.max_rates,
                 "PCT: the rules of --fail-on fire only above PCT percent of the ended calls; NAME=PCT: "
                 "one rule (repeatable)");
  app.add_option("--min-calls", o.min_calls, "Fewer ended calls than N fail the check (a dead exporter)")
      ->check(CLI::NonNegativeNumber);
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

int run_check(const CheckOptions& o, Context& ctx) {
  CheckSpec spec;
  std::string err;
  if (!parse_check_spec(o.fail_on, o.max_rates, o.min_calls, &spec, &err)) {
    ctx.err.line("vapidiag check: " + err);
    return kExitUsage;
  }
  LogReadOptions lo;
  if (!make_read_options(o.log, ctx, &lo)) return kExitUsage;
  lo.finding_details = false;  // findings by id: check prints no finding messages
  std::vector<std::string> inputs;
  if (!resolve_inputs(o.log, ctx, &inputs)) return kExitUsage;
  StderrEvents events(ctx);
  events.quiet = o.quiet;
  LogResult lr;
  const CheckResult result = run_check_rules(spec, inputs, lo, events, &lr);
  events.clear_progress();

  Verdict v;
  v.result = &result;
  v.since = lo.filter.since;
  v.until = lo.filter.until;
  v.stats = lr.stats;
  v.files = lr.files;
  v.duplicates = lr.duplicates;
  v.bad_input = (lr.stats.unreadable || lr.stats.file_errors) && !o.ignore_bad_records;
  // A rule that fired is reported even when some records were unreadable (2, 4, 1, 3, 0).
  v.exit_code = result.fired() ? kExitFound : v.bad_input ? kExitInput : kExitOk;
  if (o.quiet) return v.exit_code;
  if (o.format == "json") {
    ctx.out.line(render_verdict_json(v));
  } else if (o.format == "junit") {
    ctx.out.write(render_verdict_junit(v));
  } else if (o.format == "github") {
    ctx.out.write(render_verdict_github(v));
    if (const char* path = std::getenv("GITHUB_STEP_SUMMARY"); path != nullptr && *path != '\0') {
      std::ofstream f(path, std::ios::app);
      f << render_verdict_step_summary(v);
      if (!f) ctx.err.line(std::string("vapidiag check: cannot append to GITHUB_STEP_SUMMARY (") + path + ")");
    }
  } else {
    ctx.out.write(render_verdict_text(v));
  }
  return v.exit_code;
}

}  // namespace vapidiag::cli
