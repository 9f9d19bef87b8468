#pragma once
// Classify any endedReason: exact row, retired alias, pattern row, decoding of the
// code's parts, or unknown. Classification allocates nothing.

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "vapidiag/classification.hpp"

namespace vapidiag {

// Lenient input: strips surrounding whitespace and quotes and lower-cases. Writes
// into buf when a change is needed and returns a view of the result (which may
// point into `in` when nothing had to change). Output longer than cap is cut.
std::string_view normalize_code(std::string_view in, char* buf, std::size_t cap);

// Classify an already normalised code.
Classification classify(std::string_view code);

// A classification that owns its code. Classification's views (code, provider, status)
// point into the string classify() was given; a Classified keeps that string itself, so
// it stays valid however long it is kept, copied or moved, whatever became of the
// caller's string. The way to keep a classification past the input it came from.
class Classified {
 public:
  Classified() : Classified(std::string_view()) {}
  // Normalises raw (as normalize_code) and classifies it.
  explicit Classified(std::string_view raw);
  Classified(const Classified& other) : Classified(other.code_) {}
  Classified(Classified&& other) : Classified(other.code_) {}
  Classified& operator=(const Classified& other) {
    if (this != &other) *this = Classified(other.code_);
    return *this;
  }
  Classified& operator=(Classified&& other) {
    if (this != &other) {
      code_ = std::move(other.code_);
      c_ = classify(code_);  // the views follow the string to its new buffer
    }
    return *this;
  }
  const Classification& get() const { return c_; }
  const Classification* operator->() const { return &c_; }
  const std::string& code() const { return code_; }  // the normalised code

 private:
  std::string code_;
  Classification c_;
};

// What classify() says for a code that has no row of its own: as if its exact row and
// the given pattern rows did not exist (no alias either). For measuring how well the
// family rules generalise to codes no row names yet.
Classification classify_without_rows(std::string_view code, std::span<const PatternRow* const> skip_patterns);

// Up to three codes the user probably meant, best first (hints, then edit
// distance over every known code and row). Empty views fill unused slots.
std::array<std::string_view, 3> suggest(std::string_view code);

// Levenshtein distance between a and b (each cut at 160 characters): the one edit
// distance of the program (suggestions, mistyped commands).
int edit_distance(std::string_view a, std::string_view b);

// The one-line meaning and the fix, with templates filled in from the code's parts.
std::string render_meaning(const Classification& c);
std::string render_fix(const Classification& c);
// A fix short enough for a table cell: the first sentence of render_fix.
std::string render_fix_short(const Classification& c);

}  // namespace vapidiag
