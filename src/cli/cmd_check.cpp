// vapidiag check FILE...: rules over the logs' calls, a verdict for people and machines, and
// an exit status for scripts, CI and cron (include/vapidiag/check.hpp).

#include <cstdlib>
#include <fstream>

#include "commands.hpp"
#include "log_options.hpp"
#include "vapidiag/check.hpp"
#include "vapidiag/report.hpp"

namespace vapidiag::cli {

int run_check(const CheckOptions& o, Context& ctx) {
  CheckSpec spec;
  std::string err;
  if (!parse_check_spec(o.fail_on, o.max_rates, o.min_calls, &spec, &err)) {
    ctx.err.line("vapidiag check: --" + err);  // "--fail-on: ..." or "--max-rate: ..."
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
      if (!f)
        ctx.err.line(std::string("vapidiag check: cannot append to GITHUB_STEP_SUMMARY (") + path + ")");
    }
  } else {
    ctx.out.write(render_verdict_text(v));
  }
  return v.exit_code;
}

}  // namespace vapidiag::cli
