#pragma once
// Output plumbing shared by the subcommands: a writer that notices a closed pipe
// (stop quietly) and a full disk (report, exit 4), and terminal styling.

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

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

// Runs the program `name` with args after its name, as git runs its git-* programs: the one
// beside this executable, else the one on PATH. Returns only when it could not be run,
// with errno saying why.
void exec_companion(const std::string& name, const std::vector<std::string>& args);

// Writes data to path whole or not at all: into a temporary file beside it, then renamed
// over it. False with the reason in *err.
bool write_file_whole(const std::string& path, std::string_view data, std::string* err);

}  // namespace vapidiag::cli
