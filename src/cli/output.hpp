#pragma once
// Output plumbing shared by the subcommands: a writer that notices a closed pipe
// (stop quietly) and a full disk (report, exit 4), and terminal styling.

#include <cstdio>
#include <string>
#include <string_view>

#include "vapidiag/classification.hpp"

namespace vapidiag::cli {

class Output {
 public:
  explicit Output(std::FILE* f) : f_(f) {}
  void write(std::string_view s);
  void line(std::string_view s) {
    write(s);
    write("\n");
  }
  // Flushes; false when the output failed (errno-based message in error()).
  bool finish();
  // The reader went away (EPIPE): stop producing output, exit quietly.
  bool closed() const { return closed_; }
  bool failed() const { return err_ != 0; }
  std::string error() const;

 private:
  void check();
  std::FILE* f_;
  bool closed_ = false;
  int err_ = 0;
};

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

// Plain-language names for the vocabulary.
std::string_view symptom_phrase(Symptom s);
std::string_view fault_phrase(Fault f);
std::string_view retry_phrase(Retry r);

// Wraps text to width columns; continuation lines start with indent spaces.
std::string wrap(std::string_view text, std::size_t first_width, std::size_t width, std::size_t indent);

// CSV field quoting (RFC 4180) and TSV cleaning (tabs and newlines become spaces).
std::string csv_field(std::string_view s);
std::string tsv_field(std::string_view s);

}  // namespace vapidiag::cli
