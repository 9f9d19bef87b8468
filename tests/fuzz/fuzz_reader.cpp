// Any bytes as a call-log file. Input layout: 2 bytes choose ReadOptions::chunk_bytes
// (1..4096) and, by the top bit, framing on a second thread; 1 flag byte chooses the
// framer kernel and sometimes a tiny max_record_bytes; the rest is the file. The sink
// checks every report as it happens, and the same file read in one 1 MiB chunk on one
// thread (and with the scalar reference kernel) must give the same stats and the same
// sequence of reports. Lines of line-delimited input are offered whole (ReadOptions::
// whole_lines) in every run: on one thread they are parsed first, on two they are framed
// first, and a line is not always offered in the same buffer, so the runs also check
// that whole lines do not depend on the chunking or the thread.

#include <algorithm>
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "framer.hpp"  // private to the reader: kernel override, to compare kernels
#include "fuzz_util.hpp"
#include "vapidiag/reader.hpp"

using namespace vapidiag;
namespace rd = vapidiag::reader_detail;

namespace {

// 1-based line and column of byte `offset`, counted the way a text editor does (a
// byte order mark takes no column).
struct LineIndex {
  explicit LineIndex(std::string_view d) : bom(d.substr(0, 3) == "\xEF\xBB\xBF") {
    for (std::size_t i = 0; i < d.size(); ++i)
      if (d[i] == '\n') newlines.push_back(i);
  }
  std::vector<std::size_t> newlines;
  std::uint64_t line_of(std::uint64_t off) const {
    return 1 + static_cast<std::uint64_t>(std::lower_bound(newlines.begin(), newlines.end(), off) -
                                          newlines.begin());
  }
  std::uint64_t column_of(std::uint64_t off) const {
    const auto it = std::lower_bound(newlines.begin(), newlines.end(), off);
    if (it != newlines.begin()) return off - *(it - 1);
    return bom && off >= 3 ? off - 2 : off + 1;
  }
  bool bom;
};

class CheckingSink : public RecordSink {
 public:
  CheckingSink(std::string_view data, const LineIndex& lines) : data_(data), lines_(lines) {}

  void on_call(const CallRecord& rec, const RecordPos& pos) override {
    check_pos(pos, "call");
    ++calls;
    FUZZ_CHECK(rec.has_ended_reason, "on_call for record %" PRIu64 " without an endedReason", pos.record);
    std::string e = "call #" + std::to_string(pos.record) + " @" + where(pos) +
                    " shape=" + std::to_string(static_cast<int>(rec.shape)) + " reason=" + rec.ended_reason +
                    " id=" + rec.id + " status=" + rec.status + " type=" + rec.type +
                    " t=" + std::to_string(rec.created_at) + "/" + std::to_string(rec.started_at) + "/" +
                    std::to_string(rec.ended_at) + " turns=" + std::to_string(rec.user_turns) + "/" +
                    std::to_string(rec.bot_turns) + " transfers=" + std::to_string(rec.transfers.size());
    events.push_back(std::move(e));
  }

  void on_bad_record(std::string_view file, const RecordPos& pos, std::string_view message) override {
    check_pos(pos, "bad record");
    ++bad;
    FUZZ_CHECK(file == kName, "bad record reported for file '%.*s'", static_cast<int>(file.size()),
               file.data());
    FUZZ_CHECK(!message.empty(), "bad record %" PRIu64 " without a message", pos.record);
    events.push_back("bad #" + std::to_string(pos.record) + " @" + where(pos) + " " + std::string(message));
  }

  void on_file_error(std::string_view file, std::string_view message) override {
    ++file_errors;
    FUZZ_CHECK(file == kName, "file error reported for file '%.*s'", static_cast<int>(file.size()),
               file.data());
    FUZZ_CHECK(!message.empty(), "file error without a message");
    events.push_back("file-error " + std::string(message));
  }

  void on_progress(std::uint64_t bytes, std::uint64_t) override {
    FUZZ_CHECK(bytes <= data_.size(), "progress %" PRIu64 " past the input size %zu", bytes, data_.size());
    FUZZ_CHECK(bytes >= last_progress_, "progress went backwards");
    last_progress_ = bytes;
  }

  static constexpr std::string_view kName = "fuzz.json";
  std::vector<std::string> events;
  std::uint64_t calls = 0, bad = 0, file_errors = 0;
  std::uint64_t last_record = 0;

 private:
  static std::string where(const RecordPos& p) {
    return std::to_string(p.offset) + "(" + std::to_string(p.line) + ":" + std::to_string(p.column) + ")";
  }

  void check_pos(const RecordPos& pos, const char* what) {
    FUZZ_CHECK(pos.record > last_record, "%s record number %" PRIu64 " after %" PRIu64 " (not increasing)",
               what, pos.record, last_record);
    last_record = pos.record;
    FUZZ_CHECK(pos.offset <= data_.size(), "%s #%" PRIu64 " offset %" PRIu64 " past the input size %zu", what,
               pos.record, pos.offset, data_.size());
    FUZZ_CHECK(pos.offset >= last_offset_, "%s #%" PRIu64 " offset %" PRIu64 " before the previous %" PRIu64,
               what, pos.record, pos.offset, last_offset_);
    last_offset_ = pos.offset;
    FUZZ_CHECK(pos.line == lines_.line_of(pos.offset) && pos.column == lines_.column_of(pos.offset),
               "%s #%" PRIu64 " at offset %" PRIu64 " reported as %" PRIu64 ":%" PRIu64
               ", the input says %" PRIu64 ":%" PRIu64,
               what, pos.record, pos.offset, pos.line, pos.column, lines_.line_of(pos.offset),
               lines_.column_of(pos.offset));
  }

  std::string_view data_;
  const LineIndex& lines_;
  std::uint64_t last_offset_ = 0;
  std::uint64_t last_progress_ = 0;
};

struct Run {
  ReadStats stats;
  std::vector<std::string> events;
};

Run read(std::string_view data, const LineIndex& lines, const ReadOptions& opts, rd::Kernel kernel) {
  rd::set_kernel_override(kernel);
  CheckingSink sink(data, lines);
  const ReadStats s = read_buffer(data, CheckingSink::kName, sink, opts);
  rd::set_kernel_override(rd::Kernel::Auto);

  FUZZ_CHECK(s.records == s.calls + s.not_ended + s.skipped + s.unreadable,
             "records %" PRIu64 " != calls %" PRIu64 " + not_ended %" PRIu64 " + skipped %" PRIu64
             " + unreadable %" PRIu64,
             s.records, s.calls, s.not_ended, s.skipped, s.unreadable);
  FUZZ_CHECK(s.calls == sink.calls, "stats.calls %" PRIu64 " but on_call ran %" PRIu64 " times", s.calls,
             sink.calls);
  FUZZ_CHECK(s.unreadable == sink.bad, "stats.unreadable %" PRIu64 " but on_bad_record ran %" PRIu64 " times",
             s.unreadable, sink.bad);
  FUZZ_CHECK(s.file_errors == sink.file_errors,
             "stats.file_errors %" PRIu64 " but on_file_error ran %" PRIu64, s.file_errors, sink.file_errors);
  FUZZ_CHECK(sink.last_record <= s.records, "record number %" PRIu64 " reported, only %" PRIu64 " records",
             sink.last_record, s.records);
  // An input that is not JSON stops the reader: bytes then counts what was read so far,
  // which depends on the chunk size (reported as a known difference; not compared).
  if (s.file_errors == 0)
    FUZZ_CHECK(s.bytes == data.size(), "stats.bytes %" PRIu64 " for an input of %zu bytes", s.bytes,
               data.size());
  else
    FUZZ_CHECK(s.bytes <= data.size(), "stats.bytes %" PRIu64 " for an input of %zu bytes", s.bytes,
               data.size());
  return {s, std::move(sink.events)};
}

std::string stats_text(const ReadStats& s) {
  return (s.file_errors ? std::string() : "bytes=" + std::to_string(s.bytes)) +
         " records=" + std::to_string(s.records) + " calls=" + std::to_string(s.calls) +
         " not_ended=" + std::to_string(s.not_ended) + " skipped=" + std::to_string(s.skipped) +
         " unreadable=" + std::to_string(s.unreadable) + " file_errors=" + std::to_string(s.file_errors);
}

void compare(const Run& a, const Run& b, const char* what) {
  const std::string sa = stats_text(a.stats), sb = stats_text(b.stats);
  FUZZ_CHECK(sa == sb, "%s: stats differ:\n    %s\n    %s", what, sa.c_str(), sb.c_str());
  const std::size_t n = std::min(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < n; ++i)
    FUZZ_CHECK(a.events[i] == b.events[i], "%s: report %zu differs:\n    %s\n    %s", what, i,
               a.events[i].c_str(), b.events[i].c_str());
  FUZZ_CHECK(a.events.size() == b.events.size(), "%s: %zu reports vs %zu", what, a.events.size(),
             b.events.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  ReadOptions opts;
  opts.chunk_bytes = 1 + ((static_cast<std::size_t>(data[0]) << 8 | data[1]) % 4096);
  // The top bit of the first byte (unused by the chunk size): frame on a second thread.
  opts.pipeline = (data[0] & 0x80) != 0;
  // By the chunk size modulo 3: the framing thread parses every record it can, or none,
  // or those it sends while the caller is behind (the default).
  opts.share_backlog = opts.chunk_bytes % 3 == 0   ? 0
                       : opts.chunk_bytes % 3 == 1 ? SIZE_MAX
                                                   : opts.share_backlog;
  const std::uint8_t flags = data[2];
  // One input in four gets a tiny record limit (16..1000 bytes) to exercise oversized records.
  if ((flags & 3) == 0) opts.max_record_bytes = 16 + (flags >> 2) * 16;
  constexpr rd::Kernel kKernels[] = {rd::Kernel::Auto, rd::Kernel::Scalar, rd::Kernel::Portable,
                                     rd::Kernel::Sse, rd::Kernel::Avx2};
  rd::Kernel kernel = kKernels[(flags >> 2) % 5];
  if (!rd::kernel_supported(kernel)) kernel = rd::Kernel::Auto;

  // The file is the tail of libFuzzer's buffer, so reading past its end is an ASan error.
  const std::string_view file(reinterpret_cast<const char*>(data + 3), size - 3);
  const LineIndex lines(file);

  const Run chunked = read(file, lines, opts, kernel);
  ReadOptions whole = opts;
  whole.chunk_bytes = 1u << 20;
  whole.pipeline = false;
  const Run one = read(file, lines, whole, kernel);
  compare(chunked, one, "small chunks vs one chunk");
  if (rd::resolve_kernel(kernel) != rd::Kernel::Scalar) {
    const Run scalar = read(file, lines, whole, rd::Kernel::Scalar);
    compare(one, scalar, "block kernel vs scalar state machine");
  }
  return 0;
}
