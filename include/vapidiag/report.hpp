#pragma once
// Renderers: a summary or a diagnosed call turned into text, markdown, CSV/TSV or JSON.
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
};

std::string render_summary_text(const Summary& s, const SummaryReportOptions& o, const Style& st);
std::string render_summary_markdown(const Summary& s, const SummaryReportOptions& o);
std::string render_summary_csv(const Summary& s, const SummaryReportOptions& o);
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

struct Verdict {
  int exit_code = 0;
  std::int64_t since = kNoTime, until = kNoTime;  // the window, kNoTime when open
  std::uint64_t calls = 0;                        // ended calls checked
  std::uint64_t matched = 0;                      // of them, those the rule counts
  std::string rule;                               // e.g. "fault:vapifault,providerfault"
  double threshold = -1;                          // fraction the rate must exceed; < 0: any match fires
  bool fired = false;
  ReadStats stats;
  std::uint64_t files = 0;
  std::uint64_t filtered_out = 0;
  std::uint64_t duplicates = 0;
};
// The JSON verdict of docs/formats.md (one line).
std::string render_verdict_json(const Verdict& v);

}  // namespace vapidiag
