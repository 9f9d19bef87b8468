#pragma once
// Output plumbing shared by the subcommands: a writer that notices a closed pipe
// (stop quietly) and a full disk (report, exit 4), and terminal styling.

#include <cstdio>
#include <string>
#include <string_view>

#include "vapidiag/classification.hpp"
#include "vapidiag/text.hpp"

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

// Plain-language names for the vocabulary.
std::string_view symptom_phrase(Symptom s);
std::string_view fault_phrase(Fault f);
std::string_view retry_phrase(Retry r);

}  // namespace vapidiag::cli
