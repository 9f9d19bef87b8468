#pragma once
// Renderers: a summary or a diagnosed call turned into text, markdown, CSV/TSV, HTML or JSON.
// Commands compute a value (read_logs, summarize_logs), then one of these presents it.
// Each returns the text; the caller writes it where it goes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vapidiag/classification.hpp"
#include "vapidiag/findings.hpp"
#include "vapidiag/logs.hpp"
#include "vapidiag/summary.hpp"
#include "vapidiag/text.hpp"

namespace vapidiag {

// ---------- summary ----------

struct SummaryReportOptions {
  std::size_t top = 10;            // rows of the top-N tables
  std::string by = "day";          // time buckets: "day" or "hour"
  bool all_ids = false;            // list every ID of the calls Vapi typically does not charge for
  bool bars = false;               // text: bar charts beside the rows (for a terminal)
  std::size_t width = 0;           // text: cut table rows to this many columns with "…" (0: never)
  std::uint64_t filtered_out = 0;  // calls the filters left out (for the accounting line)
  Thresholds thresholds;           // for the findings across calls
  // Text: said after "N more" when the ID list is cut (the front end's way to list them all).
  std::string more_ids_hint;
  // HTML: said where a top-N table or list is cut (the front end's way to see more), and in
  // the footer (where every number is also written). Empty: nothing said. In HTML hints
  // (these and more_ids_hint), a `...` span is a command or an option, shown as code.
  std::string more_rows_hint, all_findings_hint, json_hint;
};

std::string render_summary_text(const Summary& s, const SummaryReportOptions& o, const Style& st);
std::string render_summary_markdown(const Summary& s, const SummaryReportOptions& o);
std::string render_summary_csv(const Summary& s, const SummaryReportOptions& o);
// One self-contained HTML page (inline CSS and SVG, no script, nothing loaded from
// elsewhere) with the numbers of the JSON: docs/report.md.
std::string render_summary_html(const Summary& s, const SummaryReportOptions& o);
// JSON: Summary::to_json.

// ---------- a diagnosed call ----------

// Lines, each ending in a newline: id, time, duration; code and verdict; fix; evidence.
std::string render_diagnosis_text(const Diagnosis& d, const Style& st);
// One JSON object on one line (no line end): every field of the CSV and more.
std::string render_diagnosis_json(const Diagnosis& d);
// The CSV/TSV columns, and one call's row (no line end).
std::string diagnosis_header(const DelimitedWriter& w);
std::string render_diagnosis_row(const Diagnosis& d, const DelimitedWriter& w);

// ---------- a verdict (check) ----------

struct CheckResult;

// The verdict of `vapidiag check` (docs/formats.md, docs/schema/verdict.json).
struct Verdict {
  const CheckResult* result = nullptr;
  int exit_code = 0;
  std::int64_t since = kNoTime, until = kNoTime;  // the window, kNoTime when open
  ReadStats stats;
  std::uint64_t files = 0;
  std::uint64_t duplicates = 0;
  bool bad_input = false;  // unreadable records or inputs that count (no --ignore-bad-records)
};
// One object, one line.
std::string render_verdict_json(const Verdict& v);
// A line per rule that fired (code, count, share, limit, top codes with sample IDs), then
// a summary line.
std::string render_verdict_text(const Verdict& v);
// GitHub Actions workflow commands: ::error per fired rule, ::warning for unreadable input.
std::string render_verdict_github(const Verdict& v);
// The markdown GitHub shows as the job's summary (GITHUB_STEP_SUMMARY).
std::string render_verdict_step_summary(const Verdict& v);
// JUnit XML: one test case per rule (and --min-calls), failed ones with their message.
std::string render_verdict_junit(const Verdict& v);

}  // namespace vapidiag
