#pragma once
// Wildcard matching for pattern rows: `*` matches any run of characters, `?` one.
// Shared by the table generator (build-time checks) and the matcher.

#include <cstddef>
#include <string_view>

namespace vapidiag {

// Iterative matcher with single-star backtracking: linear in practice, no recursion.
constexpr bool glob_match(std::string_view pattern, std::string_view text) {
  // Quick reject on the literal tail after the last wildcard (most rows end in one).
  std::size_t tail = 0;
  while (tail < pattern.size() && pattern[pattern.size() - 1 - tail] != '*' &&
         pattern[pattern.size() - 1 - tail] != '?')
    ++tail;
  if (tail < pattern.size() && tail > 0) {
    if (text.size() < tail) return false;
    for (std::size_t i = 1; i <= tail; ++i)
      if (pattern[pattern.size() - i] != text[text.size() - i]) return false;
  }
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Literal characters in a pattern: the more, the more specific.
constexpr int glob_specificity(std::string_view pattern) {
  int n = 0;
  for (char c : pattern) n += (c != '*' && c != '?') ? 2 : (c == '?' ? 1 : 0);
  return n;
}

static_assert(glob_match("*-403-*", "pipeline-error-openai-403-model-access-denied"));
static_assert(glob_match("a?c", "abc") && !glob_match("a?c", "ac"));
static_assert(!glob_match("*-voice-failed", "pipeline-error-voice-failed-x"));

}  // namespace vapidiag
