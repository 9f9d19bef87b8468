// Options, inputs and stderr messages shared by diagnose, summary and check.

#include "log_options.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "vapidiag/matcher.hpp"
#include "vapidiag/report.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag::cli {
namespace {

constexpr std::uint64_t kMaxBadMessages = 100;

// Accepts a full ISO 8601 timestamp or a bare date (midnight UTC).
// "Now" for relative times: VAPIDIAG_NOW (ISO 8601; tests pin it), else the clock.
std::int64_t now_ms() {
  if (const char* pinned = std::getenv("VAPIDIAG_NOW"); pinned != nullptr && *pinned != '\0') {
    const std::int64_t t = parse_iso8601_ms(pinned);
    if (t != kNoTime) return t;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ISO 8601 (a date alone is its midnight UTC), or relative to now: 30m, 24h, 7d ago; today,
// yesterday (their midnight UTC); now.
std::int64_t parse_time_option(const std::string& s) {
  if (s.empty()) return kNoTime;
  constexpr std::int64_t kDay = 86400000;
  if (s == "now") return now_ms();
  if (s == "today" || s == "yesterday") {
    const std::int64_t midnight = now_ms() / kDay * kDay;
    return s == "today" ? midnight : midnight - kDay;
  }
  if (s.size() >= 2 && std::isdigit(static_cast<unsigned char>(s[0])) &&
      s.find_first_not_of("0123456789") == s.size() - 1) {
    const char unit = s.back();
    const std::int64_t scale = unit == 'm' ? 60000 : unit == 'h' ? 3600000 : unit == 'd' ? kDay : 0;
    const long long n = std::atoll(s.c_str());
    if (scale && n <= 36500) return now_ms() - n * scale;
  }
  std::int64_t t = parse_iso8601_ms(s);
  if (t == kNoTime && s.size() == 10) t = parse_iso8601_ms(s + "T00:00:00Z");
  return t;
}

}  // namespace

bool make_read_options(const LogOptions& o, Context& ctx, LogReadOptions* out) {
  CallFilter& f = out->filter;
  if (!o.symptom.empty()) f.symptom = parse_symptom(o.symptom);
  if (!o.fault.empty()) f.fault = parse_fault(o.fault);
  f.component = o.component;
  if (!o.code_glob.empty()) {
    std::array<char, 256> buf{};
    f.code_glob = std::string(normalize_code(o.code_glob, buf.data(), buf.size()));
  }
  f.failures_only = o.failures_only;
  f.since = parse_time_option(o.since);
  f.until = parse_time_option(o.until);
  if ((!o.since.empty() && f.since == kNoTime) || (!o.until.empty() && f.until == kNoTime)) {
    ctx.err.line(
        "vapidiag: --since/--until take an ISO 8601 time such as 2024-06-30 or 2024-06-30T03:00:00Z, or 24h, "
        "7d, "
        "30m, today, yesterday");
    return false;
  }
  if (f.since != kNoTime && f.until != kNoTime && f.since >= f.until)
    ctx.err.line("vapidiag: warning: --since " + o.since + " is not before --until " + o.until +
                 ": no call can pass the filters");
  for (const auto& [name, value] : o.thresholds) out->thresholds.set(name, value);
  out->dedupe.exact = o.dedupe_exact;
  out->dedupe.window_ms = static_cast<std::int64_t>(o.dedupe_window_s * 1000);
  out->read.max_record_bytes = static_cast<std::size_t>(std::max(0.001, o.max_record_mb) * 1024 * 1024);
  out->read.too_large_hint = "raise it with --max-record-mb";
  out->jobs = std::max<std::size_t>(1, o.jobs);
  out->stdin_fd = ctx.env.in_fd;
  out->max_bad_reports = kMaxBadMessages;
  return true;
}

namespace {

// A summary written by `vapidiag summary --format json` begins with these keys.
bool is_saved_summary(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char head[256];
  const std::size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  const std::string_view h(head, n);
  const std::size_t brace = h.find_first_not_of(" \t\r\n");
  return brace != std::string_view::npos && h[brace] == '{' &&
         h.find("\"schema_version\"") != std::string_view::npos &&
         (h.find("\"kind\": \"summary\"") != std::string_view::npos ||
          h.find("\"kind\":\"summary\"") != std::string_view::npos);
}

}  // namespace

bool resolve_inputs(const LogOptions& o, Context& ctx, std::vector<std::string>* inputs) {
  // A saved summary given as a call log would read as one record and no calls.
  for (const std::string& f : o.files) {
    if (f != "-" && is_saved_summary(f)) {
      ctx.err.line("vapidiag: " + f +
                   ": a summary written by vapidiag, not a call log; to combine summaries: " +
                   "vapidiag summary --merge FILE...");
      return false;
    }
  }
  *inputs = o.files;
  if (inputs->empty()) {
    if (ctx.env.in_is_tty) {
      ctx.err.line("vapidiag: no input: name call-log files, or pipe call JSON to stdin (see --help)");
      return false;
    }
    inputs->push_back("-");
  }
  return true;
}

void StderrEvents::on_bad_record(const BadRecord& b) {
  if (quiet) return;
  clear_progress();
  const Style& st = ctx_.err_style;
  ctx_.err.line(std::string(st.bold()) + "vapidiag: " + std::string(b.file) + ":" +
                std::to_string(b.pos.line) + ":" + std::to_string(b.pos.column) + std::string(st.reset()) +
                ": record " + std::to_string(b.pos.record) + " (byte " + std::to_string(b.pos.offset) +
                "): " + std::string(st.red()) + "unreadable" + std::string(st.reset()) + ": " +
                std::string(b.message) + "; skipped");
  if (b.number == kMaxBadMessages)
    ctx_.err.line("vapidiag: further unreadable records are counted but not shown");
}

void StderrEvents::on_file_error(std::string_view file, std::string_view message) {
  if (quiet) return;
  clear_progress();
  const Style& st = ctx_.err_style;
  ctx_.err.line(std::string(st.bold()) + "vapidiag: " + std::string(file) + std::string(st.reset()) + ": " +
                std::string(st.red()) + "error" + std::string(st.reset()) + ": " + std::string(message));
}

void StderrEvents::on_record_warning(const BadRecord& b) {
  if (quiet) return;
  clear_progress();
  const Style& st = ctx_.err_style;
  ctx_.err.line(std::string(st.bold()) + "vapidiag: " + std::string(b.file) + ":" +
                std::to_string(b.pos.line) + ":" + std::to_string(b.pos.column) + std::string(st.reset()) +
                ": record " + std::to_string(b.pos.record) + ": " + std::string(st.yellow()) + "warning" +
                std::string(st.reset()) + ": " + std::string(b.message));
}

void StderrEvents::on_text_lines(std::string_view file, std::uint64_t first_line, std::uint64_t lines,
                                 std::string_view sample) {
  if (quiet) return;
  clear_progress();
  const Style& st = ctx_.err_style;
  ctx_.err.line(std::string(st.bold()) + "vapidiag: " + std::string(file) + ":" + std::to_string(first_line) +
                std::string(st.reset()) + ": " + std::string(st.yellow()) + "warning" +
                std::string(st.reset()) + ": skipped " + with_commas(lines) +
                (lines == 1 ? " line" : " lines") + " of text around the JSON (the first: \"" +
                std::string(sample) + "\")");
}

void StderrEvents::on_progress(std::string_view file, std::uint64_t bytes, std::uint64_t calls) {
  if (!ctx_.env.err_is_tty) return;
  const auto now = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(now - start_).count();
  if (secs < 1.0 || now - last_progress_ < std::chrono::milliseconds(200)) return;
  last_progress_ = now;
  char line[160];
  std::snprintf(line, sizeof line, "\r%s  %.1f MB read, %s calls, %.0f MB/s ", std::string(file).c_str(),
                static_cast<double>(bytes) / 1e6, with_commas(calls).c_str(),
                static_cast<double>(bytes) / 1e6 / secs);
  ctx_.err.write(line);
  std::fflush(ctx_.env.err);
  progress_shown_ = true;
}

void StderrEvents::clear_progress() {
  if (!progress_shown_) return;
  ctx_.err.write("\r\x1b[K");
  progress_shown_ = false;
}

void report_skipped(const LogResult& r, Context& ctx) {
  std::string what;
  if (r.stats.unreadable)
    what = with_commas(r.stats.unreadable) + " unreadable record" + (r.stats.unreadable == 1 ? "" : "s") +
           " of " + with_commas(r.stats.records);
  if (r.stats.file_errors)
    what += (what.empty() ? "" : " and ") + with_commas(r.stats.file_errors) + " unreadable input" +
            (r.stats.file_errors == 1 ? "" : "s");
  if (!what.empty()) ctx.err.line("vapidiag: skipped " + what);
  if (r.stats.records == 0 && r.stats.file_errors == 0)
    ctx.err.line(std::string("vapidiag: warning: ") + (r.files == 1 ? "the input holds" : "the inputs hold") +
                 " no records (empty, or only blanks)");
}

int input_exit(const LogResult& r) {
  return (r.stats.file_errors || r.stats.unreadable) ? kExitInput : kExitOk;
}

}  // namespace vapidiag::cli
