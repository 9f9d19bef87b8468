#pragma once
// Private to the reader: the record framer. It finds where each record of a call log
// begins and ends without parsing it: it tracks string state (with backslash escapes)
// and {}/[] depth across chunk boundaries, counts lines, recognises the input's shape
// (top-level values, arrays of calls, {"results": [...]} exports) and cuts off broken
// records so that one bad record never swallows the rest of the input.
//
// The reference implementation is a byte-at-a-time state machine (framer.cpp). Inside a
// record, a block scanner (block_scan.hpp, compiled once per instruction set) takes
// over and handles 64 bytes at a time with bitmasks. A block scanner only advances
// through blocks in which nothing but string/escape/depth bookkeeping happens; any
// block that holds something the state machine would act on (a raw newline in a
// string, a backslash outside one, a newline inside a record of a line-delimited input,
// '{' in column 1, very deep nesting) is handed back to the state machine. Both paths
// therefore produce the same records and the same reports, whatever the chunking.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vapidiag::reader_detail {

// Readable bytes the caller keeps after the data it hands to the framer (block scanners
// load whole 64-byte blocks; simdjson needs SIMDJSON_PADDING too).
inline constexpr std::size_t kPadding = 64;
// Records nested deeper than this are reported instead of parsed.
inline constexpr std::int64_t kMaxDepth = 1024;

enum class Kernel : std::uint8_t { Auto, Scalar, Portable, Sse, Avx2 };
const char* kernel_name(Kernel k);
bool kernel_supported(Kernel k);
// The kernel Auto stands for: the best one this CPU runs, unless overridden.
Kernel resolve_kernel(Kernel k);
// Process-wide override of what Auto means (tests and benchmarks). Not thread-safe.
void set_kernel_override(Kernel k);

enum class LineMode : std::uint8_t {
  Unknown,  // no record completed yet
  Lines,    // the first record fit on one line: a newline inside a record cuts it off
  Multi,    // pretty-printed: a '{' in column 1 inside a record starts a new one
};

// The part of the framer's state that block scanners read and advance.
struct ScanState {
  std::int64_t depth = 0;  // open containers (absolute)
  std::int64_t base = 0;   // depth at which records start (0 top level, 1 in an array...)
  std::uint64_t line = 1;
  std::uint64_t line_start = 0;  // offset of the current line's first byte
  bool in_string = false;
  bool escape = false;  // the previous byte was an escaping backslash (in or out of a string)
  bool ended = false;   // set by a block scanner when the record closed
  LineMode mode = LineMode::Unknown;
};

// Scans [pos, end) of a record, whose bytes are at buf[offset - buf_offset], a block at
// a time. Returns where it stopped: end, one past the record's closing byte (and sets
// st.ended), or the start of a block the byte-wise state machine must handle.
using BlockScanner = std::uint64_t (*)(ScanState& st, const std::uint8_t* buf, std::uint64_t buf_offset,
                                       std::uint64_t pos, std::uint64_t end);

// Bitmasks of one 64-byte block (bit i = byte i).
struct Masks {
  std::uint64_t backslash;
  std::uint64_t quote;
  std::uint64_t open;   // '{' or '['
  std::uint64_t close;  // '}' or ']'
  std::uint64_t newline;
};

// Defined in the instruction-set specific files.
std::uint64_t scan_blocks_portable(ScanState&, const std::uint8_t*, std::uint64_t, std::uint64_t,
                                   std::uint64_t);
#if defined(__x86_64__) || defined(_M_X64)
#define VAPIDIAG_X86_KERNELS 1
std::uint64_t scan_blocks_sse(ScanState&, const std::uint8_t*, std::uint64_t, std::uint64_t, std::uint64_t);
std::uint64_t scan_blocks_avx2(ScanState&, const std::uint8_t*, std::uint64_t, std::uint64_t, std::uint64_t);
#endif

// The bytes '{' or '[' in [b, b + n), strings included: a bound on how deep a record
// nests, without framing it.
using OpeningCounter = std::uint64_t (*)(const std::uint8_t* b, std::size_t n);
std::uint64_t count_openings_portable(const std::uint8_t*, std::size_t);
#ifdef VAPIDIAG_X86_KERNELS
std::uint64_t count_openings_sse(const std::uint8_t*, std::size_t);
std::uint64_t count_openings_avx2(const std::uint8_t*, std::size_t);
#endif

// The functions of one kernel. The scalar kernel has no block scanner (nullptr: the
// byte-wise state machine does all) and counts openings with the portable code.
struct KernelFunctions {
  BlockScanner scan_blocks;
  OpeningCounter count_openings;
};
KernelFunctions kernel_functions(Kernel k);

struct Where {
  std::uint64_t offset = 0;
  std::uint64_t line = 0;
  std::uint64_t column = 0;
};

class FrameHandler {
 public:
  virtual ~FrameHandler() = default;
  // A complete object record; the bytes stay valid (with kPadding after them) during the
  // call. Return false to stop.
  virtual bool on_record(const std::uint8_t* data, std::size_t len, const Where& where) = 0;
  // Something counted as one unreadable record. Return false to stop.
  virtual bool on_bad(const Where& where, std::string_view message) = 0;
  // The input is not JSON at all; the framer stops.
  virtual void on_not_json(std::string_view message) = 0;
  // A run of text lines between top-level values (what clients print around their JSON,
  // e.g. "Listing calls..."): `lines` lines from `first`, the first one's start in sample.
  // Not records. An input with text and no JSON value is on_not_json instead.
  virtual void on_text(const Where& /*first*/, std::uint64_t /*lines*/, std::string_view /*sample*/) {}

  // With whole lines on (Framer::set_whole_lines): a line of a line-delimited input that
  // starts with '{' and ends with '}', offered whole before it is framed. The handler
  // takes it when simdjson reads it as one object with nothing after it; otherwise the
  // framer frames the line byte by byte as usual (and reports what is wrong with it).
  // data[0, len) is the record; data[0, line_len) the whole line, blanks and line break
  // included (data[line_len, line_len + kPadding) is readable too).
  enum class Whole : std::uint8_t { Declined, Taken, Stop };
  virtual Whole on_whole_line(const std::uint8_t* /*data*/, std::size_t /*len*/, std::size_t /*line_len*/,
                              const Where& /*where*/) {
    return Whole::Declined;
  }
};

class Framer {
 public:
  Framer(FrameHandler& handler, std::size_t max_record_bytes, Kernel kernel = Kernel::Auto);
  // ReadOptions::too_large_hint, said with the message about a record over the limit.
  void set_too_large_hint(std::string hint) { too_large_hint_ = std::move(hint); }

  // Scan the input up to offset `end`. buf holds the input from buf_offset on (at least
  // from keep_from()), followed by kPadding readable bytes. The first call must hold at
  // least 3 bytes unless the input is shorter (byte order mark). last: nothing follows
  // `end` (with whole lines, a line is otherwise not decided before its end is in).
  void feed(const std::uint8_t* buf, std::uint64_t buf_offset, std::uint64_t end, bool last = false);
  // The input ended at `end` (everything fed): report what is left open.
  void finish(const std::uint8_t* buf, std::uint64_t buf_offset, std::uint64_t end);
  // The input stopped at `end` on a read error (reported apart): a record it cut off is
  // reported as truncated, so that no record read in part goes uncounted; an array left open
  // is not reported again.
  void abandon(const std::uint8_t* buf, std::uint64_t buf_offset, std::uint64_t end);
  // First offset the caller must still hold before the next feed(). A record that grew
  // past max_record_bytes is dropped here (and reported when it ends).
  std::uint64_t keep_from(std::uint64_t end);
  bool stopped() const { return stopped_; }
  // Offer the lines of a line-delimited input to FrameHandler::on_whole_line before
  // framing them (the caller parses records at once, so it can tell whether they are
  // whole). A line is offered whatever the chunking: its start is held until its end is
  // in (up to max_record_bytes), so the results never depend on the read size.
  void set_whole_lines(bool on) { whole_lines_ = on; }
  // Start a framer of its own on one line of a line-delimited input, at w (a '{' where
  // the framer that offers whole lines stood): in the state that framer is in there.
  void begin_line(const Where& w);

 private:
  enum class Phase : std::uint8_t { Top, Rec, Token, Garbage };
  enum class Ctx : std::uint8_t { Stream, Array, Results };
  enum class Kind : std::uint8_t { Object, Array, String, Ignored };
  // Watching the first keys of a top-level object for "results": [ (an export).
  enum class Watch : std::uint8_t { Off, ExpectKey, InKey, AfterKey, ExpectValue, InValue };

  std::uint64_t step(std::uint64_t p, std::uint64_t lim, bool yield_to_blocks);
  std::uint64_t top_byte(std::uint64_t p, std::uint8_t c);
  std::uint64_t rec_byte(std::uint64_t p, std::uint8_t c);
  std::uint64_t other_byte(std::uint64_t p, std::uint8_t c);  // a byte without a role in framing
  // At a '{' of a line-delimited input: the end of the line taken whole, 0 to frame it,
  // or kWait to come back to it when more of the input is in.
  std::uint64_t whole_line(std::uint64_t p);
  static constexpr std::uint64_t kWait = ~std::uint64_t{0};
  bool blocks_ok() const { return phase_ == Phase::Rec && watch_ == Watch::Off && kind_ != Kind::String; }

  void start_record(std::uint64_t p, Kind kind);
  void end_record(std::uint64_t end);
  // A line of the file named relative to the record being read: "its line" (the record's
  // first), "line 3 of the record". Messages carry no file line numbers: the event's position
  // does, and stays right when a file is read in ranges.
  std::string record_line(std::uint64_t line) const;
  void cut_record(std::string message, bool resync);
  void newline(std::uint64_t p) {
    ++st_.line;
    st_.line_start = p + 1;
  }
  void start_garbage(std::uint64_t start, std::uint64_t p);
  static bool starts_text(std::uint8_t c);
  static bool looks_like_text(std::string_view s);
  void finish_token(std::uint64_t p);
  void finish_open(std::uint64_t end);  // a record or token still open at the end
  void flush_pending();
  void close_array(std::uint64_t p);
  void bad(const Where& w, std::string_view message);
  void not_json(std::uint8_t c);
  void watch_key_byte(std::uint8_t c);
  bool watch_value_start(std::uint8_t c);  // true: the record became an export

  Where where(std::uint64_t p) const { return Where{p, st_.line, p - st_.line_start + 1}; }
  const std::uint8_t* ptr(std::uint64_t p) const { return buf_ + (p - buf_offset_); }

  FrameHandler& h_;
  std::uint64_t max_record_;
  std::string too_large_hint_;  // ReadOptions::too_large_hint
  BlockScanner scanner_;
  OpeningCounter count_openings_;

  const std::uint8_t* buf_ = nullptr;
  std::uint64_t buf_offset_ = 0;
  std::uint64_t data_end_ = 0;

  ScanState st_;
  std::uint64_t pos_ = 0;
  Phase phase_ = Phase::Top;
  Ctx ctx_ = Ctx::Stream;
  Kind kind_ = Kind::Object;
  bool started_ = false;         // past the byte order mark check
  bool seen_value_ = false;      // a top-level '{' or '[' was seen
  bool seen_text_ = false;       // text lines came before any value
  std::uint8_t first_byte_ = 0;  // the first non-blank byte, for the not-JSON message
  bool stopped_ = false;
  bool whole_lines_ = false;
  bool last_ = false;     // feed(): nothing follows this data
  bool waiting_ = false;  // feed() stopped at a line whose end is not in yet

  // Current record.
  Where rec_;
  bool dropped_ = false;  // grew past max_record_bytes: bytes no longer kept
  bool too_deep_ = false;
  std::uint64_t elem_column_ = 0;    // column of the first record in this context (resync)
  std::uint64_t stream_column_ = 0;  // elem_column_ of the top level while inside an array

  // Arrays of records.
  bool expect_elem_ = false;  // after '[' or ','
  bool after_comma_ = false;
  Where comma_;

  // Top-level scalars (numbers, true, false, null).
  std::uint64_t tok_start_ = 0;
  Where tok_;

  // A run of lines that are not JSON, reported once when it ends.
  bool garbage_open_ = false;
  bool garbage_text_ = false;  // the run is text between top-level values, not a bad record
  Where garbage_;
  std::uint64_t garbage_lines_ = 0;
  std::string garbage_sample_;  // raw bytes of the run's first line (up to kSampleBytes)
  bool sampling_ = false;
  static constexpr std::size_t kSampleBytes = 48;

  // A broken record of a pretty-printed input whose remaining lines are being skipped.
  bool resync_ = false;
  Where cut_where_;
  std::string cut_message_;
  std::uint64_t cut_skipped_lines_ = 0;

  // Export detection.
  Watch watch_ = Watch::Off;
  std::uint8_t key_len_ = 0;
  bool key_results_ = false;
  bool key_metadata_ = false;
};

std::string format_limit(std::uint64_t bytes);

}  // namespace vapidiag::reader_detail
