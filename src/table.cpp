#include "vapidiag/table.hpp"

#include <algorithm>
#include <iterator>

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
std::span<const KnownCode> known_codes() { return generated::kKnownCodes; }
std::span<const Hint> hints() { return generated::kHints; }

const CodeRow* find_code_row(std::string_view code) { return find_sorted(code_rows(), code, &CodeRow::code); }
const KnownCode* find_known(std::string_view code) { return find_sorted(known_codes(), code, &KnownCode::code); }
const Provider* find_provider(std::string_view slug) { return find_sorted(providers(), slug, &Provider::slug); }

}  // namespace vapidiag
