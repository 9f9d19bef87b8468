// The one edit distance (Myers' bit-parallel algorithm) against a plain dynamic program.

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "vapidiag/matcher.hpp"

namespace {

int reference_distance(const std::string& a, const std::string& b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

TEST_CASE("edit_distance: known pairs") {
  CHECK(vapidiag::edit_distance("", "") == 0);
  CHECK(vapidiag::edit_distance("", "abc") == 3);
  CHECK(vapidiag::edit_distance("abc", "") == 3);
  CHECK(vapidiag::edit_distance("kitten", "sitting") == 3);
  CHECK(vapidiag::edit_distance("sumary", "summary") == 1);
  CHECK(vapidiag::edit_distance("explian", "explain") == 2);
}

TEST_CASE("edit_distance equals the dynamic program, across 64-bit blocks") {
  std::mt19937 rng(12);
  for (int n = 0; n < 300; ++n) {
    auto make = [&] {
      std::string s(rng() % 150, 'a');
      for (char& c : s) c = static_cast<char>('a' + rng() % 4);
      return s;
    };
    const std::string a = make(), b = make();
    INFO(a << " / " << b);
    CHECK(vapidiag::edit_distance(a, b) == reference_distance(a, b));
  }
}
