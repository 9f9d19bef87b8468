#pragma once
// Pieces every renderer of a summary shares (text, markdown, HTML): the headline, the input
// accounting, the evidence's symptom moves, money and top-N rows. Private to src/report.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vapidiag/summary.hpp"

namespace vapidiag::summary_parts {

// "$12.34"
std::string money(double v);

// Appends s and a line end.
void put(std::string& out, std::string_view s);

// The n entries of a map with the largest key(value), ties in map order.
template <typename Map, typename Key>
std::vector<std::pair<std::string, typename Map::mapped_type>> top_of(const Map& m, std::size_t n, Key key) {
  // Sorted as pointers, and only the top n copied: a table of codes holds sample IDs.
  std::vector<const typename Map::value_type*> order;
  order.reserve(m.size());
  for (const auto& e : m) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(),
                   [&](const auto* a, const auto* b) { return key(a->second) > key(b->second); });
  if (order.size() > n) order.resize(n);
  std::vector<std::pair<std::string, typename Map::mapped_type>> v;
  v.reserve(order.size());
  for (const auto* e : order) v.emplace_back(e->first, e->second);
  return v;
}

// "Evidence moved 5 calls from their code's symptom: 3 transfer-failed -> never-rang, ..."
// (most first), or "" when it moved none.
std::string moves_line(const Summary& s);

// "12 ended calls (3 more left out by the filters), 4 failed (33.3%)"
std::string headline(const Summary& s, std::uint64_t filtered_out);

// "N records: N ended calls, N not ended, N webhook messages skipped, N unreadable; ..."
std::string accounting_line(const Summary& s, std::uint64_t filtered_out);

}  // namespace vapidiag::summary_parts
