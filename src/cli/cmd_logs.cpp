// diagnose, summary and check: read call logs, classify each ended call, report.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "../glob.hpp"
#include "logs.hpp"
#include "vapidiag/findings.hpp"
#include "vapidiag/reader.hpp"
#include "vapidiag/summary.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag::cli {
namespace {

using Json = nlohmann::ordered_json;
constexpr std::uint64_t kMaxBadMessages = 100;

std::vector<std::string> names(auto const& arr) { return {arr.begin(), arr.end()}; }

std::string with_commas(std::uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "0.0%";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

std::string money(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.2f", v);
  return buf;
}

struct Filter {
  std::optional<Symptom> symptom;
  std::optional<Fault> fault;
  std::string component, code_glob;
  std::int64_t since = kNoTime, until = kNoTime;
  bool failures_only = false;

  bool active() const {
    return symptom || fault || !component.empty() || !code_glob.empty() || since != kNoTime ||
           until != kNoTime || failures_only;
  }
  bool match(const CallRecord& rec, const Classification& c, Symptom by_evidence) const {
    if (symptom && c.symptom != *symptom && by_evidence != *symptom) return false;
    if (fault && c.fault != *fault) return false;
    if (!component.empty() && c.component != component) return false;
    if (failures_only && c.fault == Fault::Normal) return false;
    if (!code_glob.empty() && !glob_match(code_glob, c.code)) return false;
    if (since != kNoTime || until != kNoTime) {
      const std::int64_t t = call_time(rec);
      if (t == kNoTime) return false;
      if (since != kNoTime && t < since) return false;
      if (until != kNoTime && t >= until) return false;
    }
    return true;
  }
};

// Accepts a full ISO 8601 timestamp or a bare date (midnight UTC).
std::int64_t parse_time_option(const std::string& s) {
  if (s.empty()) return kNoTime;
  std::int64_t t = parse_iso8601_ms(s);
  if (t == kNoTime && s.size() == 10) t = parse_iso8601_ms(s + "T00:00:00Z");
  return t;
}

// What the commands get for each call that passes the filters.
struct Diagnosis {
  std::string_view file;  // the input the call came from, as named in messages
  const CallRecord& rec;
  const Classification& c;
  const std::vector<Finding>& findings;
  Symptom by_evidence;
  const RecordPos& pos;
};
using CallHandler = std::function<void(const Diagnosis&)>;

class LogSink final : public RecordSink {
 public:
  LogSink(Context& ctx, const Filter& filter, const Thresholds& thresholds, bool details, CallHandler handler)
      : ctx_(ctx),
        filter_(filter),
        thresholds_(thresholds),
        details_(details),
        handler_(std::move(handler)),
        start_(std::chrono::steady_clock::now()) {}

  void set_file(std::string_view name) { file_ = name; }

  void on_call(const CallRecord& rec, const RecordPos& pos) override {
    const Classification& c = classify_cached(rec.ended_reason);
    find_call_findings(rec, c, thresholds_, findings_, details_);
    const Symptom by_evidence = evidence_symptom(c, findings_);
    if (!filter_.match(rec, c, by_evidence)) {
      ++filtered_out;
      return;
    }
    handler_(Diagnosis{file_, rec, c, findings_, by_evidence, pos});
  }
  void on_bad_record(std::string_view file, const RecordPos& pos, std::string_view message) override {
    ++bad_records;
    if (bad_records > kMaxBadMessages) return;
    if (deferred_) {  // a worker thread: the caller prints these later with absolute positions
      deferred.push_back({std::string(file), pos, std::string(message)});
      return;
    }
    clear_progress();
    ctx_.err.line(std::string(ctx_.err_style.bold()) + "vapidiag: " + std::string(file) + ":" +
                  std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                  std::string(ctx_.err_style.reset()) + ": record " + std::to_string(pos.record) + " (byte " +
                  std::to_string(pos.offset) + "): " + std::string(ctx_.err_style.red()) + "unreadable" +
                  std::string(ctx_.err_style.reset()) + ": " + std::string(message) + "; skipped");
    if (bad_records == kMaxBadMessages)
      ctx_.err.line("vapidiag: further unreadable records are counted but not shown");
  }
  void on_file_error(std::string_view file, std::string_view message) override {
    clear_progress();
    ctx_.err.line(std::string(ctx_.err_style.bold()) + "vapidiag: " + std::string(file) +
                  std::string(ctx_.err_style.reset()) + ": " + std::string(ctx_.err_style.red()) + "error" +
                  std::string(ctx_.err_style.reset()) + ": " + std::string(message));
  }
  void on_progress(std::uint64_t bytes, std::uint64_t calls) override {
    if (!ctx_.env.err_is_tty || deferred_) return;
    const auto now = std::chrono::steady_clock::now();
    const double secs = std::chrono::duration<double>(now - start_).count();
    if (secs < 1.0 || now - last_progress_ < std::chrono::milliseconds(200)) return;
    last_progress_ = now;
    const std::uint64_t total = bytes_done + bytes;
    char line[160];
    std::snprintf(line, sizeof line, "\r%s  %.1f MB read, %s calls, %.0f MB/s ", std::string(file_).c_str(),
                  static_cast<double>(total) / 1e6, with_commas(calls_done + calls).c_str(),
                  static_cast<double>(total) / 1e6 / secs);
    ctx_.err.write(line);
    std::fflush(ctx_.env.err);
    progress_shown_ = true;
  }
  bool stop_requested() const override { return !deferred_ && (ctx_.out.closed() || ctx_.out.failed()); }

  // Worker mode: bad records are kept for the caller instead of printed.
  struct Deferred {
    std::string file;
    RecordPos pos;
    std::string message;
  };
  void defer_messages() { deferred_ = true; }
  std::vector<Deferred> deferred;

  void clear_progress() {
    if (!progress_shown_) return;
    ctx_.err.write("\r\x1b[K");
    progress_shown_ = false;
  }

  std::uint64_t filtered_out = 0;
  std::uint64_t bad_records = 0;
  std::uint64_t bytes_done = 0, calls_done = 0;

 private:
  Context& ctx_;
  // Logs hold few distinct codes: classify each once. The cached Classification's views
  // point into the map's own key, which never moves.
  const Classification& classify_cached(const std::string& raw) {
    auto it = cache_.find(raw);
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxCached) {
      uncached_ = classify(normalize_code(raw, buf_.data(), buf_.size()));
      return uncached_;
    }
    it = cache_.emplace(raw, Classification{}).first;
    it->second = classify(normalize_code(it->first, buf_.data(), buf_.size()));
    if (it->second.code.data() == buf_.data()) {  // normalised into the scratch buffer: keep a copy
      normalized_.emplace_back(it->second.code);
      it->second = classify(normalized_.back());
    }
    return it->second;
  }
  static constexpr std::size_t kMaxCached = 4096;
  std::unordered_map<std::string, Classification> cache_;
  std::deque<std::string> normalized_;
  Classification uncached_;

  const Filter& filter_;
  const Thresholds& thresholds_;
  bool details_;
  CallHandler handler_;
  std::vector<Finding> findings_;
  std::string_view file_;
  std::array<char, 256> buf_{};
  std::chrono::steady_clock::time_point start_, last_progress_{};
  bool progress_shown_ = false;
  bool deferred_ = false;
};

struct RunResult {
  ReadStats stats;
  std::uint64_t files = 0;
  std::uint64_t filtered_out = 0;
  bool usage_error = false;
};

// Builds the filter from the options; false (after a message) on a bad value.
bool make_filter(const LogOptions& o, Context& ctx, Filter* f) {
  if (!o.symptom.empty()) f->symptom = parse_symptom(o.symptom);
  if (!o.fault.empty()) f->fault = parse_fault(o.fault);
  f->component = o.component;
  if (!o.code_glob.empty()) {
    std::array<char, 256> buf{};
    f->code_glob = std::string(normalize_code(o.code_glob, buf.data(), buf.size()));
  }
  f->failures_only = o.failures_only;
  f->since = parse_time_option(o.since);
  f->until = parse_time_option(o.until);
  if ((!o.since.empty() && f->since == kNoTime) || (!o.until.empty() && f->until == kNoTime)) {
    ctx.err.line(
        "vapidiag: --since/--until take an ISO 8601 time such as 2024-06-30 or 2024-06-30T03:00:00Z");
    return false;
  }
  return true;
}

Thresholds make_thresholds(const LogOptions& o) {
  Thresholds t;
  for (const auto& [name, value] : o.thresholds) t.set(name, value);
  return t;
}

ReadOptions read_options(const LogOptions& o) {
  ReadOptions ro;
  ro.max_record_bytes = static_cast<std::size_t>(std::max(0.001, o.max_record_mb) * 1024 * 1024);
  return ro;
}

// Byte ranges for reading one file on several threads, or a single range when the
// file is small or not line-delimited (only NDJSON can be cut safely: at "\n{").
std::vector<std::pair<std::uint64_t, std::uint64_t>> split_ranges(int fd, std::uint64_t size,
                                                                  std::size_t jobs) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges{{0, size}};
  constexpr std::uint64_t kMinSplit = 32u << 20;
  if (jobs < 2 || size < kMinSplit) return ranges;
  std::string head(std::min<std::uint64_t>(size, 1u << 20), '\0');
  if (::pread(fd, head.data(), head.size(), 0) != static_cast<ssize_t>(head.size())) return ranges;
  std::size_t i = head.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  const std::size_t nl = head.find('\n', i);
  if (i >= head.size() || head[i] != '{' || nl == std::string::npos) return ranges;
  std::size_t last = nl;
  while (last > i && std::isspace(static_cast<unsigned char>(head[last - 1]))) --last;
  std::size_t next = nl + 1;
  while (next < head.size() && std::isspace(static_cast<unsigned char>(head[next]))) ++next;
  if (last == i || head[last - 1] != '}' || next >= head.size() || head[next] != '{') return ranges;

  ranges.clear();
  std::uint64_t begin = 0;
  std::string window(4u << 20, '\0');
  for (std::size_t k = 1; k < jobs; ++k) {
    const std::uint64_t target = std::max(begin + 1, size * k / jobs);
    const ssize_t got = ::pread(fd, window.data(), window.size(), static_cast<off_t>(target - 1));
    if (got <= 1) break;
    const std::size_t at = std::string_view(window.data(), static_cast<std::size_t>(got)).find("\n{");
    if (at == std::string_view::npos) break;
    const std::uint64_t cut = target - 1 + at + 1;
    ranges.emplace_back(begin, cut);
    begin = cut;
  }
  ranges.emplace_back(begin, size);
  return ranges;
}

// The reader's messages name lines of the range they read ("line 12 ends inside a
// string"); make them lines of the whole file.
std::string shift_line_numbers(std::string_view msg, std::uint64_t lines_before) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t at = msg.find("line ", pos);
    if (at == std::string_view::npos) break;
    std::size_t end = at + 5;
    while (end < msg.size() && std::isdigit(static_cast<unsigned char>(msg[end]))) ++end;
    out.append(msg.substr(pos, at + 5 - pos));
    if (end > at + 5)
      out += std::to_string(std::stoull(std::string(msg.substr(at + 5, end - at - 5))) + lines_before);
    pos = end;
  }
  out.append(msg.substr(pos));
  return out;
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

// Reads every input. `handler_for(w)` gives worker w's handler; worker 0 reads every
// input on this thread, and with jobs > 1 a large NDJSON file is also cut into ranges
// read by workers 1.. in parallel. Callers combine their workers' results in worker order,
// which is input order, so the outcome equals a sequential run.
// after_split, when set, runs after each input that was split over workers (with every
// worker joined): a caller that keeps per-worker results folds them in there, so that
// results stay in input order when several inputs are split.
RunResult read_inputs(const LogOptions& o, Context& ctx, const Filter& filter,
                      const std::function<CallHandler(std::size_t)>& handler_for, std::size_t jobs,
                      const std::function<void()>& after_split = {}) {
  RunResult r;
  std::vector<std::string> files = o.files;
  if (files.empty()) {
    if (ctx.env.in_is_tty) {
      ctx.err.line("vapidiag: no input: name call-log files, or pipe call JSON to stdin (see --help)");
      r.usage_error = true;
      return r;
    }
    files.push_back("-");
  }
  const ReadOptions ro = read_options(o);
  // An input that is not split over threads is framed on a second one instead.
  ReadOptions unsplit = ro;
  unsplit.pipeline = jobs > 1;
  const Thresholds thresholds = make_thresholds(o);
  LogSink sink(ctx, filter, thresholds, o.finding_details, handler_for(0));
  std::vector<std::unique_ptr<LogSink>> workers;
  for (const std::string& f : files) {
    if (sink.stop_requested()) break;
    const std::string name = f == "-" ? "<stdin>" : f;
    sink.set_file(name);
    ++r.files;
    // stdin redirected from a whole regular file (`< calls.ndjson`) is split like the file.
    const bool in = f == "-";
    const int fd = jobs < 2 ? -1 : in ? ctx.env.in_fd : ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
    const auto close_fd = [&] {
      if (fd >= 0 && !in) ::close(fd);
    };
    struct stat st {};
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    if (fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (!in || ::lseek(fd, 0, SEEK_CUR) == 0))
      ranges = split_ranges(fd, static_cast<std::uint64_t>(st.st_size), jobs);
    if (ranges.size() < 2) {
      close_fd();
      const ReadStats s = in ? read_fd(ctx.env.in_fd, name, sink, unsplit) : read_file(f, sink, unsplit);
      sink.bytes_done += s.bytes;
      sink.calls_done += s.calls;
      r.stats.add(s);
      continue;
    }
    // Ranges 1.. on worker threads, range 0 here.
    while (workers.size() < ranges.size() - 1) {
      workers.push_back(std::make_unique<LogSink>(ctx, filter, thresholds, o.finding_details,
                                                  handler_for(workers.size() + 1)));
      workers.back()->defer_messages();
    }
    std::vector<ReadStats> stats(ranges.size());
    std::vector<std::thread> threads;
    for (std::size_t k = 1; k < ranges.size(); ++k) {
      LogSink& w = *workers[k - 1];
      w.set_file(name);
      w.deferred.clear();
      threads.emplace_back(
          [&, k, fd] { stats[k] = read_fd_range(fd, ranges[k].first, ranges[k].second, name, w, ro); });
    }
    stats[0] = read_fd_range(fd, ranges[0].first, ranges[0].second, name, sink, ro);
    for (std::thread& t : threads) t.join();
    // Report the workers' bad records with positions in the whole file.
    std::uint64_t records_before = stats[0].records;
    for (std::size_t k = 1; k < ranges.size(); ++k) {
      LogSink& w = *workers[k - 1];
      const std::uint64_t lines_before = w.deferred.empty() ? 0 : count_lines(fd, ranges[k].first);
      for (LogSink::Deferred& d : w.deferred) {
        RecordPos pos = d.pos;
        pos.record += records_before;
        pos.line += lines_before;
        pos.offset += ranges[k].first;
        sink.on_bad_record(d.file, pos, shift_line_numbers(d.message, lines_before));
      }
      sink.bad_records += w.bad_records - w.deferred.size();
      records_before += stats[k].records;
    }
    close_fd();
    for (const ReadStats& s : stats) {
      r.stats.add(s);
      sink.bytes_done += s.bytes;
      sink.calls_done += s.calls;
    }
    if (after_split) after_split();
  }
  sink.clear_progress();
  r.filtered_out = sink.filtered_out;
  for (const auto& w : workers) r.filtered_out += w->filtered_out;
  return r;
}

RunResult read_inputs(const LogOptions& o, Context& ctx, const Filter& filter, CallHandler handler) {
  return read_inputs(
      o, ctx, filter, [&](std::size_t) { return handler; }, 1);
}

void add_filter_options(CLI::App& app, LogOptions& o) {
  app.add_option("files", o.files, "Call-log files (JSON, NDJSON, webhook payloads); - or none reads stdin");
  app.add_option("--symptom", o.symptom, "Only calls with this symptom")
      ->check(CLI::IsMember(names(kSymptomNames)));
  app.add_option("--fault", o.fault, "Only calls with this fault party")
      ->check(CLI::IsMember(names(kFaultNames)));
  app.add_option("--component", o.component, "Only calls failing in this component")
      ->check(CLI::IsMember(names(kComponents)));
  app.add_option("--code", o.code_glob, "Only calls whose endedReason matches GLOB (* and ?)");
  app.add_option("--since", o.since, "Only calls at or after this ISO 8601 time (startedAt, else createdAt)");
  app.add_option("--until", o.until, "Only calls before this ISO 8601 time");
  app.add_flag("--failures", o.failures_only, "Only failed calls (every fault party but normal)");
  app.add_option("--max-record-mb", o.max_record_mb, "Skip (and report) records larger than this many MiB")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 65536.0));
  for (const Threshold& t : thresholds()) {
    double& v = o.thresholds[std::string(t.name)];
    v = t.value;
    app.add_option("--" + std::string(t.name), v,
                   "Finding threshold (" + std::string(t.unit) + "): " + std::string(t.description))
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber)
        ->group("Finding thresholds");
  }
}

// One closing line on stderr when anything was skipped, so nothing is lost silently.
void report_skipped(const RunResult& r, Context& ctx) {
  std::string what;
  if (r.stats.unreadable)
    what = with_commas(r.stats.unreadable) + " unreadable record" + (r.stats.unreadable == 1 ? "" : "s") +
           " of " + with_commas(r.stats.records);
  if (r.stats.file_errors)
    what += (what.empty() ? "" : " and ") + with_commas(r.stats.file_errors) + " unreadable input" +
            (r.stats.file_errors == 1 ? "" : "s");
  if (!what.empty()) ctx.err.line("vapidiag: skipped " + what);
}

int input_exit(const RunResult& r) {
  return (r.stats.file_errors || r.stats.unreadable) ? kExitInput : kExitOk;
}

// ---------- diagnose ----------

std::string duration_text(const CallRecord& rec) {
  if (rec.started_at == kNoTime || rec.ended_at == kNoTime) return "-";
  const std::int64_t s = (rec.ended_at - rec.started_at + 500) / 1000;
  if (s < 60) return std::to_string(s) + "s";
  return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
}

Json duration_json(const CallRecord& rec) {
  if (rec.started_at == kNoTime || rec.ended_at == kNoTime) return nullptr;
  return std::round(static_cast<double>(rec.ended_at - rec.started_at)) / 1000.0;
}

Json str_or_null(std::string_view s) { return s.empty() ? Json(nullptr) : Json(std::string(s)); }

Json call_json(const Diagnosis& d, std::string_view file) {
  const CallRecord& rec = d.rec;
  const Classification& c = d.c;
  const RecordPos& pos = d.pos;
  Json j;
  j["id"] = str_or_null(rec.id);
  const std::int64_t t = call_time(rec);
  j["time"] = t == kNoTime ? Json(nullptr) : Json(format_iso8601(t));
  j["duration_s"] = duration_json(rec);
  j["type"] = str_or_null(rec.type);
  j["ended_reason"] = rec.ended_reason;
  j["ended_message"] = str_or_null(rec.ended_message);
  const Json cj = classification_json(c);
  for (auto it = cj.begin(); it != cj.end(); ++it) j[it.key()] = *it;
  j["fix_short"] = render_fix_short(c);
  j["evidence_symptom"] = std::string(to_string(d.by_evidence));
  Json fs = Json::array();
  for (const Finding& f : d.findings) {
    Json evj = Json::array();
    for (const Evidence& e : f.evidence) evj.push_back(Json{{"field", e.field}, {"value", e.value}});
    fs.push_back(Json{{"id", std::string(f.def->id)},
                      {"severity", std::string(f.def->severity)},
                      {"title", std::string(f.def->title)},
                      {"message", f.message},
                      {"evidence", evj}});
  }
  j["findings"] = fs;
  j["started_at"] = rec.started_at == kNoTime ? Json(nullptr) : Json(format_iso8601(rec.started_at));
  j["ended_at"] = rec.ended_at == kNoTime ? Json(nullptr) : Json(format_iso8601(rec.ended_at));
  j["user_turns"] = rec.user_turns;
  j["bot_turns"] = rec.bot_turns;
  j["tool_calls"] = rec.tool_calls;
  j["last_speaker"] = str_or_null(rec.last_speaker);
  j["cost"] = rec.has_cost ? Json(rec.cost) : Json(nullptr);
  j["phone_call_provider"] = str_or_null(rec.phone_call_provider);
  j["assistant_id"] = str_or_null(rec.assistant_id);
  j["phone_number_id"] = str_or_null(rec.phone_number_id);
  j["transfer_destination"] = str_or_null(rec.transfer_destination);
  Json tr = Json::array();
  for (const TransferInfo& t2 : rec.transfers)
    tr.push_back(Json{{"status", str_or_null(t2.status)}, {"destination", str_or_null(t2.destination)}});
  j["transfers"] = tr;
  j["source"] = Json{{"file", std::string(file)}, {"record", pos.record}, {"line", pos.line}};
  return j;
}

constexpr const char* kCsvColumns[] = {"id",
                                       "time",
                                       "duration_s",
                                       "type",
                                       "ended_reason",
                                       "symptom",
                                       "fault",
                                       "component",
                                       "provider",
                                       "status",
                                       "retry",
                                       "charged",
                                       "matched_by",
                                       "fix_short",
                                       "evidence_symptom",
                                       "findings",
                                       "ended_message",
                                       "user_turns",
                                       "bot_turns",
                                       "last_speaker",
                                       "cost",
                                       "phone_call_provider",
                                       "assistant_id",
                                       "phone_number_id",
                                       "transfer_destination",
                                       "file",
                                       "record"};

std::string cell(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void setup_diagnose(CLI::App& app, LogOptions& o) {
  add_filter_options(app, o);
  app.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "ndjson", "csv", "tsv"}))
      ->capture_default_str();
  app.footer(R"(One diagnosis per ended call: when, how long, the endedReason, what the caller
experienced, whose fault it was and the fix. Calls that have not ended are counted,
not listed. Structured formats add every classification field and the evidence
(turns, last speaker, cost, provider, assistant, number, transfers).

Examples:
  vapidiag diagnose calls.json
  vapidiag diagnose calls.json --fault vapifault --format csv > credits.csv
  vapidiag diagnose logs/*.ndjson --failures --since 2024-06-01 --format ndjson

Exit status: 0 ok, 2 usage error, 3 unreadable input or records (reported on stderr),
4 output could not be written.)");
}

int run_diagnose(const LogOptions& o, Context& ctx) {
  Filter filter;
  if (!make_filter(o, ctx, &filter)) return kExitUsage;
  const bool csv = o.format == "csv", tsv = o.format == "tsv", json = o.format == "json";
  std::uint64_t rows = 0;
  if (csv || tsv) {
    std::string head;
    for (const char* c : kCsvColumns) head += std::string(head.empty() ? "" : (csv ? "," : "\t")) + c;
    ctx.out.line(head);
  }
  if (json) ctx.out.write("[");
  const Style& st = ctx.style;
  auto handler = [&](const Diagnosis& d) {
    const CallRecord& rec = d.rec;
    const Classification& c = d.c;
    ++rows;
    if (o.format == "text") {
      if (rows > 1) ctx.out.write("\n");
      const std::int64_t t = call_time(rec);
      std::string line =
          std::string(st.bold()) + (rec.id.empty() ? "(no id)" : rec.id) + std::string(st.reset());
      line += "  " + (t == kNoTime ? std::string("-") : format_iso8601(t)) + "  " + duration_text(rec);
      if (!rec.type.empty()) line += "  " + rec.type;
      ctx.out.line(line);
      ctx.out.line(
          "  " + rec.ended_reason + std::string(st.dim()) + " -> " + std::string(st.reset()) +
          std::string(to_string(c.symptom)) + ", " + std::string(st.fault(c.fault)) +
          std::string(to_string(c.fault)) + std::string(st.reset()) +
          (c.classified() ? "" : std::string(st.red()) + " (unknown code)" + std::string(st.reset())));
      ctx.out.line("  fix: " + wrap(render_fix_short(c), 74, 80, 7));
      if (!rec.ended_message.empty()) ctx.out.line("  endedMessage: " + wrap(rec.ended_message, 64, 80, 16));
      if (d.by_evidence != c.symptom)
        ctx.out.line("  " + std::string(st.yellow()) + "evidence: " + std::string(to_string(d.by_evidence)) +
                     std::string(st.reset()) + " (the code alone says " + std::string(to_string(c.symptom)) +
                     ")");
      for (const Finding& f : d.findings) {
        const std::string_view sev = f.def->severity;
        const std::string_view color = sev == "error" ? st.red() : sev == "warning" ? st.yellow() : st.cyan();
        const std::size_t prefix = 2 + sev.size() + 1 + f.def->id.size() + 2;
        ctx.out.line("  " + std::string(color) + std::string(sev) + std::string(st.reset()) + " " +
                     std::string(f.def->id) + ": " + wrap(f.message, prefix < 60 ? 80 - prefix : 20, 80, 4));
      }
      return;
    }
    const Json j = call_json(d, d.file);
    if (json) {
      ctx.out.write(rows == 1 ? "\n" : ",\n");
      ctx.out.write(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else if (o.format == "ndjson") {
      ctx.out.line(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
      std::string line;
      for (const char* col : kCsvColumns) {
        std::string v;
        if (std::string_view(col) == "file")
          v = d.file;
        else if (std::string_view(col) == "record")
          v = std::to_string(d.pos.record);
        else if (std::string_view(col) == "findings") {
          for (const Finding& f : d.findings) v += (v.empty() ? "" : ";") + std::string(f.def->id);
        } else
          v = cell(j[col]);
        if (!line.empty() || col != kCsvColumns[0]) line += csv ? "," : "\t";
        line += csv ? csv_field(v) : tsv_field(v);
      }
      ctx.out.line(line);
    }
  };
  const RunResult r = read_inputs(o, ctx, filter, handler);
  if (r.usage_error) return kExitUsage;
  if (json) ctx.out.write(rows ? "\n]\n" : "]\n");
  if (o.format == "text" && ctx.env.out_is_tty && !ctx.out.closed()) {
    ctx.out.line(std::string(st.dim()) + with_commas(rows) + " calls shown; " + with_commas(r.stats.records) +
                 " records read: " + with_commas(r.stats.calls) + " ended calls, " +
                 with_commas(r.stats.not_ended) + " not ended, " + with_commas(r.stats.skipped) +
                 " webhook messages skipped, " + with_commas(r.stats.unreadable) + " unreadable" +
                 std::string(st.reset()));
  }
  report_skipped(r, ctx);
  return input_exit(r);
}

// ---------- summary ----------

namespace {

std::string bar(std::uint64_t part, std::uint64_t whole, std::size_t width) {
  if (whole == 0) return {};
  const std::size_t eighths = static_cast<std::size_t>(std::llround(
      8.0 * static_cast<double>(width) * static_cast<double>(part) / static_cast<double>(whole)));
  static const char* kBlocks[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  std::string out;
  for (std::size_t i = 0; i < eighths / 8; ++i) out += "█";
  out += kBlocks[eighths % 8];
  return out;
}

template <typename Map>
std::vector<std::pair<std::string, typename Map::mapped_type>> top_of(const Map& m, std::size_t n, auto key) {
  std::vector<std::pair<std::string, typename Map::mapped_type>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(),
                   [&](const auto& a, const auto& b) { return key(a.second) > key(b.second); });
  if (v.size() > n) v.resize(n);
  return v;
}

struct Table {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> bars;  // part, whole per row (text only)
};

std::vector<Table> summary_tables(const Summary& s, const LogOptions& o) {
  std::vector<Table> out;
  std::uint64_t shown = 0;
  for (auto n : s.by_fault) shown += n;
  {
    Table t{"By symptom (what the caller experienced)", {"symptom", "calls", "share"}, {}, {}};
    for (std::size_t i = 0; i < s.by_symptom.size(); ++i) {
      if (!s.by_symptom[i]) continue;
      t.rows.push_back(
          {std::string(kSymptomNames[i]), with_commas(s.by_symptom[i]), percent(s.by_symptom[i], shown)});
      t.bars.push_back({s.by_symptom[i], shown});
    }
    out.push_back(t);
  }
  {
    Table t{"By fault (who owns the fix)", {"fault", "calls", "share"}, {}, {}};
    for (std::size_t i = 0; i < s.by_fault.size(); ++i) {
      if (!s.by_fault[i]) continue;
      t.rows.push_back(
          {std::string(kFaultNames[i]), with_commas(s.by_fault[i]), percent(s.by_fault[i], shown)});
      t.bars.push_back({s.by_fault[i], shown});
    }
    out.push_back(t);
  }
  {
    Table t{"Top codes", {"endedReason", "calls", "share", "fault", "meaning"}, {}, {}};
    for (const auto& [code, n] : top_of(s.codes, o.top, [](std::uint64_t v) { return v; })) {
      std::array<char, 256> buf{};
      const Classification c = classify(normalize_code(code, buf.data(), buf.size()));
      t.rows.push_back(
          {code, with_commas(n), percent(n, shown), std::string(to_string(c.fault)), render_meaning(c)});
    }
    out.push_back(t);
  }
  if (!s.provider_components.empty()) {
    Table t{"Provider failures (provider, component)", {"provider", "component", "calls"}, {}, {}};
    for (const auto& [k, n] : top_of(s.provider_components, o.top, [](std::uint64_t v) { return v; })) {
      const std::size_t tab = k.find('\t');
      t.rows.push_back({k.substr(0, tab), tab == std::string::npos ? "" : k.substr(tab + 1), with_commas(n)});
    }
    out.push_back(t);
  }
  auto pair_table = [&](const char* title, const char* what, const auto& m) {
    Table t{title, {what, "calls", "failures", "failure rate"}, {}, {}};
    for (const auto& [k, v] :
         top_of(m, o.top, [](const CountPair& p) { return p.failures * 1000000 + p.calls; }))
      t.rows.push_back({k, with_commas(v.calls), with_commas(v.failures), percent(v.failures, v.calls)});
    return t;
  };
  if (!s.assistants.empty())
    out.push_back(pair_table("By assistant (most failures first)", "assistantId", s.assistants));
  if (!s.phone_numbers.empty())
    out.push_back(pair_table("By phone number (most failures first)", "phoneNumberId", s.phone_numbers));
  if (!s.hours.empty()) {
    std::map<std::string, CountPair> buckets;
    for (const auto& [h, v] : s.hours) buckets[o.by == "hour" ? h + ":00Z" : h.substr(0, 10)].add(v);
    Table t{o.by == "hour" ? "By hour (UTC)" : "By day (UTC)",
            {o.by, "calls", "failures", "failure rate"},
            {},
            {}};
    for (const auto& [k, v] : buckets) {
      t.rows.push_back({k, with_commas(v.calls), with_commas(v.failures), percent(v.failures, v.calls)});
      t.bars.push_back({v.failures, v.calls});
    }
    out.push_back(t);
  }
  if (!s.findings.empty()) {
    Table t{"Findings from the call records (beyond the endedReason)",
            {"finding", "calls", "what it means"},
            {},
            {}};
    for (const auto& [id, n] : top_of(s.findings, SIZE_MAX, [](std::uint64_t v) { return v; })) {
      const FindingDef* def = find_finding(id);
      t.rows.push_back({id, with_commas(n), def ? std::string(def->title) : std::string()});
    }
    out.push_back(t);
  }
  {
    Thresholds th;
    for (const auto& [name, value] : o.thresholds) th.set(name, value);
    const auto cross = find_cross_findings(s, th);
    if (!cross.empty()) {
      Table t{"Findings across calls", {"finding", "details"}, {}, {}};
      for (const CrossFinding& f : cross) t.rows.push_back({std::string(f.def->id), f.message});
      out.push_back(t);
    }
  }
  std::vector<std::pair<std::string, std::uint64_t>> unknown;
  for (const auto& [code, n] : s.codes) {
    std::array<char, 256> buf{};
    if (!classify(normalize_code(code, buf.data(), buf.size())).classified()) unknown.push_back({code, n});
  }
  if (!unknown.empty()) {
    // Most frequent first, and only the top rows: a suggestion costs an edit-distance scan
    // over every published code, and junk logs can hold thousands of distinct codes.
    std::stable_sort(unknown.begin(), unknown.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    const std::size_t total_unknown = unknown.size();
    if (unknown.size() > o.top) unknown.resize(o.top);
    Table t{total_unknown > unknown.size()
                ? "Unknown codes (not in the table, not decodable; top " + std::to_string(unknown.size()) +
                      " of " + std::to_string(total_unknown) + ")"
                : std::string("Unknown codes (not in the table, not decodable)"),
            {"endedReason", "calls", "did you mean"},
            {},
            {}};
    for (const auto& [code, n] : unknown) {
      std::array<char, 256> buf{};
      std::string_view sugg = suggest(normalize_code(code, buf.data(), buf.size()))[0];
      t.rows.push_back({code, with_commas(n), std::string(sugg)});
    }
    out.push_back(t);
  }
  return out;
}

std::string accounting_line(const Summary& s, std::uint64_t filtered_out) {
  std::string line = with_commas(s.stats.records) + " records: " + with_commas(s.stats.calls) +
                     " ended calls, " + with_commas(s.stats.not_ended) + " not ended, " +
                     with_commas(s.stats.skipped) + " webhook messages skipped, " +
                     with_commas(s.stats.unreadable) + " unreadable";
  if (filtered_out) line += "; " + with_commas(filtered_out) + " calls left out by filters";
  if (s.stats.file_errors) line += "; " + with_commas(s.stats.file_errors) + " inputs could not be read";
  return line;
}

void render_summary_text(const Summary& s, const LogOptions& o, Context& ctx, std::uint64_t filtered_out) {
  const Style& st = ctx.style;
  std::uint64_t shown = 0;
  for (auto n : s.by_fault) shown += n;
  std::string head = std::string(st.bold()) + "vapidiag summary" + std::string(st.reset()) + ": " +
                     with_commas(shown) + " ended calls, " + with_commas(s.failures()) + " failed (" +
                     percent(s.failures(), shown) + ")";
  if (s.first_time != kNoTime)
    head += ", " + format_iso8601(s.first_time).substr(0, 10) + " to " +
            format_iso8601(s.last_time).substr(0, 10);
  ctx.out.line(head);
  ctx.out.line("Input: " + with_commas(s.files) + (s.files == 1 ? " input, " : " inputs, ") +
               accounting_line(s, filtered_out));
  for (const Table& t : summary_tables(s, o)) {
    if (t.rows.empty()) continue;
    ctx.out.line("");
    ctx.out.line(std::string(st.bold()) + t.title + std::string(st.reset()));
    std::vector<std::size_t> w(t.header.size(), 0);
    for (std::size_t i = 0; i < t.header.size(); ++i) w[i] = t.header[i].size();
    for (const auto& r : t.rows)
      for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
    auto is_numeric = [](const std::string& v) {
      return !v.empty() && std::isdigit(static_cast<unsigned char>(v[0])) != 0 &&
             v.find_first_not_of("0123456789,.%") == std::string::npos;
    };
    auto render_row = [&](const std::vector<std::string>& r, bool header) {
      std::string line = "  ";
      for (std::size_t i = 0; i < r.size(); ++i) {
        std::string v = r[i];
        const bool last = i + 1 == r.size();
        const bool numeric = header ? (i > 0 && !t.rows.empty() && is_numeric(t.rows[0][i])) : is_numeric(v);
        if (numeric)
          v.insert(0, w[i] - std::min(w[i], v.size()), ' ');
        else if (!last)
          v.append(w[i] - std::min(w[i], v.size()), ' ');
        line += v;
        if (!last) line += "  ";
      }
      return line;
    };
    ctx.out.line(std::string(st.dim()) + render_row(t.header, true) + std::string(st.reset()));
    for (std::size_t ri = 0; ri < t.rows.size(); ++ri) {
      std::string line = render_row(t.rows[ri], false);
      if (ctx.env.out_is_tty && ri < t.bars.size())
        line += "  " + std::string(st.cyan()) + bar(t.bars[ri].first, t.bars[ri].second, 20) +
                std::string(st.reset());
      ctx.out.line(line);
    }
  }
  ctx.out.line("");
  ctx.out.line(std::string(st.bold()) + "Not charged by Vapi (typically)" + std::string(st.reset()) + ": " +
               with_commas(s.not_charged_calls) + " calls (Vapi-side failures), " +
               money(s.not_charged_cost) + " billed on them" +
               (s.not_charged_cost > 0 ? ": candidates for a credit request" : ""));
  if (!s.not_charged_ids.empty()) {
    const std::size_t n =
        o.ids ? s.not_charged_ids.size() : std::min<std::size_t>(5, s.not_charged_ids.size());
    for (std::size_t i = 0; i < n; ++i) ctx.out.line("  " + s.not_charged_ids[i]);
    if (n < s.not_charged_ids.size())
      ctx.out.line("  ... " + with_commas(s.not_charged_ids.size() - n) + " more (--ids lists them all)");
    if (o.ids && s.ids_truncated)
      ctx.out.line("  (list capped at " + with_commas(Summary::kMaxIds) + " IDs)");
  }
  if (s.calls_with_cost)
    ctx.out.line("Total cost: " + money(s.total_cost) + " over " + with_commas(s.calls_with_cost) +
                 " calls with a cost");
  if (s.truncated)
    ctx.out.line("Note: more than " + with_commas(Summary::kMaxKeys) +
                 " distinct keys in a table: it keeps " + with_commas(Summary::kMaxKeys) +
                 " of them (chosen by a hash of the key, so that shards merge exactly) and counts the rest "
                 "under (other).");
}

void render_summary_markdown(const Summary& s, const LogOptions& o, Context& ctx,
                             std::uint64_t filtered_out) {
  std::uint64_t shown = 0;
  for (auto n : s.by_fault) shown += n;
  ctx.out.line("# vapidiag summary");
  ctx.out.line("");
  ctx.out.line("**" + with_commas(shown) + "** ended calls, **" + with_commas(s.failures()) + "** failed (" +
               percent(s.failures(), shown) + ")" +
               (s.first_time != kNoTime
                    ? ", " + format_iso8601(s.first_time) + " to " + format_iso8601(s.last_time)
                    : std::string()) +
               ".");
  ctx.out.line("");
  ctx.out.line("Input: " + accounting_line(s, filtered_out) + ".");
  auto esc = [](std::string v) {
    std::string out;
    for (char c : v) {
      if (c == '|')
        out += "\\|";
      else if (c == '\n')
        out += ' ';
      else
        out += c;
    }
    return out;
  };
  for (const Table& t : summary_tables(s, o)) {
    if (t.rows.empty()) continue;
    ctx.out.line("");
    ctx.out.line("## " + t.title);
    ctx.out.line("");
    std::string h = "|", sep = "|";
    for (const auto& c : t.header) h += " " + c + " |", sep += " --- |";
    ctx.out.line(h);
    ctx.out.line(sep);
    for (const auto& r : t.rows) {
      std::string line = "|";
      for (const auto& c : r) line += " " + esc(c) + " |";
      ctx.out.line(line);
    }
  }
  ctx.out.line("");
  ctx.out.line("## Not charged by Vapi (typically)");
  ctx.out.line("");
  ctx.out.line(with_commas(s.not_charged_calls) + " calls, " + money(s.not_charged_cost) +
               " billed on them.");
  if (!s.not_charged_ids.empty()) {
    ctx.out.line("");
    const std::size_t n =
        o.ids ? s.not_charged_ids.size() : std::min<std::size_t>(20, s.not_charged_ids.size());
    for (std::size_t i = 0; i < n; ++i) ctx.out.line("- `" + s.not_charged_ids[i] + "`");
    if (n < s.not_charged_ids.size())
      ctx.out.line("- ... " + with_commas(s.not_charged_ids.size() - n) + " more");
  }
}

void render_summary_csv(const Summary& s, const LogOptions& o, Context& ctx) {
  ctx.out.line("section,key,calls,failures,share");
  std::uint64_t shown = 0;
  for (auto n : s.by_fault) shown += n;
  auto row = [&](std::string_view sec, std::string_view key, std::uint64_t calls, std::string failures,
                 std::string share) {
    ctx.out.line(std::string(sec) + "," + csv_field(key) + "," + std::to_string(calls) + "," + failures +
                 "," + share);
  };
  row("total", "records", s.stats.records, "", "");
  row("total", "calls", s.stats.calls, std::to_string(s.failures()), percent(s.failures(), shown));
  row("total", "not_ended", s.stats.not_ended, "", "");
  row("total", "skipped", s.stats.skipped, "", "");
  row("total", "unreadable", s.stats.unreadable, "", "");
  for (std::size_t i = 0; i < s.by_symptom.size(); ++i)
    row("symptom", kSymptomNames[i], s.by_symptom[i], "", percent(s.by_symptom[i], shown));
  for (std::size_t i = 0; i < s.by_fault.size(); ++i)
    row("fault", kFaultNames[i], s.by_fault[i], "", percent(s.by_fault[i], shown));
  for (const auto& [k, v] : top_of(s.codes, SIZE_MAX, [](std::uint64_t x) { return x; }))
    row("code", k, v, "", percent(v, shown));
  for (const auto& [k, v] : s.provider_components) {
    std::string key = k;
    std::replace(key.begin(), key.end(), '\t', '/');
    row("provider", key, v, "", "");
  }
  for (const auto& [k, v] : s.assistants)
    row("assistant", k, v.calls, std::to_string(v.failures), percent(v.failures, v.calls));
  for (const auto& [k, v] : s.phone_numbers)
    row("phone_number", k, v.calls, std::to_string(v.failures), percent(v.failures, v.calls));
  std::map<std::string, CountPair> buckets;
  for (const auto& [h, v] : s.hours) buckets[o.by == "hour" ? h + ":00Z" : h.substr(0, 10)].add(v);
  for (const auto& [k, v] : buckets)
    row(o.by, k, v.calls, std::to_string(v.failures), percent(v.failures, v.calls));
  row("not_charged", "calls", s.not_charged_calls, "", "");
  for (const std::string& id : s.not_charged_ids) row("not_charged_id", id, 1, "", "");
}

}  // namespace

void add_jobs_option(CLI::App& app, LogOptions& o) {
  o.jobs = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  app.add_option(
         "-j,--jobs", o.jobs,
         "Threads: a large NDJSON file (or stdin redirected from one) is split among them; other inputs "
         "are framed on a second thread "
         "(default: the number of cores)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
}

void setup_summary(CLI::App& app, LogOptions& o) {
  add_filter_options(app, o);
  add_jobs_option(app, o);
  app.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "markdown", "csv"}))
      ->capture_default_str();
  app.add_option("--by", o.by, "Time buckets")->check(CLI::IsMember({"day", "hour"}))->capture_default_str();
  app.add_option("--top", o.top, "Rows in the top-N tables")->capture_default_str();
  app.add_flag("--ids", o.ids, "List every ID of the calls Vapi typically does not charge for");
  app.add_flag("--merge", o.merge, "Inputs are summaries written with --format json: combine them");
  app.footer(R"(Totals with input accounting (every record is a call, not ended, a skipped
webhook message or unreadable), counts by symptom and fault, top codes, provider
failures, assistants and numbers with most failures, calls per day, the calls Vapi
typically does not charge for, and unknown codes.

--format json is stable and mergeable: summaries of shards combine exactly.
  ls shards/*.ndjson | xargs -P 2 -I{} sh -c 'vapidiag summary {} --format json > {}.sum.json'
  vapidiag summary --merge shards/*.sum.json

Examples:
  vapidiag summary calls.json
  curl -s -H "Authorization: Bearer $VAPI_API_KEY" https://api.vapi.ai/call | vapidiag summary
  vapidiag summary logs/*.ndjson --by hour --format markdown > report.md
  vapidiag summary calls.json --ids   # IDs for a credit request

Exit status: 0 ok, 2 usage error, 3 unreadable input or records, 4 output not written.)");
}

int run_summary(const LogOptions& options, Context& ctx) {
  LogOptions o = options;
  o.finding_details = false;  // a summary counts findings by id
  Summary total;
  std::uint64_t filtered_out = 0;
  int rc = kExitOk;
  if (o.merge) {
    if (o.files.empty()) {
      ctx.err.line("vapidiag summary: --merge needs summary files written with --format json");
      return kExitUsage;
    }
    for (const std::string& f : o.files) {
      std::ifstream in(f, std::ios::binary);
      if (!in) {
        ctx.err.line("vapidiag: " + f + ": error: cannot open: " + std::strerror(errno));
        rc = kExitInput;
        continue;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      Summary part;
      std::string err;
      if (!Summary::from_json(ss.str(), &part, &err)) {
        ctx.err.line("vapidiag: " + f + ": error: " + err);
        rc = kExitInput;
        continue;
      }
      if (total.files && part.burst_window_ms != total.burst_window_ms) {
        ctx.err.line(
            "vapidiag: " + f +
            ": error: written with another --burst-window-s; summaries merge only with equal windows");
        rc = kExitInput;
        continue;
      }
      if (!total.files) total.burst_window_ms = part.burst_window_ms;
      total.merge(part);
    }
  } else {
    Filter filter;
    if (!make_filter(o, ctx, &filter)) return kExitUsage;
    const std::size_t jobs = std::max<std::size_t>(1, o.jobs);
    // One summary per worker, merged in worker order (merging is exact) after each input
    // that was split, and at the end.
    std::vector<Summary> parts(jobs);
    std::vector<std::vector<std::string_view>> ids(jobs);
    total.burst_window_ms = static_cast<std::int64_t>(make_thresholds(o).get("burst-window-s") * 1000);
    const auto fold_parts = [&] {
      for (Summary& p : parts) {
        total.merge(p);
        p = Summary{};
        p.burst_window_ms = total.burst_window_ms;
      }
    };
    for (Summary& p : parts) p.burst_window_ms = total.burst_window_ms;
    RunResult r = read_inputs(
        o, ctx, filter,
        [&](std::size_t w) -> CallHandler {
          return [&parts, &ids, w](const Diagnosis& d) {
            parts[w].add_call(d.rec, d.c);
            ids[w].clear();
            for (const Finding& f : d.findings) ids[w].push_back(f.def->id);
            parts[w].add_findings(ids[w], d.by_evidence != d.c.symptom);
          };
        },
        jobs, fold_parts);
    fold_parts();
    if (r.usage_error) return kExitUsage;
    total.add_read_stats(r.stats, r.files);
    filtered_out = r.filtered_out;
    report_skipped(r, ctx);
    rc = input_exit(r);
  }
  if (o.format == "json")
    ctx.out.line(total.to_json());
  else if (o.format == "markdown")
    render_summary_markdown(total, o, ctx, filtered_out);
  else if (o.format == "csv")
    render_summary_csv(total, o, ctx);
  else
    render_summary_text(total, o, ctx, filtered_out);
  return rc;
}

// ---------- check ----------

void setup_check(CLI::App& app, LogOptions& o) {
  add_filter_options(app, o);
  add_jobs_option(app, o);
  app.add_option("--fail-on", o.fail_on, "Fault parties that fail the check (comma-separated)")
      ->capture_default_str();
  app.add_option("--max-rate", o.max_rate, "Fail only when matching calls exceed PERCENT of ended calls")
      ->check(CLI::Range(0.0, 100.0));
  app.add_flag("--ignore-bad-records", o.ignore_bad_records,
               "Unreadable records and inputs do not fail the check");
  app.add_flag("-q,--quiet", o.quiet, "Print nothing, only set the exit status");
  app.footer(R"(For scripts and CI: reads the logs and sets the exit status.

Exit status, first that applies:
  2  usage error (bad option, nothing to read)
  3  unreadable input: a file or record could not be read (unless --ignore-bad-records)
  1  ended calls whose fault is in --fail-on exist (or exceed --max-rate percent)
  0  otherwise
One line on stderr says why it failed; --quiet for none.

Examples:
  vapidiag check calls.json
  vapidiag check logs/*.ndjson --fail-on vapifault,providerfault --max-rate 2
  vapidiag check today.ndjson --since 2024-06-30 --fail-on vapifault -q || page-oncall)");
}

int run_check(const LogOptions& options, Context& ctx) {
  LogOptions o = options;
  o.finding_details = false;  // check never prints findings
  std::array<bool, kFaultNames.size()> fail{};
  {
    std::stringstream ss(o.fail_on);
    std::string word;
    while (std::getline(ss, word, ',')) {
      if (word.empty()) continue;
      const auto f = parse_fault(word);
      if (!f) {
        ctx.err.line("vapidiag check: --fail-on: '" + word +
                     "' is not a fault party (vapifault, providerfault, customer, normal, unknown)");
        return kExitUsage;
      }
      fail[static_cast<std::size_t>(*f)] = true;
    }
  }
  Filter filter;
  if (!make_filter(o, ctx, &filter)) return kExitUsage;
  const std::size_t jobs = std::max<std::size_t>(1, o.jobs);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> counts(jobs);  // per worker: calls, matched
  RunResult r = read_inputs(
      o, ctx, filter,
      [&](std::size_t w) -> CallHandler {
        return [&counts, &fail, w](const Diagnosis& d) {
          ++counts[w].first;
          if (fail[static_cast<std::size_t>(d.c.fault)]) ++counts[w].second;
        };
      },
      jobs);
  std::uint64_t calls = 0, matched = 0;
  for (const auto& [c, m] : counts) calls += c, matched += m;
  if (r.usage_error) return kExitUsage;
  if ((r.stats.unreadable || r.stats.file_errors) && !o.ignore_bad_records) {
    if (!o.quiet)
      ctx.err.line("vapidiag check: input error: " + with_commas(r.stats.unreadable) +
                   " unreadable records, " + with_commas(r.stats.file_errors) +
                   " unreadable inputs (--ignore-bad-records to check anyway)");
    return kExitInput;
  }
  const double rate = calls ? 100.0 * static_cast<double>(matched) / static_cast<double>(calls) : 0.0;
  const bool failed = o.max_rate >= 0 ? rate > o.max_rate : matched > 0;
  if (failed && !o.quiet) {
    std::string parties = o.fail_on;
    std::replace(parties.begin(), parties.end(), ',', '/');
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.2f%%", rate);
    std::string limit = "none allowed";
    if (o.max_rate >= 0) {
      char lb[64];
      std::snprintf(lb, sizeof lb, "above --max-rate %g%%", o.max_rate);
      limit = lb;
    }
    ctx.err.line("vapidiag check: failed: " + with_commas(matched) + " of " + with_commas(calls) +
                 " ended calls (" + buf + ") have fault " + parties + ", " + limit);
  }
  return failed ? kExitFound : kExitOk;
}

}  // namespace vapidiag::cli
