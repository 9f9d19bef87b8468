// vapidiag summary FILE...: totals, tables and findings over call logs, or a merge of
// summaries written as JSON.

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "log_options.hpp"
#include "vapidiag/report.hpp"

namespace vapidiag::cli {

void setup_summary(CLI::App& app, SummaryOptions& o) {
  add_filter_options(app, o.log);
  add_jobs_option(app, o.log);
  app.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown", "csv", "html"}))
      ->capture_default_str();
  app.add_option("--by", o.by, "Time buckets")->check(CLI::IsMember({"day", "hour"}))->capture_default_str();
  app.add_option("--top", o.top, "Rows in the top-N tables")->capture_default_str();
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

namespace {

// Combines summaries written with --format json; kExitInput when one could not be read.
int merge_summaries(const std::vector<std::string>& files, Context& ctx, Summary* total) {
  int rc = kExitOk;
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      ctx.err.line("vapidiag: " + f + ": error: cannot open: " + std::strerror(errno));
      rc = kExitInput;
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    Summary part;
    std::string err;
    if (!Summary::from_json(ss.str(), &part, &err)) {
      ctx.err.line("vapidiag: " + f + ": error: " + err);
      rc = kExitInput;
      continue;
    }
    if (total->files && part.burst_window_ms != total->burst_window_ms) {
      ctx.err.line("vapidiag: " + f +
                   ": error: written with another --burst-window-s; summaries merge only with equal windows");
      rc = kExitInput;
      continue;
    }
    if (!total->files) total->burst_window_ms = part.burst_window_ms;
    std::string twice, overlap;
    for (const std::string& id : part.run_ids)
      for (const std::string& seen : total->run_ids) {
        if (seen == id) twice = id;
        else if (seen.compare(0, 8, id, 0, 8) == 0) overlap = id;
      }
    if (!twice.empty()) {
      ctx.err.line("vapidiag: " + f + ": error: summarises the same input as a summary merged before it (run " +
                   twice + "): merging it would count those calls twice; left out");
      rc = kExitInput;
      continue;
    }
    if (!overlap.empty())
      ctx.err.line("vapidiag: " + f + ": warning: summarises the same input as a summary merged before it, " +
                   "with other filters (run " + overlap + "): calls that pass both are counted twice");
    total->merge(part);
  }
  return rc;
}

}  // namespace

int run_summary(const SummaryOptions& o, Context& ctx) {
  Summary total;
  SummaryReportOptions ro;
  int rc = kExitOk;
  LogReadOptions lo;
  if (o.merge) {
    if (o.log.files.empty()) {
      ctx.err.line("vapidiag summary: --merge needs summary files written with --format json");
      return kExitUsage;
    }
    rc = merge_summaries(o.log.files, ctx, &total);
    for (const auto& [name, value] : o.log.thresholds) lo.thresholds.set(name, value);
  } else {
    if (!make_read_options(o.log, ctx, &lo)) return kExitUsage;
    lo.finding_details = false;  // a summary counts findings by id
    std::vector<std::string> inputs;
    if (!resolve_inputs(o.log, ctx, &inputs)) return kExitUsage;
    StderrEvents events(ctx);
    LogResult r;
    total = summarize_logs(inputs, lo, events, &r);
    const LogOptions& l = o.log;
    total.run_ids.insert(run_id(inputs, r.stats,
                                "symptom=" + l.symptom + ";fault=" + l.fault + ";component=" + l.component +
                                    ";code=" + l.code_glob + ";since=" + l.since + ";until=" + l.until +
                                    ";failures=" + (l.failures_only ? "1" : "0")));
    events.clear_progress();
    report_skipped(r, ctx);
    rc = input_exit(r);
  }
  ro.filtered_out = total.filtered_out;
  ro.top = o.top;
  ro.by = o.by;
  ro.all_ids = o.ids;
  const bool to_file = !o.output.empty() && o.output != "-";
  ro.bars = ctx.env.out_is_tty && !to_file;
  ro.width = to_file ? 0 : ctx.env.out_columns;  // a terminal's width; piped text keeps its full lines
  ro.thresholds = lo.thresholds;
  ro.more_ids_hint = "--ids lists them all";
  std::string text;
  if (o.format == "json")
    text = total.to_json(lo.thresholds) + "\n";
  else if (o.format == "markdown")
    text = render_summary_markdown(total, ro);
  else if (o.format == "csv")
    text = render_summary_csv(total, ro);
  else if (o.format == "html") {
    ro.more_ids_hint = "the same vapidiag summary command with --ids lists them all";
    text = render_summary_html(total, ro);
  } else
    text = render_summary_text(total, ro, to_file ? Style{} : ctx.style);
  if (!to_file) {
    ctx.out.write(text);
    return rc;
  }
  std::string err;
  if (!write_file_whole(o.output, text, &err)) {
    ctx.err.line("vapidiag: " + o.output + ": error: cannot write: " + err);
    return kExitOutput;
  }
  return rc;
}

}  // namespace vapidiag::cli
