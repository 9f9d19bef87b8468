#pragma once
// Text helpers of every renderer and front end: terminal styling, wrapping, numbers,
// and the one CSV/TSV writer.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "vapidiag/classification.hpp"

namespace vapidiag {

// ANSI styling, empty strings when colour is off.
struct Style {
  bool on = false;
  std::string_view bold() const { return on ? "\x1b[1m" : ""; }
  std::string_view dim() const { return on ? "\x1b[2m" : ""; }
  std::string_view red() const { return on ? "\x1b[31m" : ""; }
  std::string_view green() const { return on ? "\x1b[32m" : ""; }
  std::string_view yellow() const { return on ? "\x1b[33m" : ""; }
  std::string_view blue() const { return on ? "\x1b[34m" : ""; }
  std::string_view magenta() const { return on ? "\x1b[35m" : ""; }
  std::string_view cyan() const { return on ? "\x1b[36m" : ""; }
  std::string_view reset() const { return on ? "\x1b[0m" : ""; }
  std::string_view fault(Fault f) const;
};

// Plain-language names for the vocabulary ("the phone never rang", "Vapi's side", ...).
std::string_view symptom_phrase(Symptom s);
std::string_view fault_phrase(Fault f);
std::string_view retry_phrase(Retry r);

// Wraps text to width columns; continuation lines start with indent spaces.
std::string wrap(std::string_view text, std::size_t first_width, std::size_t width, std::size_t indent);
// 1234567 -> "1,234,567".
std::string with_commas(std::uint64_t n);
// part of whole as "12.3%" ("0.0%" when whole is 0).
std::string percent(std::uint64_t part, std::uint64_t whole);

// The one writer of CSV (RFC 4180 quoting) and TSV (tabs and newlines become spaces).
class DelimitedWriter {
 public:
  enum Kind : char { kCsv = ',', kTsv = '\t' };
  explicit DelimitedWriter(Kind kind) : kind_(kind) {}
  std::string field(std::string_view s) const;
  // The fields, quoted or cleaned, joined by the separator (no line end).
  std::string row(const std::vector<std::string>& fields) const;
  std::string row(std::initializer_list<std::string_view> fields) const;
  char separator() const { return static_cast<char>(kind_); }

 private:
  Kind kind_;
};

}  // namespace vapidiag
