// Pieces every renderer of a summary shares (summary_parts.hpp).

#include "summary_parts.hpp"

#include <cstdio>

#include "vapidiag/text.hpp"

namespace vapidiag::summary_parts {

std::string money(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.2f", v);
  return buf;
}

void put(std::string& out, std::string_view s) {
  out += s;
  out += '\n';
}

std::string moves_line(const Summary& s) {
  if (s.symptom_moves.empty()) return {};
  std::vector<std::pair<std::pair<Symptom, Symptom>, std::uint64_t>> v(s.symptom_moves.begin(),
                                                                       s.symptom_moves.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  const std::uint64_t n = s.symptom_changed();
  std::string line = "Evidence moved " + with_commas(n) +
                     (n == 1 ? " call from its code's symptom:" : " calls from their code's symptom:");
  for (std::size_t i = 0; i < v.size(); ++i)
    line += std::string(i ? ", " : " ") + with_commas(v[i].second) + " " +
            std::string(to_string(v[i].first.first)) + " -> " + std::string(to_string(v[i].first.second));
  return line;
}

std::string headline(const Summary& s, std::uint64_t filtered_out) {
  const std::uint64_t shown = s.calls();
  std::string h = with_commas(shown) + (shown == 1 ? " ended call" : " ended calls");
  if (filtered_out) h += " (" + with_commas(filtered_out) + " more left out by the filters)";
  return h + ", " + with_commas(s.failures()) + " failed (" + percent(s.failures(), shown) + ")";
}

std::string accounting_line(const Summary& s, std::uint64_t filtered_out) {
  const auto n = [](std::uint64_t v, std::string_view one, std::string_view many) {
    return with_commas(v) + " " + std::string(v == 1 ? one : many);
  };
  std::string line = n(s.stats.records, "record", "records") + ": " +
                     n(s.stats.calls, "ended call", "ended calls") + ", " + with_commas(s.stats.not_ended) +
                     " not ended, " + n(s.stats.skipped, "webhook message", "webhook messages") +
                     " skipped, " + with_commas(s.stats.unreadable) + " unreadable";
  if (s.stats.text_lines) line += "; " + n(s.stats.text_lines, "line", "lines") + " of text skipped";
  if (s.duplicates)
    line += "; " + n(s.duplicates, "duplicate record", "duplicate records") + " of a call merged";
  if (filtered_out) line += "; " + n(filtered_out, "call", "calls") + " left out by filters";
  if (s.stats.file_errors) line += "; " + n(s.stats.file_errors, "input", "inputs") + " could not be read";
  return line;
}

}  // namespace vapidiag::summary_parts
