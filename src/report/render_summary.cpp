// The renderers of a summary: text (with bars on a terminal), markdown and CSV.

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "json.hpp"
#include "summary_parts.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/report.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag {
namespace {

using namespace summary_parts;

std::string bar(std::uint64_t part, std::uint64_t whole, std::size_t width) {
  if (whole == 0) return {};
  const std::size_t eighths = static_cast<std::size_t>(std::llround(
      8.0 * static_cast<double>(width) * static_cast<double>(part) / static_cast<double>(whole)));
  static const char* kBlocks[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  std::string out;
  for (std::size_t i = 0; i < eighths / 8; ++i) out += "█";
  out += kBlocks[eighths % 8];
  return out;
}

struct Table {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> bars;  // part, whole per row (text only)
  std::string note;                                           // a line after the rows, if any
};

// A table row cut to `width` terminal columns (0: as it is), keeping `reserve` of them for
// what follows it (bars), with "…" where it was cut. Only the last column (a meaning, a
// title) is cut, never the names and counts before it, which start at `last`; a row whose
// other columns alone are too wide is left for the terminal to wrap. Counts UTF-8 code
// points as columns.
std::string fit(std::string line, std::size_t last, std::size_t width, std::size_t reserve) {
  if (width == 0) return line;
  const auto lead = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; };
  const std::size_t room = width > reserve + 1 ? width - reserve : 1;  // columns for the row
  const auto cols = static_cast<std::size_t>(std::count_if(line.begin(), line.end(), lead));
  const auto before = static_cast<std::size_t>(
      std::count_if(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(last), lead));
  if (cols <= room || before + 8 > room) return line;
  std::size_t kept = 0, i = 0;
  for (; i < line.size(); ++i) {
    if (!lead(line[i])) continue;
    if (kept == room - 1) break;
    ++kept;
  }
  line.resize(i);
  return line + "\u2026";
}

std::vector<Table> summary_tables(const Summary& s, const SummaryReportOptions& o) {
  std::vector<Table> out;
  const std::uint64_t shown = s.calls();
  {
    Table t{"By symptom (what the caller experienced)", {"symptom", "calls", "share"}, {}, {}, {}};
    for (std::size_t i = 0; i < s.by_symptom.size(); ++i) {
      if (!s.by_symptom[i]) continue;
      t.rows.push_back(
          {std::string(kSymptomNames[i]), with_commas(s.by_symptom[i]), percent(s.by_symptom[i], shown)});
      t.bars.push_back({s.by_symptom[i], shown});
    }
    t.note = moves_line(s);
    out.push_back(t);
  }
  {
    Table t{"By fault (who owns the fix)", {"fault", "calls", "share"}, {}, {}, {}};
    for (std::size_t i = 0; i < s.by_fault.size(); ++i) {
      if (!s.by_fault[i]) continue;
      t.rows.push_back(
          {std::string(kFaultNames[i]), with_commas(s.by_fault[i]), percent(s.by_fault[i], shown)});
      t.bars.push_back({s.by_fault[i], shown});
    }
    out.push_back(t);
  }
  {
    Table t{"Top codes", {"endedReason", "calls", "share", "fault", "meaning"}, {}, {}, {}};
    for (const auto& [code, n] : top_of(s.codes, o.top, [](std::uint64_t v) { return v; })) {
      std::array<char, 256> buf{};
      const Classification c = classify(normalize_code(code, buf.data(), buf.size()));
      t.rows.push_back(
          {code, with_commas(n), percent(n, shown), std::string(to_string(c.fault)), render_meaning(c)});
    }
    out.push_back(t);
  }
  if (!s.provider_components.empty()) {
    Table t{"Provider failures (provider, component)", {"provider", "component", "calls"}, {}, {}, {}};
    for (const auto& [k, n] : top_of(s.provider_components, o.top, [](std::uint64_t v) { return v; })) {
      const auto [provider, component] = Summary::split_provider_key(k);
      t.rows.push_back({std::string(provider), std::string(component), with_commas(n)});
    }
    out.push_back(t);
  }
  auto pair_table = [&](const char* title, const char* what, const auto& m) {
    Table t{title, {what, "calls", "failures", "failure rate"}, {}, {}, {}};
    for (const auto& [k, v] :
         top_of(m, o.top, [](const CountPair& p) { return std::pair(p.failures, p.calls); }))
      t.rows.push_back({k, with_commas(v.calls), with_commas(v.failures), percent(v.failures, v.calls)});
    return t;
  };
  if (!s.assistants.empty())
    out.push_back(pair_table("By assistant (most failures first)", "assistantId", s.assistants));
  if (!s.phone_numbers.empty())
    out.push_back(pair_table("By phone number (most failures first)", "phoneNumberId", s.phone_numbers));
  if (!s.hours.empty()) {
    std::map<std::string, CountPair> buckets;
    for (const auto& [h, v] : s.hours) buckets[o.by == "hour" ? h + ":00Z" : h.substr(0, 10)].add(v);
    Table t{o.by == "hour" ? "By hour (UTC)" : "By day (UTC)",
            {o.by, "calls", "failures", "failure rate"},
            {},
            {},
            {}};
    for (const auto& [k, v] : buckets) {
      t.rows.push_back({k, with_commas(v.calls), with_commas(v.failures), percent(v.failures, v.calls)});
      t.bars.push_back({v.failures, v.calls});
    }
    out.push_back(t);
  }
  if (!s.findings.empty()) {
    Table t{"Findings from the call records (beyond the endedReason)",
            {"finding", "calls", "what it means"},
            {},
            {},
            {}};
    for (const auto& [id, n] : top_of(s.findings, SIZE_MAX, [](std::uint64_t v) { return v; })) {
      const FindingDef* def = find_finding(id);
      t.rows.push_back({id, with_commas(n), def ? std::string(def->title) : std::string()});
    }
    out.push_back(t);
  }
  {
    const auto cross = find_cross_findings(s, o.thresholds);
    if (!cross.empty()) {
      Table t{"Findings across calls", {"finding", "details"}, {}, {}, {}};
      for (const CrossFinding& f : cross) t.rows.push_back({std::string(f.def->id), f.message});
      out.push_back(t);
    }
  }
  std::vector<std::pair<std::string, std::uint64_t>> unknown;
  for (const auto& [code, n] : s.codes)
    if (!code_class(code, n).classified) unknown.push_back({code, n});
  if (!unknown.empty()) {
    // Most frequent first, and only the top rows: a suggestion costs an edit-distance scan
    // over every published code, and junk logs can hold thousands of distinct codes.
    std::stable_sort(unknown.begin(), unknown.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    const std::size_t total_unknown = unknown.size();
    if (unknown.size() > o.top) unknown.resize(o.top);
    Table t{total_unknown > unknown.size()
                ? "Unknown codes (not in the table, not decodable; top " + std::to_string(unknown.size()) +
                      " of " + std::to_string(total_unknown) + ")"
                : std::string("Unknown codes (not in the table, not decodable)"),
            {"endedReason", "calls", "did you mean"},
            {},
            {},
            {}};
    for (const auto& [code, n] : unknown) {
      std::array<char, 256> buf{};
      std::string_view sugg = suggest(normalize_code(code, buf.data(), buf.size()))[0];
      t.rows.push_back({code, with_commas(n), std::string(sugg)});
    }
    out.push_back(t);
  }
  return out;
}

}  // namespace

std::string render_summary_text(const Summary& s, const SummaryReportOptions& o, const Style& st) {
  std::string out;
  std::string head = std::string(st.bold()) + "vapidiag summary" + std::string(st.reset()) + ": " +
                     headline(s, o.filtered_out);
  if (s.first_time != kNoTime)
    head += ", " + format_iso8601(s.first_time).substr(0, 10) + " to " +
            format_iso8601(s.last_time).substr(0, 10);
  put(out, head);
  put(out, "Input: " + with_commas(s.files) + (s.files == 1 ? " input, " : " inputs, ") +
               accounting_line(s, o.filtered_out));
  for (const Table& t : summary_tables(s, o)) {
    if (t.rows.empty()) continue;
    put(out, "");
    put(out, std::string(st.bold()) + t.title + std::string(st.reset()));
    std::vector<std::size_t> w(t.header.size(), 0);
    for (std::size_t i = 0; i < t.header.size(); ++i) w[i] = t.header[i].size();
    for (const auto& r : t.rows)
      for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
    auto is_numeric = [](const std::string& v) {
      return !v.empty() && std::isdigit(static_cast<unsigned char>(v[0])) != 0 &&
             v.find_first_not_of("0123456789,.%") == std::string::npos;
    };
    auto render_row = [&](const std::vector<std::string>& r, bool header) {
      std::string line = "  ";
      for (std::size_t i = 0; i < r.size(); ++i) {
        std::string v = r[i];
        const bool last = i + 1 == r.size();
        const bool numeric = header ? (i > 0 && !t.rows.empty() && is_numeric(t.rows[0][i])) : is_numeric(v);
        if (numeric)
          v.insert(0, w[i] - std::min(w[i], v.size()), ' ');
        else if (!last)
          v.append(w[i] - std::min(w[i], v.size()), ' ');
        line += v;
        if (!last) line += "  ";
      }
      return line;
    };
    put(out, std::string(st.dim()) + render_row(t.header, true) + std::string(st.reset()));
    for (std::size_t ri = 0; ri < t.rows.size(); ++ri) {
      std::string line = render_row(t.rows[ri], false);
      const std::size_t last = line.size() - t.rows[ri].back().size();  // before the move below
      line = fit(std::move(line), last, o.width, o.bars && ri < t.bars.size() ? 22 : 0);
      if (o.bars && ri < t.bars.size())
        line += "  " + std::string(st.cyan()) + bar(t.bars[ri].first, t.bars[ri].second, 20) +
                std::string(st.reset());
      put(out, line);
    }
    if (!t.note.empty()) put(out, "  " + wrap(t.note, 78, 80, 4));
  }
  put(out, "");
  put(out, std::string(st.bold()) + "Not charged by Vapi (typically)" + std::string(st.reset()) + ": " +
               with_commas(s.not_charged_calls) + (s.not_charged_calls == 1 ? " call" : " calls") +
               " (Vapi-side failures), " + money(s.not_charged_cost) + " billed on them" +
               (s.not_charged_cost > 0 ? ": candidates for a credit request" : ""));
  if (!s.not_charged_ids.empty()) {
    const std::size_t n =
        o.all_ids ? s.not_charged_ids.size() : std::min<std::size_t>(5, s.not_charged_ids.size());
    for (std::size_t i = 0; i < n; ++i) put(out, "  " + s.not_charged_ids[i]);
    if (n < s.not_charged_ids.size())
      put(out, "  ... " + with_commas(s.not_charged_ids.size() - n) + " more" +
                   (o.more_ids_hint.empty() ? std::string() : " (" + o.more_ids_hint + ")"));
    if (o.all_ids && s.ids_truncated)
      put(out, "  (list capped at " + with_commas(Summary::kMaxIds) + " IDs)");
  }
  if (s.calls_with_cost)
    put(out, "Total cost: " + money(s.total_cost) + " over " + with_commas(s.calls_with_cost) +
                 " calls with a cost");
  if (s.truncated)
    put(out, "Note: more than " + with_commas(Summary::kMaxKeys) + " distinct keys in a table: it keeps " +
                 with_commas(Summary::kMaxKeys) +
                 " of them (chosen by a hash of the key, so that shards merge exactly) and counts the rest "
                 "under (other).");
  return out;
}

std::string render_summary_markdown(const Summary& s, const SummaryReportOptions& o) {
  std::string out;
  put(out, "# vapidiag summary");
  put(out, "");
  put(out, headline(s, o.filtered_out) +
               (s.first_time != kNoTime
                    ? ", " + format_iso8601(s.first_time) + " to " + format_iso8601(s.last_time)
                    : std::string()) +
               ".");
  put(out, "");
  put(out, "Input: " + accounting_line(s, o.filtered_out) + ".");
  auto esc = [](const std::string& v) {
    std::string e;
    for (char c : v) {
      if (c == '|')
        e += "\\|";
      else if (c == '\n')
        e += ' ';
      else
        e += c;
    }
    return e;
  };
  for (const Table& t : summary_tables(s, o)) {
    if (t.rows.empty()) continue;
    put(out, "");
    put(out, "## " + t.title);
    put(out, "");
    std::string h = "|", sep = "|";
    for (const auto& c : t.header) h += " " + c + " |", sep += " --- |";
    put(out, h);
    put(out, sep);
    for (const auto& r : t.rows) {
      std::string line = "|";
      for (const auto& c : r) line += " " + esc(c) + " |";
      put(out, line);
    }
    if (!t.note.empty()) {
      put(out, "");
      put(out, t.note);
    }
  }
  put(out, "");
  put(out, "## Not charged by Vapi (typically)");
  put(out, "");
  put(out, with_commas(s.not_charged_calls) + (s.not_charged_calls == 1 ? " call, " : " calls, ") +
               money(s.not_charged_cost) + " billed on them.");
  if (!s.not_charged_ids.empty()) {
    put(out, "");
    const std::size_t n =
        o.all_ids ? s.not_charged_ids.size() : std::min<std::size_t>(20, s.not_charged_ids.size());
    for (std::size_t i = 0; i < n; ++i) put(out, "- `" + s.not_charged_ids[i] + "`");
    if (n < s.not_charged_ids.size())
      put(out, "- ... " + with_commas(s.not_charged_ids.size() - n) + " more");
  }
  return out;
}

// One row per table cell: section,key,calls,failures,rate; rate is a fraction like the
// JSON's share (of the calls counted) or failure rate (of the row's calls).
std::string render_summary_csv(const Summary& s, const SummaryReportOptions& o) {
  std::string out;
  const DelimitedWriter csv(DelimitedWriter::kCsv);
  put(out, csv.row({"section", "key", "calls", "failures", "rate"}));
  const std::uint64_t shown = s.calls();
  const auto fraction = [](std::uint64_t part, std::uint64_t whole) {
    return dump_json(Json(share_of(part, whole)));
  };
  auto row = [&](std::string_view sec, std::string_view key, std::uint64_t calls, const std::string& failures,
                 const std::string& rate) {
    put(out, csv.row({sec, key, std::to_string(calls), failures, rate}));
  };
  auto count_row = [&](std::string_view sec, std::string_view key, std::uint64_t n) {
    row(sec, key, n, "", "");
  };
  auto share_row = [&](std::string_view sec, std::string_view key, std::uint64_t n, std::uint64_t whole) {
    row(sec, key, n, "", fraction(n, whole));
  };
  auto pair_row = [&](std::string_view sec, std::string_view key, const CountPair& v) {
    row(sec, key, v.calls, std::to_string(v.failures), fraction(v.failures, v.calls));
  };
  count_row("total", "records", s.stats.records);
  count_row("total", "ended_calls", s.stats.calls);
  count_row("total", "filtered_out", s.filtered_out);
  pair_row("total", "calls", CountPair{shown, s.failures()});
  count_row("total", "not_ended", s.stats.not_ended);
  count_row("total", "skipped", s.stats.skipped);
  count_row("total", "unreadable", s.stats.unreadable);
  count_row("total", "text_lines", s.stats.text_lines);
  count_row("total", "duplicates", s.duplicates);
  for (std::size_t i = 0; i < s.by_symptom.size(); ++i)
    share_row("symptom", kSymptomNames[i], s.by_symptom[i], shown);
  for (const auto& [k, n] : s.symptom_moves)
    count_row("symptom_moved", std::string(to_string(k.first)) + "->" + std::string(to_string(k.second)), n);
  for (std::size_t i = 0; i < s.by_fault.size(); ++i)
    share_row("fault", kFaultNames[i], s.by_fault[i], shown);
  for (const auto& [k, v] : top_of(s.codes, SIZE_MAX, [](const CodeCount& x) { return x.calls; }))
    share_row("code", k, v.calls, shown);
  for (const auto& [k, v] : s.provider_components) {
    std::string key = k;
    std::replace(key.begin(), key.end(), '\t', '/');
    share_row("provider", key, v, s.failures());
  }
  for (const auto& [k, v] : s.assistants) pair_row("assistant", k, v);
  for (const auto& [k, v] : s.phone_numbers) pair_row("phone_number", k, v);
  // Hours keyed as in the JSON ("2024-06-28T14"), days as "2024-06-28".
  std::map<std::string, CountPair> buckets;
  for (const auto& [h, v] : s.hours)
    buckets[o.by == "hour" || h.starts_with('(') ? h : h.substr(0, 10)].add(v);
  for (const auto& [k, v] : buckets) pair_row(o.by, k, v);
  for (const auto& [k, v] : s.findings) share_row("finding", k, v, shown);
  for (const CrossFinding& f : find_cross_findings(s, o.thresholds))
    count_row("cross_finding", std::string(f.def->id) + (f.subject.empty() ? "" : ":" + f.subject), f.calls);
  share_row("not_charged", "calls", s.not_charged_calls, shown);
  for (const std::string& id : s.not_charged_ids) count_row("not_charged_id", id, 1);
  return out;
}

}  // namespace vapidiag
