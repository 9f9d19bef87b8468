#pragma once
// What the log commands (diagnose, summary, check) share: the input and filter options,
// turning them into the library's LogReadOptions, and the wording of the reader's
// messages on stderr.

#include <chrono>
#include <string>
#include <vector>

#include "commands.hpp"
#include "vapidiag/logs.hpp"

namespace vapidiag::cli {

// Inputs, filters, --max-record-mb and the finding thresholds.
// call_filters = false: the inputs, --since/--until and the reading options only (check).
void add_filter_options(CLI::App& app, LogOptions& o, bool call_filters = true);
// -j/--jobs, defaulting to the number of cores (at most 8).
void add_jobs_option(CLI::App& app, LogOptions& o);

// The library's options from the command line's; false (after a message) on a bad value.
bool make_read_options(const LogOptions& o, Context& ctx, LogReadOptions* out);
// The inputs to read: the files, or "-" (stdin) when none are named. False (after a
// message) when there are none and stdin is a terminal.
bool resolve_inputs(const LogOptions& o, Context& ctx, std::vector<std::string>* inputs);

// The reader's messages, worded for stderr: file:line:column, record, byte; a progress
// line on a terminal.
class StderrEvents final : public LogEvents {
 public:
  explicit StderrEvents(Context& ctx) : ctx_(ctx), start_(std::chrono::steady_clock::now()) {}
  void on_bad_record(const BadRecord& bad) override;
  void on_file_error(std::string_view file, std::string_view message) override;
  void on_record_warning(const BadRecord& record) override;
  void on_text_lines(std::string_view file, std::uint64_t first_line, std::uint64_t lines,
                     std::string_view sample) override;
  void on_progress(std::string_view file, std::uint64_t bytes, std::uint64_t calls) override;
  bool stop_requested() const override { return ctx_.out.closed() || ctx_.out.failed(); }
  // Flushes stdout when a live input pauses (set by commands that print per call).
  void on_input_idle() override {
    if (flush_when_idle) ctx_.out.finish();
  }
  bool flush_when_idle = false;
  bool quiet = false;  // no messages about records at all (check -q)
  void clear_progress();

 private:
  Context& ctx_;
  std::chrono::steady_clock::time_point start_, last_progress_{};
  bool progress_shown_ = false;
};

// One closing line on stderr when anything was skipped, so nothing is lost silently.
void report_skipped(const LogResult& r, Context& ctx);
// kExitInput when an input or a record could not be read, else kExitOk.
int input_exit(const LogResult& r);

}  // namespace vapidiag::cli
