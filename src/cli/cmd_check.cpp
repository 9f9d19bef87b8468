// vapidiag check FILE...: for scripts and CI, an exit status from the logs.

#include <algorithm>
#include <array>
#include <sstream>

#include "commands.hpp"
#include "log_options.hpp"
#include "vapidiag/report.hpp"

namespace vapidiag::cli {

void setup_check(CLI::App& app, CheckOptions& o) {
  add_filter_options(app, o.log);
  add_jobs_option(app, o.log);
  app.add_option("--fail-on", o.fail_on, "Fault parties that fail the check (comma-separated)")
      ->capture_default_str();
  app.add_option("--max-rate", o.max_rate, "Fail only when matching calls exceed PERCENT of ended calls")
      ->check(CLI::Range(0.0, 100.0));
  app.add_flag("--ignore-bad-records", o.ignore_bad_records,
               "Unreadable records and inputs do not fail the check");
  app.add_flag("-q,--quiet", o.quiet, "Print nothing, only set the exit status");
  app.add_option("--format", o.format, "text: one line on stderr when it fails; json: the verdict on stdout")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.footer(R"(For scripts and CI: reads the logs and sets the exit status.

Exit status, first that applies (the table of every command, docs/formats.md):
  2  usage error (bad option, nothing to read)
  4  the output could not be written
  1  ended calls whose fault is in --fail-on exist (or exceed --max-rate percent)
  3  unreadable input: a file or record could not be read (unless --ignore-bad-records)
  0  otherwise
One line on stderr says why it failed; --quiet for none. --format json prints the
verdict (status, exit code, calls, the rule and its measured rate) on stdout.

Examples:
  vapidiag check calls.json
  vapidiag check logs/*.ndjson --fail-on vapifault,providerfault --max-rate 2
  vapidiag check today.ndjson --since 2024-06-30 --fail-on vapifault -q || page-oncall)");
}

namespace {

// Per worker: calls, and calls whose fault fails the check.
class CheckCounter final : public CallSink {
 public:
  CheckCounter(std::size_t jobs, const std::array<bool, kFaultNames.size()>& fail)
      : counts(jobs), fail_(fail) {}
  void on_call(std::size_t w, const Diagnosis& d) override {
    ++counts[w].first;
    if (fail_[static_cast<std::size_t>(d.c.fault)]) ++counts[w].second;
  }
  std::vector<std::pair<std::uint64_t, std::uint64_t>> counts;

 private:
  const std::array<bool, kFaultNames.size()>& fail_;
};

}  // namespace

int run_check(const CheckOptions& o, Context& ctx) {
  std::array<bool, kFaultNames.size()> fail{};
  {
    std::stringstream ss(o.fail_on);
    std::string word;
    while (std::getline(ss, word, ',')) {
      if (word.empty()) continue;
      const auto f = parse_fault(word);
      if (!f) {
        ctx.err.line("vapidiag check: --fail-on: '" + word +
                     "' is not a fault party (vapifault, providerfault, customer, normal, unknown)");
        return kExitUsage;
      }
      fail[static_cast<std::size_t>(*f)] = true;
    }
  }
  LogReadOptions lo;
  if (!make_read_options(o.log, ctx, &lo)) return kExitUsage;
  lo.finding_details = false;  // check never prints findings
  std::vector<std::string> inputs;
  if (!resolve_inputs(o.log, ctx, &inputs)) return kExitUsage;
  CheckCounter counter(lo.jobs, fail);
  StderrEvents events(ctx);
  const LogResult r = read_logs(inputs, lo, counter, events);
  events.clear_progress();
  std::uint64_t calls = 0, matched = 0;
  for (const auto& [c, m] : counter.counts) calls += c, matched += m;
  const bool bad_input = (r.stats.unreadable || r.stats.file_errors) && !o.ignore_bad_records;
  if (bad_input && !o.quiet)
    ctx.err.line("vapidiag check: input error: " + with_commas(r.stats.unreadable) + " unreadable records, " +
                 with_commas(r.stats.file_errors) +
                 " unreadable inputs (--ignore-bad-records to check anyway)");
  const double rate = calls ? 100.0 * static_cast<double>(matched) / static_cast<double>(calls) : 0.0;
  const bool failed = o.max_rate >= 0 ? rate > o.max_rate : matched > 0;
  if (failed && !o.quiet) {
    std::string parties = o.fail_on;
    std::replace(parties.begin(), parties.end(), ',', '/');
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.2f%%", rate);
    std::string limit = "none allowed";
    if (o.max_rate >= 0) {
      char lb[64];
      std::snprintf(lb, sizeof lb, "above --max-rate %g%%", o.max_rate);
      limit = lb;
    }
    ctx.err.line("vapidiag check: failed: " + with_commas(matched) + " of " + with_commas(calls) +
                 " ended calls (" + buf + ") have fault " + parties + ", " + limit);
  }
  // A rule that fired is reported even when some records were unreadable (2, 4, 1, 3, 0).
  const int rc = failed ? kExitFound : bad_input ? kExitInput : kExitOk;
  if (o.format == "json") {
    Verdict v;
    v.exit_code = rc;
    v.since = lo.filter.since;
    v.until = lo.filter.until;
    v.calls = calls;
    v.matched = matched;
    v.rule = "fault:" + o.fail_on;
    v.threshold = o.max_rate >= 0 ? o.max_rate / 100.0 : -1.0;
    v.fired = failed;
    v.stats = r.stats;
    v.files = r.files;
    v.filtered_out = r.filtered_out;
    v.duplicates = r.duplicates;
    ctx.out.line(render_verdict_json(v));
  }
  return rc;
}

}  // namespace vapidiag::cli
