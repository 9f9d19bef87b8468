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
      ctx.err.line("vapidiag: " + f + ": error: " + err +
                   "; --merge reads what `vapidiag summary --format json` wrote (summarise call logs without "
                   "--merge)");
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
        if (seen == id)
          twice = id;
        else if (seen.compare(0, 8, id, 0, 8) == 0)
          overlap = id;
      }
    if (!twice.empty()) {
      ctx.err.line("vapidiag: " + f +
                   ": error: summarises the same input as a summary merged before it (run " + twice +
                   "): merging it would count those calls twice; left out");
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
    ro.more_ids_hint = "the same `vapidiag summary` command with `--ids` lists them all";
    ro.more_rows_hint = "`--top N` shows more rows";
    ro.all_findings_hint = "`--format json` lists them all";
    ro.json_hint = "Every number here is also in `vapidiag summary --format json`";
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
