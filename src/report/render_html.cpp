// The summary as one self-contained HTML page: inline CSS and SVG, no script, nothing
// loaded from elsewhere (a Content-Security-Policy says so to the browser too). Every
// string from a log goes through markup_escape(), which also repairs bad UTF-8. Sizes are bounded:
// top-N tables, at most kMaxBars time buckets, kMaxPageIds IDs unless --ids.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <span>

#include "markup.hpp"
#include "summary_parts.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/report.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag {
namespace {

using namespace summary_parts;

constexpr std::size_t kMaxBars = 240;      // time buckets in the chart; more are grouped
constexpr std::size_t kMaxPageIds = 200;   // not-charged IDs listed without --ids
constexpr std::size_t kMaxCrossRows = 50;  // findings across calls

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// part / whole as a percentage of the SVG's width, for a bar.
std::string bar_width(std::uint64_t part, std::uint64_t whole) {
  return whole ? fixed(100.0 * static_cast<double>(part) / static_cast<double>(whole), 2) : "0";
}

// A hint, escaped, with each `...` span (a command or an option) shown as code.
std::string hint_html(std::string_view h) {
  std::string out;
  bool code = false;
  for (std::size_t i = 0; i <= h.size();) {
    const std::size_t tick = std::min(h.find('`', i), h.size());
    out += markup_escape(h.substr(i, tick - i));
    if (tick == h.size()) break;
    out += code ? "</code>" : "<code>";
    code = !code;
    i = tick + 1;
  }
  if (code) out += "</code>";
  return out;
}

// "; HINT" after a note, or nothing without one.
std::string hint(const std::string& h) { return h.empty() ? std::string() : "; " + hint_html(h); }

// The fault parties in the colours of the page, with the "not served" part of failures
// whose code is normal but whose record shows the caller was not served.
struct Party {
  const char* css;
  const char* label;
};
constexpr std::array<Party, 5> kFailParties = {{{"vapifault", "vapifault"},
                                                {"providerfault", "providerfault"},
                                                {"customer", "customer"},
                                                {"unknown", "unknown"},
                                                {"notserved", "normal code, caller not served"}}};

// A fault name with its colour swatch.
std::string fault_chip(std::string_view fault) {
  return "<span class=\"chip\"><span class=\"sw f-" + markup_escape(fault) + "\"></span>" +
         markup_escape(fault) + "</span>";
}

std::string td_num(std::uint64_t v) {
  return "<td class=\"num\" data-value=\"" + std::to_string(v) + "\">" + with_commas(v) + "</td>";
}
std::string td_share(std::uint64_t part, std::uint64_t whole) {
  return "<td class=\"num\" data-value=\"" + fixed(share_of(part, whole), 6) + "\">" + percent(part, whole) +
         "</td>";
}
std::string td_bar(std::uint64_t part, std::uint64_t whole, std::string_view css) {
  return "<td class=\"barcell\" aria-hidden=\"true\"><svg class=\"bar\" viewBox=\"0 0 100 10\" "
         "preserveAspectRatio=\"none\"><rect class=\"track\" width=\"100\" height=\"10\"/><rect class=\"f-" +
         std::string(css) + "\" width=\"" + bar_width(part, whole) + "\" height=\"10\"/></svg></td>";
}

std::string section_open(std::string_view id, std::string_view title) {
  return "<section id=\"" + std::string(id) + "\" aria-labelledby=\"" + std::string(id) + "-h\">\n<h2 id=\"" +
         std::string(id) + "-h\">" + markup_escape(title) + "</h2>\n";
}

// A table's start; an empty heading is the column of bars, which has no text.
std::string table_open(std::string_view id, std::string_view caption,
                       std::initializer_list<const char*> head) {
  std::string t = "<div class=\"wrap\"><table id=\"" + std::string(id) + "\">";
  if (!caption.empty()) t += "<caption>" + markup_escape(caption) + "</caption>";
  t += "<thead><tr>";
  for (const char* h : head)
    t += *h ? std::string("<th scope=\"col\">") + h + "</th>" : std::string("<td class=\"barcell\"></td>");
  return t + "</tr></thead><tbody>\n";
}
constexpr std::string_view kTableClose = "</tbody></table></div>\n";

// ---------- the chart of failures over time ----------

struct Bucket {
  std::int64_t start = 0;  // epoch ms
  HourCounts counts;
};

// "2024-06-28" or "2024-06-28 14:00" (UTC) for a bucket start.
std::string bucket_label(std::int64_t ms, bool hourly) {
  const std::string iso = format_iso8601(ms);
  return hourly ? iso.substr(0, 10) + " " + iso.substr(11, 5) : iso.substr(0, 10);
}

// Every bucket from the first hour or day of the summary to the last, empty ones included,
// grouped `group` at a time so that there are at most kMaxBars.
std::vector<Bucket> time_buckets(const Summary& s, bool hourly, std::int64_t* group_out,
                                 std::uint64_t* other) {
  constexpr std::int64_t kHour = 3600000, kDay = 24 * kHour;
  const std::int64_t unit = hourly ? kHour : kDay;
  std::vector<std::pair<std::int64_t, const HourCounts*>> at;
  for (const auto& [key, v] : s.hours) {
    const std::int64_t ms = parse_iso8601_ms(key + ":00:00Z");
    if (ms == kNoTime) {
      *other += v.calls;
      continue;
    }
    at.emplace_back(ms - (((ms % unit) + unit) % unit), &v);
  }
  if (at.empty()) return {};
  std::int64_t first = at.front().first, last = first;
  for (const auto& a : at) first = std::min(first, a.first), last = std::max(last, a.first);
  const std::int64_t span = (last - first) / unit + 1;
  std::int64_t group = (span + static_cast<std::int64_t>(kMaxBars) - 1) / static_cast<std::int64_t>(kMaxBars);
  // Rounded up to a group a reader counts in: hours of a day, days, weeks.
  static constexpr std::array<std::int64_t, 10> kHours = {1, 2, 3, 4, 6, 12, 24, 48, 72, 168};
  static constexpr std::array<std::int64_t, 4> kDays = {1, 2, 3, 7};
  const std::int64_t week = hourly ? 168 : 7;
  bool rounded = false;
  for (const std::int64_t g :
       hourly ? std::span<const std::int64_t>(kHours) : std::span<const std::int64_t>(kDays))
    if (!rounded && g >= group) group = g, rounded = true;
  if (!rounded) group = (group + week - 1) / week * week;
  const std::int64_t n = (span + group - 1) / group;
  std::vector<Bucket> out(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) out[static_cast<std::size_t>(i)].start = first + i * group * unit;
  for (const auto& [ms, v] : at) out[static_cast<std::size_t>((ms - first) / unit / group)].counts.add(*v);
  *group_out = group;
  return out;
}

// Failed calls of a bucket by party (kFailParties order): the non-normal faults, then the
// failures whose code was normal.
std::array<std::uint64_t, 5> failed_by_party(const HourCounts& h) {
  std::array<std::uint64_t, 5> p{};
  p[0] = h.by_fault[static_cast<std::size_t>(Fault::Vapi)];
  p[1] = h.by_fault[static_cast<std::size_t>(Fault::Provider)];
  p[2] = h.by_fault[static_cast<std::size_t>(Fault::Customer)];
  p[3] = h.by_fault[static_cast<std::size_t>(Fault::Unknown)];
  const std::uint64_t faulted = p[0] + p[1] + p[2] + p[3];
  p[4] = h.failures > faulted ? h.failures - faulted : 0;
  return p;
}

// A round number at or above v for the top of the axis: 1, 2 or 5 times a power of ten.
std::uint64_t axis_top(std::uint64_t v) {
  std::uint64_t p = 1;
  while (true) {
    for (const std::uint64_t m : {1, 2, 5})
      if (p * m >= v) return p * m;
    if (p > UINT64_MAX / 10) return v;
    p *= 10;
  }
}

std::string legend() {
  std::string l = "<ul class=\"legend\">";
  for (const Party& p : kFailParties)
    l += std::string("<li><span class=\"sw f-") + p.css + "\"></span>" + p.label + "</li>";
  return l + "</ul>\n";
}

void time_section(std::string& out, const Summary& s, const SummaryReportOptions& o) {
  const bool hourly = o.by == "hour";
  std::int64_t group = 1;
  std::uint64_t other = 0;
  const std::vector<Bucket> buckets = time_buckets(s, hourly, &group, &other);
  if (buckets.empty()) return;
  const char* unit = hourly ? "hour" : "day";
  const std::int64_t hours = hourly ? group : group * 24;
  const std::string per = hours == 1         ? "hour"
                          : hours < 24       ? std::to_string(hours) + " hours"
                          : hours == 24      ? "day"
                          : hours == 168     ? "week"
                          : hours % 168 == 0 ? std::to_string(hours / 168) + " weeks"
                                             : std::to_string(hours / 24) + " days";
  const std::string title = "Failures over time, per " + per + " (UTC)";
  out += section_open("over-time", title);
  std::uint64_t top = 0, failures = 0;
  std::size_t peak = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    failures += buckets[i].counts.failures;
    if (buckets[i].counts.failures > top) top = buckets[i].counts.failures, peak = i;
  }
  const std::uint64_t ymax = axis_top(std::max<std::uint64_t>(top, 1));
  // The chart: plot area x 60..990, y 10..210 in a 1000 x 250 box.
  constexpr double kX0 = 60, kX1 = 990, kY0 = 10, kY1 = 210;
  const double slot = (kX1 - kX0) / static_cast<double>(buckets.size());
  const double bw = std::clamp(slot * 0.8, 1.0, 60.0);
  const std::string desc = with_commas(failures) + " failed calls in " + std::to_string(buckets.size()) +
                           " buckets from " + bucket_label(buckets.front().start, hourly) + " to " +
                           bucket_label(buckets.back().start, hourly) + "; the most, " + with_commas(top) +
                           ", in the bucket of " + bucket_label(buckets[peak].start, hourly) +
                           ". Stacked by fault party; the table below has every number.";
  out +=
      "<figure><div class=\"wrap\"><svg class=\"chart\" viewBox=\"0 0 1000 250\" role=\"img\" "
      "aria-labelledby=\"ot-t ot-d\">"
      "<title id=\"ot-t\">" +
      markup_escape(title) + "</title><desc id=\"ot-d\">" + markup_escape(desc) + "</desc>\n";
  for (int k = 0; k <= 4; ++k) {
    const double y = kY1 - (kY1 - kY0) * k / 4.0;
    out += "<line class=\"grid\" x1=\"" + fixed(kX0, 0) + "\" x2=\"" + fixed(kX1, 0) + "\" y1=\"" +
           fixed(y, 1) + "\" y2=\"" + fixed(y, 1) + "\"/><text class=\"axis\" x=\"54\" y=\"" +
           fixed(y + 4, 1) + "\" text-anchor=\"end\">" +
           fixed(static_cast<double>(ymax) * k / 4.0, ymax % 4 ? 1 : 0) + "</text>\n";
  }
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const auto parts = failed_by_party(buckets[i].counts);
    if (!buckets[i].counts.failures) continue;
    const double x = kX0 + slot * static_cast<double>(i) + (slot - bw) / 2;
    out += "<g><title>" + bucket_label(buckets[i].start, hourly) + ": " +
           with_commas(buckets[i].counts.failures) + " of " + with_commas(buckets[i].counts.calls) +
           " calls failed</title>";
    double y = kY1;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      if (!parts[p]) continue;
      const double h = (kY1 - kY0) * static_cast<double>(parts[p]) / static_cast<double>(ymax);
      y -= h;
      out += std::string("<rect class=\"f-") + kFailParties[p].css + "\" x=\"" + fixed(x, 2) + "\" y=\"" +
             fixed(y, 2) + "\" width=\"" + fixed(bw, 2) + "\" height=\"" + fixed(h, 2) + "\"/>";
    }
    out += "</g>\n";
  }
  // Labels under the axis: the first, the last and up to four between.
  const std::size_t every = std::max<std::size_t>(1, (buckets.size() + 4) / 5);
  for (std::size_t i = 0; i < buckets.size(); i += every) {
    const double x = kX0 + slot * (static_cast<double>(i) + 0.5);
    out += "<text class=\"axis\" x=\"" + fixed(x, 1) + "\" y=\"232\" text-anchor=\"middle\">" +
           bucket_label(buckets[i].start, hourly) + "</text>\n";
  }
  out += "</svg></div>" + legend() + "</figure>\n";
  out += "<details><summary>The numbers of the chart</summary>\n";
  out += table_open("over-time-table",
                    group > 1 ? "Each row is " + std::to_string(group) + " " + unit + "s from its start" : "",
                    {group > 1 ? "from" : unit, "calls", "failed", "failure rate", "vapifault",
                     "providerfault", "customer", "unknown", "normal code, not served"});
  for (const Bucket& b : buckets) {
    const auto parts = failed_by_party(b.counts);
    out += "<tr><th scope=\"row\">" + bucket_label(b.start, hourly) + "</th>" + td_num(b.counts.calls) +
           td_num(b.counts.failures) + td_share(b.counts.failures, b.counts.calls);
    for (const std::uint64_t v : parts) out += td_num(v);
    out += "</tr>\n";
  }
  out += kTableClose;
  out += "</details>\n";
  if (other)
    out +=
        "<p class=\"note\">" + with_commas(other) +
        " calls are counted under (other) hours: the summary held more distinct hours than it keeps.</p>\n";
  out += "</section>\n";
}

// ---------- the other sections ----------

// A share table with a bar per row: by symptom or by fault.
void share_section(std::string& out, const char* id, const char* title, const char* what, const auto& names,
                   const auto& counts, std::uint64_t whole, auto css_of, auto phrase_of,
                   const std::string& note) {
  out += section_open(id, title);
  out += table_open(std::string(id) + "-table", "", {what, "calls", "share", "", "in plain words"});
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (!counts[i]) continue;
    out += "<tr><th scope=\"row\">" + std::string(names[i]) + "</th>" + td_num(counts[i]) +
           td_share(counts[i], whole) + td_bar(counts[i], whole, css_of(i)) + "<td>" +
           markup_escape(phrase_of(i)) + "</td></tr>\n";
  }
  out += kTableClose;
  if (!note.empty()) out += "<p class=\"note\">" + markup_escape(note) + "</p>\n";
  out += "</section>\n";
}

void codes_section(std::string& out, const Summary& s, const SummaryReportOptions& o) {
  const std::uint64_t shown = s.calls();
  const auto top = top_of(s.codes, o.top, [](const CodeCount& v) { return v.calls; });
  if (top.empty()) return;
  out += section_open("codes", "Top codes: what they mean and what to do");
  out += table_open("codes-table", "",
                    {"endedReason", "calls", "share", "fault", "meaning", "fix", "retry", "docs"});
  for (const auto& [code, n] : top) {
    if (code == "(other)") {
      out += "<tr><th scope=\"row\" class=\"code\">(other)</th>" + td_num(n.calls) +
             td_share(n.calls, shown) + "<td></td><td colspan=\"4\">Codes past the summary's limit of " +
             with_commas(Summary::kMaxKeys) + " distinct codes, counted together.</td></tr>\n";
      continue;
    }
    std::array<char, 256> buf{};
    const Classification c = classify(normalize_code(code, buf.data(), buf.size()));
    out += "<tr><th scope=\"row\" class=\"code\">" + markup_escape(code) + "</th>" + td_num(n.calls) +
           td_share(n.calls, shown) + "<td>" + fault_chip(to_string(c.fault)) + "</td><td>" +
           markup_escape(render_meaning(c)) + "</td><td>" + markup_escape(render_fix(c)) + "</td><td>" +
           std::string(to_string(c.retry)) + "<br><small>" + std::string(retry_phrase(c.retry)) +
           "</small></td><td>";
    if (!c.docs.empty()) out += "<a href=\"" + markup_escape(c.docs) + "\">docs</a>";
    out += "</td></tr>\n";
  }
  out += kTableClose;
  if (s.codes.size() > top.size())
    out += "<p class=\"note\">" + with_commas(s.codes.size() - top.size()) + " more codes" +
           hint(o.more_rows_hint) + ".</p>\n";
  out += "</section>\n";
}

void providers_section(std::string& out, const Summary& s, const SummaryReportOptions& o) {
  if (s.provider_components.empty()) return;
  out += section_open("providers", "Provider failures");
  out += table_open("providers-table", "", {"provider", "component", "calls", "share of failures"});
  for (const auto& [k, n] : top_of(s.provider_components, o.top, [](std::uint64_t v) { return v; })) {
    const auto [provider, component] = Summary::split_provider_key(k);
    out += "<tr><th scope=\"row\">" + markup_escape(provider) + "</th><td>" + markup_escape(component) +
           "</td>" + td_num(n) + td_share(n, s.failures()) + "</tr>\n";
  }
  out += kTableClose;
  out += "</section>\n";
}

void pair_section(std::string& out, const char* id, const char* title, const char* what,
                  const std::map<std::string, CountPair, std::less<>>& m, const SummaryReportOptions& o) {
  if (m.empty()) return;
  out += section_open(id, title);
  out += table_open(std::string(id) + "-table", "", {what, "calls", "failures", "failure rate", ""});
  const auto rows = top_of(m, o.top, [](const CountPair& p) { return std::pair(p.failures, p.calls); });
  for (const auto& [k, v] : rows)
    out += "<tr><th scope=\"row\" class=\"code\">" + markup_escape(k) + "</th>" + td_num(v.calls) +
           td_num(v.failures) + td_share(v.failures, v.calls) +
           td_bar(v.failures, v.calls, "vapifault rate") + "</tr>\n";
  out += kTableClose;
  if (m.size() > rows.size())
    out += "<p class=\"note\">" + with_commas(m.size() - rows.size()) + " more" + hint(o.more_rows_hint) +
           ".</p>\n";
  out += "</section>\n";
}

void findings_section(std::string& out, const Summary& s, const SummaryReportOptions& o) {
  const auto cross = find_cross_findings(s, o.thresholds);
  if (s.findings.empty() && cross.empty()) return;
  out += section_open("findings", "Findings: what the call records show beyond the endedReason");
  if (!s.findings.empty()) {
    out += table_open("findings-table", "Per call", {"finding", "calls", "share", "what it means"});
    for (const auto& [id, n] : top_of(s.findings, SIZE_MAX, [](std::uint64_t v) { return v; })) {
      const FindingDef* def = find_finding(id);
      out += "<tr><th scope=\"row\">" + markup_escape(id) + "</th>" + td_num(n) + td_share(n, s.calls()) +
             "<td>";
      if (def)
        out += "<strong>" + markup_escape(def->title) + ".</strong> " + markup_escape(def->explanation);
      out += "</td></tr>\n";
    }
    out += kTableClose;
  }
  if (!cross.empty()) {
    out += table_open("cross-table", "Across calls", {"finding", "calls", "details"});
    for (std::size_t i = 0; i < cross.size() && i < kMaxCrossRows; ++i)
      out += "<tr><th scope=\"row\">" + markup_escape(cross[i].def->id) + "</th>" + td_num(cross[i].calls) +
             "<td>" + markup_escape(cross[i].message) + "</td></tr>\n";
    out += kTableClose;
    if (cross.size() > kMaxCrossRows)
      out += "<p class=\"note\">" + with_commas(cross.size() - kMaxCrossRows) +
             " more findings across calls" + hint(o.all_findings_hint) + ".</p>\n";
  }
  out += "</section>\n";
}

void not_charged_section(std::string& out, const Summary& s, const SummaryReportOptions& o) {
  out += section_open("not-charged", "Calls Vapi typically does not charge for");
  out += "<p><span id=\"not-charged-calls\" data-value=\"" + std::to_string(s.not_charged_calls) + "\">" +
         with_commas(s.not_charged_calls) + "</span> " + (s.not_charged_calls == 1 ? "call" : "calls") +
         " failed on Vapi's side; <span id=\"not-charged-cost\" data-value=\"" +
         fixed(s.not_charged_cost, 2) + "\">" + money(s.not_charged_cost) + "</span> was billed on them" +
         (s.not_charged_cost > 0 ? ": candidates for a credit request." : ".") + "</p>\n";
  if (!s.not_charged_ids.empty()) {
    const std::size_t n =
        o.all_ids ? s.not_charged_ids.size() : std::min(kMaxPageIds, s.not_charged_ids.size());
    out += "<pre class=\"ids\" id=\"not-charged-ids\" aria-label=\"call IDs\">";
    for (std::size_t i = 0; i < n; ++i) out += markup_escape(s.not_charged_ids[i]) + "\n";
    out += "</pre>\n";
    if (n < s.not_charged_ids.size())
      out += "<p class=\"note\">The first " + with_commas(n) + " IDs; " +
             with_commas(s.not_charged_ids.size() - n) + " more: " + hint_html(o.more_ids_hint) + ".</p>\n";
    if (s.ids_truncated)
      out += "<p class=\"note\">The list is capped at " + with_commas(Summary::kMaxIds) + " IDs.</p>\n";
  }
  out += "</section>\n";
}

void unknown_section(std::string& out, const Summary& s, const SummaryReportOptions& o) {
  std::vector<std::pair<std::string_view, std::uint64_t>> unknown;
  for (const auto& [code, n] : s.codes) {
    if (code == "(other)") continue;
    if (!code_class(code, n).classified) unknown.emplace_back(code, n.calls);
  }
  if (unknown.empty()) return;
  std::stable_sort(unknown.begin(), unknown.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  const std::size_t total = unknown.size();
  if (unknown.size() > o.top) unknown.resize(o.top);
  out += section_open("unknown", "Unknown codes");
  out += "<p>Not in the table and not decodable: a code Vapi added after this build, or a typo.</p>\n";
  out += table_open("unknown-table", "", {"endedReason", "calls", "did you mean"});
  for (const auto& [code, n] : unknown) {
    std::array<char, 256> buf{};
    const std::string_view sugg = suggest(normalize_code(code, buf.data(), buf.size()))[0];
    out += "<tr><th scope=\"row\" class=\"code\">" + markup_escape(code) + "</th>" + td_num(n) +
           "<td class=\"code\">" + markup_escape(sugg) + "</td></tr>\n";
  }
  out += kTableClose;
  if (total > unknown.size())
    out += "<p class=\"note\">" + with_commas(total - unknown.size()) + " more unknown codes.</p>\n";
  out += "</section>\n";
}

constexpr std::string_view kStyle =
    R"(:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--track:#eef1f4;
--vapifault:#c92a2a;--providerfault:#c25e00;--customer:#1864ab;--normal:#2b8a3e;--unknown:#6c757d;--notserved:#7048e8}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9ea7b3;--line:#3d444d;--card:#151b23;--track:#262c36;
--vapifault:#ff6b6b;--providerfault:#ffa94d;--customer:#4dabf7;--normal:#69db7c;--unknown:#adb5bd;--notserved:#b197fc}}
*{box-sizing:border-box;-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0 auto;max-width:1120px;padding:16px;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.2em;margin:1.6em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
.sub,.note,small,caption{color:var(--muted)}caption{text-align:left;font-weight:600;padding:.3em 0}
dl.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:1em 0}
dl.cards div{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px 12px}
dl.cards dt{color:var(--muted);font-size:.85em}dl.cards dd{margin:0;font-size:1.35em;font-weight:600}
.wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line)}thead th{color:var(--muted);font-weight:600;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere;font-weight:500}
td.barcell{width:120px;min-width:60px}svg.bar{display:block;width:100%;height:10px}.track{fill:var(--track)}
svg.chart{width:100%;min-width:560px;height:auto;display:block}#period{font-size:1em}.grid{stroke:var(--line);stroke-width:1}.axis{fill:var(--muted);font-size:12px}
.chip{white-space:nowrap}.sw{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.35em;vertical-align:-.05em}
ul.legend{list-style:none;padding:0;margin:.4em 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:.9em}
.f-vapifault{fill:var(--vapifault);background:var(--vapifault)}.f-providerfault{fill:var(--providerfault);background:var(--providerfault)}
.f-customer{fill:var(--customer);background:var(--customer)}.f-normal{fill:var(--normal);background:var(--normal)}
.f-unknown{fill:var(--unknown);background:var(--unknown)}.f-notserved{fill:var(--notserved);background:var(--notserved)}
.f-never-rang,.f-no-answer,.f-dropped,.f-silent,.f-transfer-failed{fill:var(--vapifault)}.f-ended-normally{fill:var(--normal)}
pre.ids{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px 12px;max-height:24em;overflow:auto;user-select:all}
a{color:var(--customer)}figure{margin:0}details{margin:.5em 0}summary{cursor:pointer;color:var(--muted)}
footer{margin-top:2em;color:var(--muted);font-size:.85em}
@media (max-width:600px){body{padding:10px;font-size:14px}td.barcell{display:none}}
@media print{body{max-width:none}.wrap{overflow:visible}pre.ids{max-height:none}details>*{display:block}section{break-inside:avoid-page}}
)";

}  // namespace

std::string render_summary_html(const Summary& s, const SummaryReportOptions& o) {
  std::string out;
  out.reserve(64 * 1024);
  const std::uint64_t shown = s.calls();
  std::string period;
  if (s.first_time != kNoTime)
    period = format_iso8601(s.first_time).substr(0, 16) + " to " + format_iso8601(s.last_time).substr(0, 16) +
             " UTC";
  put(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">");
  put(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
  put(out,
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\">");
  put(out, "<meta name=\"generator\" content=\"vapidiag " VAPIDIAG_VERSION "\">");
  put(out, "<title>vapidiag summary" + (period.empty() ? std::string() : ": " + markup_escape(period)) +
               "</title>");
  out += "<style>\n";
  out += kStyle;
  put(out, "</style>\n</head>\n<body>\n<header>\n<h1>vapidiag summary</h1>");
  put(out, "<p class=\"sub\">" + markup_escape(headline(s, o.filtered_out)) + "</p>");
  out += "<dl class=\"cards\">";
  const auto card = [&](const char* id, const char* label, const std::string& value, const std::string& raw) {
    out += std::string("<div><dt>") + label + "</dt><dd id=\"" + id + "\" data-value=\"" + raw + "\">" +
           value + "</dd></div>";
  };
  card("calls", "ended calls", with_commas(shown), std::to_string(shown));
  card("failed", "failed", with_commas(s.failures()), std::to_string(s.failures()));
  card("failure-rate", "failure rate", percent(s.failures(), shown), fixed(share_of(s.failures(), shown), 6));
  card("period", "period (UTC)",
       s.first_time == kNoTime
           ? std::string("none")
           : format_iso8601(s.first_time).substr(0, 10) + " to " + format_iso8601(s.last_time).substr(0, 10),
       s.first_time == kNoTime ? std::string()
                               : format_iso8601(s.first_time) + "/" + format_iso8601(s.last_time));
  card("inputs", "inputs", with_commas(s.files), std::to_string(s.files));
  card("unreadable", "unreadable records", with_commas(s.stats.unreadable),
       std::to_string(s.stats.unreadable));
  put(out, "</dl>");
  put(out, "<p class=\"note\" id=\"accounting\">Input: " + markup_escape(accounting_line(s, o.filtered_out)) +
               ".</p>");
  put(out, "</header>\n<main>");

  time_section(out, s, o);
  share_section(
      out, "by-symptom", "What the caller experienced", "symptom", kSymptomNames, s.by_symptom, shown,
      [](std::size_t i) { return std::string(kSymptomNames[i]); },
      [](std::size_t i) { return std::string(symptom_phrase(static_cast<Symptom>(i))); }, moves_line(s));
  share_section(
      out, "by-fault", "Whose side the fix is on", "fault", kFaultNames, s.by_fault, shown,
      [](std::size_t i) { return std::string(kFaultNames[i]); },
      [](std::size_t i) { return std::string(fault_phrase(static_cast<Fault>(i))); }, std::string());
  codes_section(out, s, o);
  providers_section(out, s, o);
  pair_section(out, "assistants", "Assistants (most failures first)", "assistantId", s.assistants, o);
  pair_section(out, "phone-numbers", "Phone numbers (most failures first)", "phoneNumberId", s.phone_numbers,
               o);
  findings_section(out, s, o);
  not_charged_section(out, s, o);
  unknown_section(out, s, o);
  put(out, "</main>");
  std::string foot = "<footer><p>Made by vapidiag " VAPIDIAG_VERSION " from " + with_commas(s.stats.records) +
                     " records" + (o.json_hint.empty() ? std::string() : ". " + hint_html(o.json_hint));
  if (s.calls_with_cost)
    foot += "; total cost " + money(s.total_cost) + " over " + with_commas(s.calls_with_cost) +
            " calls with a cost";
  foot += ".";
  if (s.truncated)
    foot += " More than " + with_commas(Summary::kMaxKeys) +
            " distinct keys in a table: it keeps that many, chosen by a hash of the key, and counts the rest "
            "under (other).";
  put(out, foot + "</p></footer>\n</body>\n</html>");
  return out;
}

}  // namespace vapidiag
