#pragma once
// Reading call logs from end to end: every input (files, or "-" for stdin) is read,
// each ended call is classified (once per distinct code), its findings are found, the
// filter is applied, and what passes is handed to a CallSink. A large NDJSON file is cut
// into ranges read on several threads; other inputs are framed on a second thread. The
// outcome equals a sequential run: results come per part, and parts are in input order.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vapidiag/call_record.hpp"
#include "vapidiag/classification.hpp"
#include "vapidiag/dedupe.hpp"
#include "vapidiag/findings.hpp"
#include "vapidiag/reader.hpp"
#include "vapidiag/summary.hpp"

namespace vapidiag {

// Which calls to keep. Empty fields keep everything.
struct CallFilter {
  std::optional<Symptom> symptom;  // the symptom the evidence points to (as summaries count)
  std::optional<Fault> fault;
  std::string component;
  std::string code_glob;                          // normalised code glob (* and ?)
  std::int64_t since = kNoTime, until = kNoTime;  // [since, until) on call_time()
  bool failures_only = false;                     // failed calls only (call_failed)

  bool match(const CallRecord& rec, const Classification& c, Symptom by_evidence, bool failed) const;
};

// One ended call that passed the filter. Valid only during CallSink::on_call.
struct Diagnosis {
  std::string_view file;  // the input the call came from, as named in messages
  const CallRecord& rec;
  const Classification& c;
  const std::vector<Finding>& findings;
  Symptom by_evidence;  // evidence_symptom(c, findings)
  bool failed;          // call_failed(c, findings)
  const RecordPos& pos;
};

struct LogReadOptions {
  ReadOptions read;
  CallFilter filter;
  Thresholds thresholds;
  bool finding_details = true;  // false: findings by id only (for counting)
  DedupeOptions dedupe;         // one call, one count (vapidiag/dedupe.hpp)
  std::size_t jobs = 1;         // threads (see above)
  int stdin_fd = 0;             // what "-" reads
  std::string stdin_name = "<stdin>";
  // Unreadable records reported one by one through on_bad_record; the rest are counted.
  std::uint64_t max_bad_reports = 100;
};

// An unreadable record, with its position in the whole input.
struct BadRecord {
  std::string_view file;
  RecordPos pos;
  std::string_view message;
  std::uint64_t number = 0;  // 1-based among the unreadable records of this run
};

// The calls, each under a part: part 0 holds every input that is not split and the first
// range of one that is; with jobs > 1 a split file's later ranges are parts 1, 2, ... in
// file order, read by whichever thread is free, several at the same time (on_call is then
// called from several threads, never for one part from two at once). A caller that keeps
// results per part folds them in part order in on_workers_joined, which runs (on the
// calling thread) after each split input: the order of one sequential read.
//
// on_part_done(part) says that a split input's part has all its calls, from the thread
// that read it, while other threads still read later parts: a sink may fold the parts
// done so far, in part order, there (PartFolds below) and leave less to fold after the
// join. It comes once per part of a split input, before on_workers_joined; a part folded
// early may get calls again (the next inputs), which the next on_workers_joined folds.
class CallSink {
 public:
  virtual ~CallSink() = default;
  virtual void on_call(std::size_t part, const Diagnosis& d) = 0;
  virtual void on_part_done(std::size_t /*part*/) {}
  virtual void on_workers_joined() {}
};

// Folds parts into a total in part order, each as soon as it and every part before it
// are done: a CallSink's helper for on_part_done (any thread) and on_workers_joined.
// fold(k) runs for one part at a time, in order 0, 1, 2, ..., on one thread at a time: the
// thread whose done() made the next part ready folds it, and every part that is ready by
// the time it finishes. It folds outside the lock, so a thread that finishes a part
// meanwhile marks it and goes on reading; the folding thread folds that part too.
class PartFolds {
 public:
  explicit PartFolds(std::size_t parts) : done_(parts, false) {}
  template <typename Fold>
  void done(std::size_t part, Fold&& fold) {
    std::unique_lock<std::mutex> lock(mu_);
    done_[part] = true;
    if (folding_) return;  // the thread folding now folds this part as well, in its turn
    folding_ = true;
    while (next_ < done_.size() && done_[next_]) {
      const std::size_t k = next_++;
      lock.unlock();
      fold(k);
      lock.lock();
    }
    folding_ = false;
  }
  // The parts not folded yet, in order; then a new round starts at part 0. Only after
  // every done() has returned (after the join).
  template <typename Fold>
  void finish(Fold&& fold) {
    const std::lock_guard<std::mutex> lock(mu_);
    while (next_ < done_.size()) fold(next_++);
    next_ = 0;
    done_.assign(done_.size(), false);
  }

 private:
  std::mutex mu_;
  std::vector<bool> done_;
  std::size_t next_ = 0;
  bool folding_ = false;
};

// How many parts a run with this many jobs hands calls under (part < call_parts(jobs)).
std::size_t call_parts(std::size_t jobs);

// Everything else, always on the calling thread and in input order.
class LogEvents {
 public:
  virtual ~LogEvents() = default;
  virtual void on_bad_record(const BadRecord& /*bad*/) {}
  virtual void on_file_error(std::string_view /*file*/, std::string_view /*message*/) {}
  // Once per input with text lines between its JSON values (skipped, not records): how
  // many, the first one's line number (in the whole input) and its start.
  virtual void on_text_lines(std::string_view /*file*/, std::uint64_t /*first_line*/, std::uint64_t /*lines*/,
                             std::string_view /*sample*/) {}
  // A record that is read but worth a word: an end-of-call report with no endedReason
  // anywhere (counted as an ended call whose reason is missing).
  virtual void on_record_warning(const BadRecord& /*record*/) {}
  // Bytes and calls read so far in this run; called about every few MB.
  virtual void on_progress(std::string_view /*file*/, std::uint64_t /*bytes*/, std::uint64_t /*calls*/) {}
  virtual bool stop_requested() const { return false; }
  // The input is live and has nothing more for now (RecordSink::on_input_idle); only for
  // inputs read on the calling thread, jobs = 1.
  virtual void on_input_idle() {}
};

struct LogResult {
  ReadStats stats;
  std::uint64_t files = 0;
  std::uint64_t filtered_out = 0;  // ended calls the filter left out
  std::uint64_t duplicates = 0;    // ended-call records merged into a call counted already
};

LogResult read_logs(const std::vector<std::string>& inputs, const LogReadOptions& opts, CallSink& calls,
                    LogEvents& events);

// Adds a run's accounting (read stats, inputs, calls filtered out, duplicates) to the
// summary of its calls: what summarize_logs and check do after read_logs.
void add_run_result(Summary& s, const LogResult& r);

// read_logs into one Summary (per-worker summaries merged in input order, so the result
// equals one sequential run), with the read stats and file count added.
Summary summarize_logs(const std::vector<std::string>& inputs, const LogReadOptions& opts, LogEvents& events,
                       LogResult* result = nullptr);

}  // namespace vapidiag
