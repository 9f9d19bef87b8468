#include "vapidiag/table.hpp"

#include <algorithm>
#include <iterator>

#include "glob.hpp"

namespace vapidiag {
#include "vapidiag/table_data.inc"

namespace {
template <typename Row>
const Row* find_sorted(std::span<const Row> rows, std::string_view key, std::string_view Row::*field) {
  auto it = std::lower_bound(rows.begin(), rows.end(), key,
                             [field](const Row& r, std::string_view k) { return r.*field < k; });
  return (it != rows.end() && (*it).*field == key) ? &*it : nullptr;
}
}  // namespace

std::span<const CodeRow> code_rows() { return generated::kCodeRows; }
std::span<const PatternRow> pattern_rows() { return generated::kPatternRows; }
std::span<const Provider> providers() { return generated::kProviders; }
std::span<const KindWording> kind_wordings() { return generated::kKindWordings; }
std::span<const KnownCode> known_codes() { return generated::kKnownCodes; }
std::span<const Hint> hints() { return generated::kHints; }

std::span<const FindingDef> finding_defs() { return generated::kFindingDefs; }
std::span<const Threshold> thresholds() { return generated::kThresholds; }
const FindingDef* find_finding(std::string_view id) {
  for (const FindingDef& f : finding_defs())
    if (f.id == id) return &f;
  return nullptr;
}
bool applies_to(std::string_view globs, std::string_view code) {
  while (!globs.empty()) {
    const std::size_t comma = globs.find(',');
    if (glob_match(globs.substr(0, comma), code)) return true;
    if (comma == std::string_view::npos) break;
    globs = globs.substr(comma + 1);
  }
  return false;
}

const CodeRow* find_code_row(std::string_view code) { return find_sorted(code_rows(), code, &CodeRow::code); }
const KnownCode* find_known(std::string_view code) {
  return find_sorted(known_codes(), code, &KnownCode::code);
}
const Provider* find_provider(std::string_view slug) {
  return find_sorted(providers(), slug, &Provider::slug);
}

}  // namespace vapidiag
