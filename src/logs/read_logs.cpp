// read_logs: every input, split over threads where that is safe, each ended call
// classified (through a cache), its findings found, filtered and handed on.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <deque>
#include <memory>
#include <thread>
#include <unordered_map>
#include <utility>

#include "../glob.hpp"
#include "vapidiag/logs.hpp"
#include "vapidiag/matcher.hpp"

namespace vapidiag {

bool CallFilter::match(const CallRecord& rec, const Classification& c, Symptom by_evidence,
                       bool failed) const {
  if (symptom && by_evidence != *symptom) return false;
  if (fault && c.fault != *fault) return false;
  if (!component.empty() && c.component != component) return false;
  if (failures_only && !failed) return false;
  if (!code_glob.empty() && !glob_match(code_glob, c.code)) return false;
  if (since != kNoTime || until != kNoTime) {
    const std::int64_t t = call_time(rec);
    if (t == kNoTime) return false;
    if (since != kNoTime && t < since) return false;
    if (until != kNoTime && t >= until) return false;
  }
  return true;
}

namespace {

// Logs hold few distinct codes: classify each once, and find which findings it can have.
// A cached Classification's views point into the map's own key (or a kept copy of its
// normal form), which never move.
class CachedClassifier {
 public:
  struct Entry {
    Classification c;
    FindingMask findings = 0;  // applicable_findings(c.code)
  };
  const Entry& classify_raw(const std::string& raw) {
    auto it = cache_.find(raw);
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxCached) {
      uncached_.c = classify(normalize_code(raw, buf_.data(), buf_.size()));
      uncached_.findings = applicable_findings(uncached_.c.code);
      return uncached_;
    }
    it = cache_.emplace(raw, Entry{}).first;
    Classification& c = it->second.c;
    c = classify(normalize_code(it->first, buf_.data(), buf_.size()));
    if (c.code.data() == buf_.data()) {  // normalised into the scratch buffer: keep a copy
      normalized_.emplace_back(c.code);
      c = classify(normalized_.back());
    }
    it->second.findings = applicable_findings(c.code);
    return it->second;
  }

 private:
  static constexpr std::size_t kMaxCached = 4096;
  std::unordered_map<std::string, Entry> cache_;
  std::deque<std::string> normalized_;
  Entry uncached_;
  std::array<char, 256> buf_{};
};

struct Deferred {
  std::string file;
  RecordPos pos;
  std::string message;
};

// The reader's sink for one worker: classifies, finds, filters, and hands calls on.
// Worker 0 passes messages straight to the caller's events; the others keep them for
// the calling thread, which reports them with positions in the whole file.
class WorkerSink final : public RecordSink {
 public:
  WorkerSink(std::size_t worker, const LogReadOptions& o, CallSink& calls, LogEvents* events)
      : worker_(worker), opts_(o), calls_(calls), events_(events) {
    if (o.dedupe.window_ms > 0 || o.dedupe.exact) dedupe_.emplace(o.dedupe);
  }

  void set_file(std::string_view name) { file_ = name; }
  void set_part(std::size_t part) { worker_ = part; }  // the CallSink part of the calls read next

  void on_call(const CallRecord& rec, const RecordPos& pos) override {
    if (dedupe_) {
      // Only a held status-update needs its arrival time (not a clock read per call).
      const std::int64_t wall = rec.shape == RecordShape::StatusUpdate ? wall_now() : kNoTime;
      const CallDeduper::Verdict v = dedupe_->offer(rec, pos, file_, released_, wall);
      process_released();
      if (v != CallDeduper::Verdict::Count) return;  // held, or merged into a call counted before
    }
    process(rec, pos, file_);
  }
  // The held status-updates count now: the run (or this worker's range) ended.
  void release_held() {
    if (!dedupe_) return;
    dedupe_->release_all(released_);
    process_released();
  }
  std::uint64_t duplicates() const { return dedupe_ ? dedupe_->duplicates() : 0; }

  void process(const CallRecord& rec, const RecordPos& pos, std::string_view file) {
    if (rec.reason_missing) {
      constexpr std::string_view kMsg =
          "an end-of-call report that gives no endedReason (neither message.endedReason nor "
          "message.call.endedReason); counted as an ended call, reason (missing)";
      if (events_)
        events_->on_record_warning(BadRecord{file, pos, kMsg, 0});
      else
        deferred_warnings.push_back({std::string(file), pos, std::string(kMsg)});
    }
    const CachedClassifier::Entry& known = cache_.classify_raw(rec.ended_reason);
    const Classification& c = known.c;
    find_call_findings(rec, c, opts_.thresholds, findings_, opts_.finding_details, known.findings);
    const Symptom by_evidence = evidence_symptom(c, findings_);
    const bool failed = call_failed(c, findings_);
    if (!opts_.filter.match(rec, c, by_evidence, failed)) {
      ++filtered_out;
      return;
    }
    calls_.on_call(worker_, Diagnosis{file, rec, c, findings_, by_evidence, failed, pos});
  }
  void on_bad_record(std::string_view file, const RecordPos& pos, std::string_view message) override {
    ++bad_records;
    if (bad_records > opts_.max_bad_reports) return;
    if (!events_) {
      deferred.push_back({std::string(file), pos, std::string(message)});
      return;
    }
    events_->on_bad_record(BadRecord{file, pos, message, bad_records});
  }
  void on_file_error(std::string_view file, std::string_view message) override {
    if (events_)
      events_->on_file_error(file, message);
    else
      deferred_file_errors.push_back({std::string(file), {}, std::string(message)});
  }
  // Kept (not reported) so that an input read in ranges gets one report: read_logs
  // reports it when the input is done.
  void on_text_lines(std::string_view /*file*/, std::uint64_t first_line, std::uint64_t lines,
                     std::string_view sample) override {
    text_first_line = first_line;
    text_lines = lines;
    text_sample = sample;
  }
  void on_progress(std::uint64_t bytes, std::uint64_t calls) override {
    if (events_) events_->on_progress(file_, bytes_done + bytes, calls_done + calls);
  }
  bool stop_requested() const override { return events_ && events_->stop_requested(); }
  void on_input_idle() override {
    // A live input paused: held status-updates whose window passed on the wall clock count now.
    if (dedupe_) {
      dedupe_->release_before_wall(wall_now() - dedupe_->window_ms(), released_);
      process_released();
    }
    if (events_) events_->on_input_idle();
  }
  static std::int64_t wall_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::vector<Deferred> deferred, deferred_file_errors, deferred_warnings;
  std::uint64_t filtered_out = 0;
  std::uint64_t bad_records = 0;
  std::uint64_t bytes_done = 0, calls_done = 0;
  std::uint64_t text_first_line = 0, text_lines = 0;
  std::string text_sample;

 private:
  std::size_t worker_;
  const LogReadOptions& opts_;
  CallSink& calls_;
  LogEvents* events_;  // null on worker threads
  CachedClassifier cache_;
  std::vector<Finding> findings_;
  std::string_view file_;
  std::optional<CallDeduper> dedupe_;
  std::vector<CallDeduper::Held> released_;  // what the deduper let go, processed at once

  void process_released() {
    for (CallDeduper::Held& h : released_) process(h.rec, h.pos, h.file);
    released_.clear();
  }
};

// Whether a line of text begins {"message": (blanks allowed), as a webhook envelope does.
bool starts_a_line_with_message_key(std::string_view text) {
  constexpr std::string_view kKey = "\"message\"";
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  for (std::size_t at = 0; at < text.size();) {
    std::size_t i = at;
    while (i < text.size() && blank(text[i]) && text[i] != '\n') ++i;
    if (i < text.size() && text[i] == '{') {
      ++i;
      while (i < text.size() && blank(text[i])) ++i;
      if (text.substr(i, kKey.size()) == kKey) {
        i += kKey.size();
        while (i < text.size() && blank(text[i])) ++i;
        if (i < text.size() && text[i] == ':') return true;
      }
    }
    const std::size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return false;
}

// Byte ranges for reading one file on several threads (at most `pieces`), or a single
// range when the file is small or not line-delimited (only NDJSON can be cut safely: at
// "\n{").
std::vector<std::pair<std::uint64_t, std::uint64_t>> split_ranges(int fd, std::uint64_t size,
                                                                  std::size_t threads, std::size_t pieces,
                                                                  const DedupeOptions& dedupe) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges{{0, size}};
  constexpr std::uint64_t kMinSplit = 32u << 20, kMinRange = 1u << 20;
  if (threads < 2 || pieces < 2 || size < kMinSplit || dedupe.exact) return ranges;
  // The head: enough to see the first line whole (64 KiB, or up to 1 MiB for a long one).
  // Buffers are not zeroed: they are only read as far as pread filled them.
  constexpr std::size_t kStep = 64u << 10, kMaxHead = 1u << 20, kMaxWindow = 4u << 20;
  const auto buffer = std::make_unique_for_overwrite<char[]>(kMaxHead);  // the head, then kStep at a time
  std::size_t got_head = 0;
  for (std::size_t want = std::min<std::uint64_t>(size, kStep);;) {
    const ssize_t n = ::pread(fd, buffer.get() + got_head, want - got_head, static_cast<off_t>(got_head));
    if (n <= 0) return ranges;
    got_head += static_cast<std::size_t>(n);
    if (got_head < want) continue;
    // Enough when a line ends in it and something follows that line.
    const std::string_view seen(buffer.get(), got_head);
    const std::size_t first_nl = seen.find('\n');
    if ((first_nl != std::string_view::npos &&
         seen.find_first_not_of(" \t\r\n", first_nl) != std::string_view::npos) ||
        want >= kMaxHead || want >= size)
      break;
    want = static_cast<std::size_t>(std::min<std::uint64_t>(size, kMaxHead));
  }
  const std::string_view head(buffer.get(), got_head);
  // The records of one call must meet one deduper, in order: a log of webhook messages is
  // read on one thread (framed on a second one). A webhook log's lines are envelopes,
  // {"message": {...}}, or bare messages typed end-of-call-report or status-update; a call
  // record has "message" keys too, inside its conversation, so only a line that starts
  // with that key counts.
  if (dedupe.window_ms > 0 && (starts_a_line_with_message_key(head) ||
                               head.find("\"end-of-call-report\"") != std::string_view::npos ||
                               head.find("\"status-update\"") != std::string_view::npos))
    return ranges;
  std::size_t i = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  const std::size_t nl = head.find('\n', i);
  if (i >= head.size() || head[i] != '{' || nl == std::string_view::npos) return ranges;
  std::size_t last = nl;
  while (last > i && std::isspace(static_cast<unsigned char>(head[last - 1]))) --last;
  std::size_t next = nl + 1;
  while (next < head.size() && std::isspace(static_cast<unsigned char>(head[next]))) ++next;
  if (last == i || head[last - 1] != '}' || next >= head.size() || head[next] != '{') return ranges;

  // Each range is a 1/(2 * threads) share of what is left after the ones before it, and
  // at least kMinRange: the threads take ranges in turn, and as the last ones are small,
  // they finish close together however the work fell between them (a late start, another
  // program on the core). The last range is what is left: less than 2 * kMinRange unless
  // the count of ranges ran out first.
  ranges.clear();
  std::uint64_t begin = 0;
  while (ranges.size() + 1 < pieces) {
    const std::uint64_t left = size - begin, share = std::max(left / (2 * threads), kMinRange);
    if (left - std::min(left, share) < kMinRange) break;
    const std::uint64_t target = begin + share;
    // The first "\n{" at or after the target, looked for 64 KiB at a time up to 4 MiB.
    std::uint64_t cut = 0;
    for (std::uint64_t from = target - 1; from < size && from - (target - 1) < kMaxWindow;
         from += kStep - 1) {
      const ssize_t got = ::pread(fd, buffer.get(), kStep, static_cast<off_t>(from));
      if (got <= 1) break;
      const std::size_t at = std::string_view(buffer.get(), static_cast<std::size_t>(got)).find("\n{");
      if (at != std::string_view::npos) {
        cut = from + at + 1;
        break;
      }
    }
    if (cut == 0) break;
    ranges.emplace_back(begin, cut);
    begin = cut;
  }
  ranges.emplace_back(begin, size);
  return ranges;
}

// Newlines in [0, end) of fd: the line offset of a range that starts at end.
std::uint64_t count_lines(int fd, std::uint64_t end) {
  std::string buf(1u << 20, '\0');
  std::uint64_t lines = 0, pos = 0;
  while (pos < end) {
    const ssize_t got =
        ::pread(fd, buf.data(), static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), end - pos)),
                static_cast<off_t>(pos));
    if (got <= 0) break;
    lines += static_cast<std::uint64_t>(std::count(buf.data(), buf.data() + got, '\n'));
    pos += static_cast<std::uint64_t>(got);
  }
  return lines;
}

}  // namespace

// Ranges a split file is cut into per thread, at most (split_ranges): enough that the last
// ones are small (a 256 MiB file on two threads takes 18), few enough that a range's
// set-up (a reader, its buffers) and the merge of its results cost next to nothing.
constexpr std::size_t kRangesPerJob = 16;

std::size_t call_parts(std::size_t jobs) { return jobs < 2 ? 1 : jobs * kRangesPerJob; }

LogResult read_logs(const std::vector<std::string>& inputs, const LogReadOptions& o, CallSink& calls,
                    LogEvents& events) {
  LogResult r;
  const std::size_t jobs = std::max<std::size_t>(1, o.jobs);
  // An input that is not split over threads is framed on a second one instead, where that
  // pays (ReadOptions::pipeline_where_it_pays).
  ReadOptions unsplit = o.read;
  unsplit.pipeline = jobs > 1;
  unsplit.pipeline_where_it_pays = true;
  WorkerSink sink(0, o, calls, &events);
  std::vector<std::unique_ptr<WorkerSink>> workers;
  for (const std::string& f : inputs) {
    if (sink.stop_requested()) break;
    const bool in = f == "-";
    const std::string name = in ? o.stdin_name : f;
    sink.set_file(name);
    ++r.files;
    // stdin redirected from a whole regular file (`< calls.ndjson`) is split like the file.
    const int fd = jobs < 2 ? -1 : in ? o.stdin_fd : ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
    const auto close_fd = [&] {
      if (fd >= 0 && !in) ::close(fd);
    };
    struct stat st {};
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    if (fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (!in || ::lseek(fd, 0, SEEK_CUR) == 0))
      ranges = split_ranges(fd, static_cast<std::uint64_t>(st.st_size), jobs, call_parts(jobs), o.dedupe);
    sink.text_lines = 0;
    if (ranges.size() < 2) {
      close_fd();
      const ReadStats s = in ? read_fd(o.stdin_fd, name, sink, unsplit) : read_file(f, sink, unsplit);
      sink.bytes_done += s.bytes;
      sink.calls_done += s.calls;
      r.stats.add(s);
      if (sink.text_lines)
        events.on_text_lines(name, sink.text_first_line, sink.text_lines, sink.text_sample);
      continue;
    }
    // Range 0 here first (its messages go out as they come); then every thread takes the
    // next range left until none is, so that a thread that started late or read slower
    // does not hold up the others. What a range leaves to report is kept per range and
    // reported in file order below.
    while (workers.size() < jobs)  // [0]: this thread's, for the ranges after the first
      workers.push_back(std::make_unique<WorkerSink>(workers.size(), o, calls, nullptr));
    const std::size_t nranges = ranges.size();
    std::vector<ReadStats> stats(nranges);
    struct RangeOut {
      std::vector<Deferred> deferred, file_errors, warnings;
      std::uint64_t bad_records = 0, text_first_line = 0, text_lines = 0;
      std::string text_sample;
    };
    std::vector<RangeOut> outs(nranges);
    std::atomic<std::size_t> next{1};
    const auto take_ranges = [&](WorkerSink& w) {
      w.set_file(name);
      for (std::size_t k = next++; k < nranges; k = next++) {
        w.set_part(k);
        stats[k] = read_fd_range(fd, ranges[k].first, ranges[k].second, name, w, o.read);
        w.release_held();  // a range is a whole input to the deduper that read it
        calls.on_part_done(k);
        RangeOut& out = outs[k];
        out.deferred.swap(w.deferred);
        out.file_errors.swap(w.deferred_file_errors);
        out.warnings.swap(w.deferred_warnings);
        w.deferred.clear(), w.deferred_file_errors.clear(), w.deferred_warnings.clear();
        out.bad_records = std::exchange(w.bad_records, 0);
        out.text_lines = std::exchange(w.text_lines, 0);
        out.text_first_line = w.text_first_line;
        out.text_sample = w.text_sample;
      }
    };
    std::vector<std::thread> threads;
    for (std::size_t t = 1; t < jobs && t < nranges; ++t)
      threads.emplace_back([&, t] { take_ranges(*workers[t]); });
    stats[0] = read_fd_range(fd, ranges[0].first, ranges[0].second, name, sink, o.read);
    calls.on_part_done(0);  // held status-updates of sink's deduper come later, into the next round
    take_ranges(*workers[0]);
    for (std::thread& t : threads) t.join();
    // Report the other ranges' bad records with positions in the whole file.
    std::uint64_t records_before = stats[0].records;
    for (std::size_t k = 1; k < nranges; ++k) {
      const RangeOut& w = outs[k];
      for (const Deferred& d : w.file_errors) sink.on_file_error(d.file, d.message);
      const std::uint64_t lines_before =
          w.deferred.empty() && w.warnings.empty() ? 0 : count_lines(fd, ranges[k].first);
      for (const Deferred& d : w.warnings) {
        RecordPos pos = d.pos;
        pos.record += records_before;
        pos.line += lines_before;
        pos.offset += ranges[k].first;
        events.on_record_warning(BadRecord{d.file, pos, d.message, 0});
      }
      for (const Deferred& d : w.deferred) {
        RecordPos pos = d.pos;
        pos.record += records_before;
        pos.line += lines_before;
        pos.offset += ranges[k].first;
        sink.on_bad_record(d.file, pos, d.message);
      }
      sink.bad_records += w.bad_records - w.deferred.size();
      records_before += stats[k].records;
      if (w.text_lines) {
        // One report for the whole input: the lines of every range, the first one's place.
        if (sink.text_lines == 0) {
          sink.text_first_line = w.text_first_line + count_lines(fd, ranges[k].first);
          sink.text_sample = w.text_sample;
        }
        sink.text_lines += w.text_lines;
      }
    }
    if (sink.text_lines) events.on_text_lines(name, sink.text_first_line, sink.text_lines, sink.text_sample);
    close_fd();
    for (const ReadStats& s : stats) {
      r.stats.add(s);
      sink.bytes_done += s.bytes;
      sink.calls_done += s.calls;
    }
    calls.on_workers_joined();
  }
  sink.release_held();  // worker 0's deduper spans the inputs: a report may be in the next file
  calls.on_workers_joined();
  r.filtered_out = sink.filtered_out;
  r.duplicates = sink.duplicates();
  for (const auto& w : workers) {
    r.filtered_out += w->filtered_out;
    r.duplicates += w->duplicates();
  }
  return r;
}

namespace {

// One summary per part (logs.hpp), merged in part order (merging is exact): while a split
// input is read, as parts are done; the rest after it, and at the end.
class SummarySink final : public CallSink {
 public:
  SummarySink(std::size_t parts, std::int64_t burst_window_ms) : parts_(parts), folds_(parts) {
    total.burst_window_ms = burst_window_ms;
    for (Part& p : parts_) p.summary.burst_window_ms = burst_window_ms;
  }
  void on_call(std::size_t w, const Diagnosis& d) override {
    Part& p = parts_[w];
    p.summary.add_call(d.rec, d.c, d.findings);
  }
  void on_part_done(std::size_t part) override {
    folds_.done(part, [this](std::size_t k) { fold(k); });
  }
  void on_workers_joined() override {
    folds_.finish([this](std::size_t k) { fold(k); });
  }
  Summary total;

 private:
  // What one worker writes for every call, on cache lines of its own: side by side, the
  // workers' counters and vector ends would share lines that then bounce between cores.
  struct alignas(64) Part {
    Summary summary;
  };
  void fold(std::size_t k) {
    Part& p = parts_[k];
    // Into an empty total the first part moves whole: merging it would copy every table.
    if (total_empty_)
      total = std::move(p.summary);
    else
      total.merge(p.summary);
    total_empty_ = false;
    p.summary = Summary{};
    p.summary.burst_window_ms = total.burst_window_ms;
  }
  std::vector<Part> parts_;
  PartFolds folds_;
  bool total_empty_ = true;
};

}  // namespace

void add_run_result(Summary& s, const LogResult& r) {
  s.add_read_stats(r.stats, r.files);
  s.filtered_out += r.filtered_out;
  s.duplicates += r.duplicates;
}

Summary summarize_logs(const std::vector<std::string>& inputs, const LogReadOptions& opts, LogEvents& events,
                       LogResult* result) {
  const std::size_t jobs = std::max<std::size_t>(1, opts.jobs);
  SummarySink sink(call_parts(jobs), static_cast<std::int64_t>(opts.thresholds.get("burst-window-s") * 1000));
  const LogResult r = read_logs(inputs, opts, sink, events);
  sink.on_workers_joined();
  add_run_result(sink.total, r);
  if (result) *result = r;
  return std::move(sink.total);
}

}  // namespace vapidiag
