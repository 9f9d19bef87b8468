#include "framer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string_view>

namespace vapidiag::reader_detail {

namespace {

Kernel g_override = Kernel::Auto;

bool is_ws(std::uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_scalar_start(std::uint8_t c) {
  return c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n';
}
bool ends_token(std::uint8_t c) {
  return is_ws(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == '"' || c == ':';
}
constexpr std::uint64_t kMaxToken = 40;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i == n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (is_digit(s[i])) {
    while (i < n && is_digit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (i == n || !is_digit(s[i])) return false;
    while (i < n && is_digit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i == n || !is_digit(s[i])) return false;
    while (i < n && is_digit(s[i])) ++i;
  }
  return i == n;
}

// "a number", "a boolean", "null", or nullptr when the token is not a JSON scalar.
const char* scalar_kind(std::string_view tok) {
  if (tok == "true" || tok == "false") return "a boolean";
  if (tok == "null") return "null";
  if (is_json_number(tok)) return "a number";
  return nullptr;
}

std::string printable_sample(const std::uint8_t* p, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t c = p[i];
    if (c == '\n' || c == '\r') break;
    if (out.size() >= 30) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02X}", c);
    }
  }
  return out;
}

const char* plural(std::uint64_t n) { return n == 1 ? "" : "s"; }

}  // namespace

std::string format_limit(std::uint64_t bytes) {
  constexpr std::uint64_t kKiB = 1024;
  constexpr std::uint64_t kMiB = 1024 * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return fmt::format("{} MiB", bytes / kMiB);
  if (bytes >= kMiB) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / static_cast<double>(kMiB));
  if (bytes >= kKiB && bytes % kKiB == 0) return fmt::format("{} KiB", bytes / kKiB);
  return fmt::format("{} bytes", bytes);
}

const char* kernel_name(Kernel k) {
  switch (k) {
    case Kernel::Auto:
      return "auto";
    case Kernel::Scalar:
      return "scalar";
    case Kernel::Portable:
      return "portable";
    case Kernel::Sse:
      return "sse";
    case Kernel::Avx2:
      return "avx2";
  }
  return "?";
}

bool kernel_supported(Kernel k) {
  switch (k) {
    case Kernel::Auto:
    case Kernel::Scalar:
    case Kernel::Portable:
      return true;
#ifdef VAPIDIAG_X86_KERNELS
    case Kernel::Sse:
      return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("popcnt");
    case Kernel::Avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul") &&
             __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi");
#endif
    default:
      return false;
  }
}

Kernel resolve_kernel(Kernel k) {
  if (k == Kernel::Auto) k = g_override;
  if (k != Kernel::Auto) return kernel_supported(k) ? k : Kernel::Portable;
  if (kernel_supported(Kernel::Avx2)) return Kernel::Avx2;
  if (kernel_supported(Kernel::Sse)) return Kernel::Sse;
  return Kernel::Portable;
}

void set_kernel_override(Kernel k) { g_override = k; }

KernelFunctions kernel_functions(Kernel k) {
  switch (resolve_kernel(k)) {
    case Kernel::Scalar:
      return {nullptr, &count_openings_portable};
#ifdef VAPIDIAG_X86_KERNELS
    case Kernel::Sse:
      return {&scan_blocks_sse, &count_openings_sse};
    case Kernel::Avx2:
      return {&scan_blocks_avx2, &count_openings_avx2};
#endif
    default:
      return {&scan_blocks_portable, &count_openings_portable};
  }
}

Framer::Framer(FrameHandler& handler, std::size_t max_record_bytes, Kernel kernel)
    : h_(handler),
      max_record_(max_record_bytes),
      scanner_(kernel_functions(kernel).scan_blocks),
      count_openings_(kernel_functions(kernel).count_openings) {}

void Framer::feed(const std::uint8_t* buf, std::uint64_t buf_offset, std::uint64_t end, bool last) {
  buf_ = buf;
  buf_offset_ = buf_offset;
  data_end_ = end;
  last_ = last;
  waiting_ = false;
  std::uint64_t p = pos_;
  if (!started_ && p < end) {
    started_ = true;
    if (end >= 3 && ptr(0)[0] == 0xEF && ptr(0)[1] == 0xBB && ptr(0)[2] == 0xBF) {
      p = 3;  // UTF-8 byte order mark: not part of the first line's columns
      st_.line_start = 3;
    }
  }
  while (p < end && !stopped_ && !waiting_) {
    if (scanner_ != nullptr && blocks_ok()) {
      p = scanner_(st_, buf_, buf_offset_, p, end);
      if (st_.ended) {
        st_.ended = false;
        end_record(p);
        continue;
      }
      if (p >= end) break;
      // The block at p needs the state machine.
      p = step(p, std::min<std::uint64_t>(p + 64, end), false);
      continue;
    }
    p = step(p, end, scanner_ != nullptr);
  }
  pos_ = std::max(p, pos_);
}

std::uint64_t Framer::step(std::uint64_t p, std::uint64_t lim, bool yield_to_blocks) {
  while (p < lim && !stopped_ && !waiting_) {
    switch (phase_) {
      case Phase::Rec:
        p = rec_byte(p, *ptr(p));
        break;
      case Phase::Top:
        p = top_byte(p, *ptr(p));
        break;
      case Phase::Token:
        if (ends_token(*ptr(p))) {
          finish_token(p);  // the delimiter is read again in the next phase
        } else if (++p - tok_start_ > kMaxToken) {
          start_garbage(tok_start_, p);
        }
        break;
      case Phase::Garbage: {
        const void* nl = std::memchr(ptr(p), '\n', lim - p);
        if (sampling_) {
          const std::uint64_t upto =
              nl == nullptr ? lim
                            : p + static_cast<std::uint64_t>(static_cast<const std::uint8_t*>(nl) - ptr(p));
          const std::size_t room = kSampleBytes - std::min(kSampleBytes, garbage_sample_.size());
          garbage_sample_.append(reinterpret_cast<const char*>(ptr(p)),
                                 static_cast<std::size_t>(std::min<std::uint64_t>(upto - p, room)));
          if (nl != nullptr || garbage_sample_.size() >= kSampleBytes) sampling_ = false;
        }
        if (nl == nullptr) {
          p = lim;
        } else {
          const std::uint64_t q =
              p + static_cast<std::uint64_t>(static_cast<const std::uint8_t*>(nl) - ptr(p));
          newline(q);
          phase_ = Phase::Top;
          p = q + 1;
        }
        break;
      }
    }
    if (yield_to_blocks && blocks_ok()) break;
  }
  return p;
}

std::uint64_t Framer::top_byte(std::uint64_t p, std::uint8_t c) {
  if (is_ws(c)) {
    if (c == '\n') newline(p);
    return p + 1;
  }
  if (!seen_value_) {
    if (c == '{' || c == '[') {
      seen_value_ = true;
    } else {
      // Text before the first value: lines a client printed before its JSON ("Listing
      // calls..."). Markup, a bare value or binary data as the first byte is no such text.
      if (!seen_text_) {
        first_byte_ = c;
        if (!starts_text(c)) {
          not_json(c);
          return data_end_;
        }
        seen_text_ = true;
      }
      start_garbage(p, p);
      return p;
    }
  }
  if (resync_) {
    // Skipping the rest of a broken record: only a container opening no further right
    // than where records start (or the array's closing bracket) ends that.
    const std::uint64_t col = p - st_.line_start + 1;
    const bool open = (c == '{' || c == '[') && col <= elem_column_;
    const bool close = c == ']' && ctx_ != Ctx::Stream && col <= elem_column_;
    if (!open && !close) {
      ++cut_skipped_lines_;
      phase_ = Phase::Garbage;
      return p;
    }
  }
  switch (ctx_) {
    case Ctx::Stream:
      if (c == '{') {
        flush_pending();
        if (whole_lines_ && st_.mode == LineMode::Lines) {
          const std::uint64_t end = whole_line(p);
          if (end == kWait) {
            waiting_ = true;
            return p;
          }
          if (end != 0) return end;
        }
        start_record(p, Kind::Object);
        watch_ = Watch::ExpectKey;
        return p + 1;
      }
      if (c == '[') {
        flush_pending();
        ctx_ = Ctx::Array;
        st_.base = 1;
        st_.depth = 1;
        expect_elem_ = true;
        after_comma_ = false;
        stream_column_ = elem_column_;
        elem_column_ = 0;
        return p + 1;
      }
      break;
    case Ctx::Array:
    case Ctx::Results:
      if (c == ']') {
        flush_pending();
        close_array(p);
        return p + 1;
      }
      if (c == ',') {
        flush_pending();
        if (expect_elem_) {
          bad(where(p), "stray ',' in an array (an empty element)");
          after_comma_ = false;
        } else {
          after_comma_ = true;
          comma_ = where(p);
        }
        expect_elem_ = true;
        return p + 1;
      }
      if (c == '{' || c == '[') {
        flush_pending();
        start_record(p, c == '{' ? Kind::Object : Kind::Array);
        return p + 1;
      }
      break;
  }
  if (c == '"') {
    flush_pending();
    start_record(p, Kind::String);
    st_.in_string = true;
    return p + 1;
  }
  if (is_scalar_start(c)) {
    tok_start_ = p;
    tok_ = where(p);
    phase_ = Phase::Token;
    return p + 1;
  }
  start_garbage(p, p);
  return p;
}

std::uint64_t Framer::rec_byte(std::uint64_t p, std::uint8_t c) {
  if (st_.in_string) {
    if (c == '\n') {
      // JSON strings never hold a raw line break: the record was cut off on this line.
      newline(p);
      cut_record("truncated or broken record: " + record_line(st_.line - 1) + " ends inside a string", true);
      return p + 1;
    }
    if (st_.escape) {
      st_.escape = false;
      if (watch_ == Watch::InKey) watch_key_byte(0);
      return p + 1;
    }
    if (c == '\\') {
      st_.escape = true;
      return p + 1;
    }
    if (c == '"') {
      st_.in_string = false;
      if (kind_ == Kind::String) {
        end_record(p + 1);
      } else if (watch_ == Watch::InKey) {
        const bool results = key_results_ && key_len_ == 7;
        const bool metadata = key_metadata_ && key_len_ == 8;
        watch_ = (results || metadata) ? Watch::AfterKey : Watch::Off;
      }
      return p + 1;
    }
    if (watch_ == Watch::InKey) watch_key_byte(c);
    return p + 1;
  }
  // Outside strings (only in a malformed record), a backslash escapes the next byte as
  // it does in simdjson's first pass: an escaped quote starts no string, and a run of
  // backslashes pairs up. Brackets count all the same. So the framer and simdjson always
  // agree on where strings are.
  if (st_.escape) {
    st_.escape = false;
    if (c == '"' || c == '\\') return other_byte(p, c);
  } else if (c == '\\') {
    st_.escape = true;
    return other_byte(p, c);
  }
  switch (c) {
    case '"':
      st_.in_string = true;
      if (watch_ != Watch::Off && st_.depth == 1) {
        if (watch_ == Watch::ExpectKey) {
          watch_ = Watch::InKey;
          key_len_ = 0;
          key_results_ = true;
          key_metadata_ = true;
        } else if (watch_ == Watch::ExpectValue) {
          watch_value_start(c);
        }
      }
      return p + 1;
    case '{':
    case '[':
      if (c == '{' && p == st_.line_start && st_.mode != LineMode::Lines && kind_ != Kind::Ignored) {
        cut_record(
            "truncated record: the next record starts on " + record_line(st_.line) + ", before it ended",
            false);
        return p;  // read again as the start of the next record
      }
      if (watch_ == Watch::ExpectValue && st_.depth == 1 && watch_value_start(c)) return p + 1;
      ++st_.depth;
      if (st_.depth - st_.base > kMaxDepth) too_deep_ = true;
      return p + 1;
    case '}':
    case ']':
      --st_.depth;
      if (st_.depth == st_.base) end_record(p + 1);
      return p + 1;
    case '\n':
      newline(p);
      if (st_.mode == LineMode::Lines && kind_ != Kind::Ignored) {
        cut_record("truncated or unbalanced record: " + record_line(st_.line - 1) + " ends inside " +
                       (kind_ == Kind::Array ? "an array" : "an object"),
                   true);
      }
      return p + 1;
    case ',':
      if (watch_ == Watch::InValue && st_.depth == 1) watch_ = Watch::ExpectKey;
      return p + 1;
    case ':':
      if (watch_ == Watch::AfterKey && st_.depth == 1) watch_ = Watch::ExpectValue;
      return p + 1;
    default:
      return other_byte(p, c);
  }
}

std::uint64_t Framer::other_byte(std::uint64_t p, std::uint8_t c) {
  if (watch_ == Watch::ExpectValue && st_.depth == 1 && !is_ws(c)) watch_value_start(c);
  return p + 1;
}

void Framer::watch_key_byte(std::uint8_t c) {
  static constexpr char kResults[] = "results";
  static constexpr char kMetadata[] = "metadata";
  if (key_len_ >= 8) {
    key_results_ = false;
    key_metadata_ = false;
    return;
  }
  key_results_ = key_results_ && key_len_ < 7 && c == static_cast<std::uint8_t>(kResults[key_len_]);
  key_metadata_ = key_metadata_ && c == static_cast<std::uint8_t>(kMetadata[key_len_]);
  ++key_len_;
}

bool Framer::watch_value_start(std::uint8_t c) {
  if (key_results_ && key_len_ == 7) {
    watch_ = Watch::Off;
    if (c != '[') return false;
    // {"results": [...]}: an export (GET /v2/call). Its elements are the records; the
    // object itself is not one.
    ctx_ = Ctx::Results;
    phase_ = Phase::Top;
    st_.base = 2;
    st_.depth = 2;
    expect_elem_ = true;
    after_comma_ = false;
    stream_column_ = elem_column_;
    elem_column_ = 0;
    return true;
  }
  watch_ = Watch::InValue;  // "metadata": keep looking for "results" after it
  return false;
}

namespace {

bool starts_with(const std::uint8_t* b, std::size_t n, std::string_view s) {
  return n >= s.size() && std::memcmp(b, s.data(), s.size()) == 0;
}

}  // namespace

// The rest of the line from the '{' at p, blanks at its end aside, is offered whole when
// it ends with '}' and is not something the framer treats specially: larger than the
// record limit, possibly nested too deep, or possibly an export ({"results": ...} or
// {"metadata": ...} first). Whether a line is offered depends on its bytes alone: when
// its end is not in yet, the framer waits for more input (kWait) unless the line already
// outgrew the limit.
std::uint64_t Framer::whole_line(std::uint64_t p) {
  const std::uint8_t* b = ptr(p);
  const std::size_t avail = static_cast<std::size_t>(data_end_ - p);
  const void* nl = std::memchr(b, '\n', avail);
  if (nl == nullptr && !last_) return avail <= max_record_ ? kWait : 0;
  // The limit applies to the line as it is (blanks included), so that the same line is
  // offered or not however much of it was in when it was first looked at.
  const std::size_t content =
      nl == nullptr ? avail : static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - b);
  if (content > max_record_) return 0;
  const std::size_t line_len = nl == nullptr ? avail : content + 1;
  std::size_t n = content;
  while (n > 0 && is_ws(b[n - 1])) --n;
  if (n < 2 || b[n - 1] != '}') return 0;
  std::size_t k = 1;
  while (k < n && is_ws(b[k])) ++k;
  if (starts_with(b + k, n - k, "\"results\"") || starts_with(b + k, n - k, "\"metadata\"")) return 0;
  if (n > kMaxDepth && count_openings_(b, n) > static_cast<std::uint64_t>(kMaxDepth)) return 0;
  const Where w = where(p);
  switch (h_.on_whole_line(b, n, line_len, w)) {
    case FrameHandler::Whole::Declined:
      return 0;
    case FrameHandler::Whole::Stop:
      stopped_ = true;
      break;
    case FrameHandler::Whole::Taken:
      break;
  }
  // As after a record framed byte by byte (start_record, then end_record).
  start_record(p, Kind::Object);
  phase_ = Phase::Top;
  st_.depth = st_.base;
  return p + n;
}

// whole_line() is only reached in the top level of a line-delimited input, after
// flush_pending(): nothing is pending there, so a fresh framer in line mode at the same
// place stands where that framer stands.
void Framer::begin_line(const Where& w) {
  started_ = true;
  seen_value_ = true;
  st_.mode = LineMode::Lines;
  st_.line = w.line;
  st_.line_start = w.offset - (w.column - 1);
  pos_ = w.offset;
}

void Framer::start_record(std::uint64_t p, Kind kind) {
  rec_ = where(p);
  kind_ = kind;
  phase_ = Phase::Rec;
  dropped_ = false;
  too_deep_ = false;
  watch_ = Watch::Off;
  st_.in_string = false;
  st_.escape = false;
  st_.depth = kind == Kind::String ? st_.base : st_.base + 1;
  expect_elem_ = false;
  after_comma_ = false;
  if (elem_column_ == 0) elem_column_ = rec_.column;
}

void Framer::end_record(std::uint64_t end) {
  phase_ = Phase::Top;
  watch_ = Watch::Off;
  if (kind_ == Kind::Ignored) return;
  if (st_.mode == LineMode::Unknown && kind_ != Kind::String) {
    st_.mode = st_.line == rec_.line ? LineMode::Lines : LineMode::Multi;
  }
  const std::uint64_t len = end - rec_.offset;
  if (dropped_ || len > max_record_) {
    bad(rec_, "record larger than " + format_limit(max_record_) +
                  (too_large_hint_.empty() ? std::string() : " (" + too_large_hint_ + ")"));
  } else if (too_deep_) {
    bad(rec_, fmt::format("record nested deeper than {} levels", kMaxDepth));
  } else if (kind_ == Kind::String) {
    bad(rec_, "record is a string, expected an object");
  } else if (kind_ == Kind::Array) {
    bad(rec_, "record is an array, expected an object");
  } else if (!h_.on_record(ptr(rec_.offset), static_cast<std::size_t>(len), rec_)) {
    stopped_ = true;
  }
}

std::string Framer::record_line(std::uint64_t line) const {
  const std::uint64_t k = line >= rec_.line ? line - rec_.line + 1 : 1;
  return k == 1 ? std::string("its line") : fmt::format("line {} of the record", k);
}

void Framer::cut_record(std::string message, bool resync) {
  phase_ = Phase::Top;
  watch_ = Watch::Off;
  st_.depth = st_.base;
  st_.in_string = false;
  st_.escape = false;
  if (kind_ == Kind::Ignored) {
    // The tail of an export ({"results": [...], <here>}) broke: nothing to resync to.
    ctx_ = Ctx::Stream;
    bad(rec_, message);
    return;
  }
  if (resync) {
    resync_ = true;
    cut_where_ = rec_;
    cut_message_ = std::move(message);
    cut_skipped_lines_ = 0;
  } else {
    bad(rec_, message);
  }
}

void Framer::close_array(std::uint64_t p) {
  if (after_comma_) bad(comma_, "stray ',' before ']'");
  after_comma_ = false;
  expect_elem_ = false;
  elem_column_ = stream_column_;
  st_.base = 0;
  if (ctx_ == Ctx::Array) {
    ctx_ = Ctx::Stream;
    st_.depth = 0;
    return;
  }
  // End of an export's "results": skip the rest of the object (its "metadata"...).
  ctx_ = Ctx::Stream;
  st_.depth = 1;
  phase_ = Phase::Rec;
  kind_ = Kind::Ignored;
  rec_ = where(p);
  st_.in_string = false;
  st_.escape = false;
  dropped_ = false;
  too_deep_ = false;
}

// A byte a line of human-readable text starts with: printable ASCII but not markup, a
// JSON value's or structure's first byte (a fragment of broken JSON is no text).
bool Framer::starts_text(std::uint8_t c) {
  if (c < 0x20 || c >= 0x7f || (c >= '0' && c <= '9')) return false;
  return std::string_view("<\"-{}[],:").find(static_cast<char>(c)) == std::string_view::npos;
}

// The start of a line a person or a program printed: UTF-8 without control characters
// (random bytes that happen to begin with a letter are binary garbage, not text). A
// sequence cut off by the end of the sample counts as whole.
bool Framer::looks_like_text(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) return false;
      ++i;
      continue;
    }
    const std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (n == 0) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if (i + k >= s.size()) return true;  // cut off by the sample's end
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

void Framer::start_garbage(std::uint64_t start, std::uint64_t p) {
  if (!garbage_open_) {
    garbage_open_ = true;
    // Text a client printed between values; a stray bracket or a fragment of JSON is not.
    garbage_text_ = ctx_ == Ctx::Stream && starts_text(*ptr(start));
    garbage_ = where(start);
    garbage_lines_ = 0;
    // The sample is collected as the line is scanned, so it does not depend on how the
    // input was chunked; [start, p) is still held (a token being read).
    garbage_sample_.assign(reinterpret_cast<const char*>(ptr(start)),
                           static_cast<std::size_t>(std::min<std::uint64_t>(p - start, kSampleBytes)));
    sampling_ = true;
  }
  ++garbage_lines_;
  phase_ = Phase::Garbage;
  expect_elem_ = false;
  after_comma_ = false;
}

void Framer::finish_token(std::uint64_t p) {
  const std::string_view tok(reinterpret_cast<const char*>(ptr(tok_start_)), p - tok_start_);
  const char* what = scalar_kind(tok);
  if (what == nullptr) {
    start_garbage(tok_start_, p);
    return;
  }
  flush_pending();
  phase_ = Phase::Top;
  expect_elem_ = false;
  after_comma_ = false;
  bad(tok_, fmt::format("record is {}, expected an object", what));
}

void Framer::flush_pending() {
  if (garbage_open_) {
    garbage_open_ = false;
    sampling_ = false;
    const std::string sample = printable_sample(reinterpret_cast<const std::uint8_t*>(garbage_sample_.data()),
                                                garbage_sample_.size());
    if (garbage_text_ && looks_like_text(garbage_sample_))
      h_.on_text(garbage_, garbage_lines_, sample);
    else
      bad(garbage_, fmt::format("not JSON: skipped {} line{} starting with \"{}\"", garbage_lines_,
                                plural(garbage_lines_), sample));
  }
  if (resync_) {
    resync_ = false;
    if (cut_skipped_lines_ > 0) {
      cut_message_ +=
          fmt::format(" (skipped {} more line{} of it)", cut_skipped_lines_, plural(cut_skipped_lines_));
    }
    bad(cut_where_, cut_message_);
  }
}

void Framer::bad(const Where& w, std::string_view message) {
  if (stopped_) return;
  if (!h_.on_bad(w, message)) stopped_ = true;
}

void Framer::not_json(std::uint8_t c) {
  std::string msg = "not JSON: starts with ";
  if (c >= 0x20 && c < 0x7f) {
    msg += fmt::format("'{}'", static_cast<char>(c));
  } else {
    msg += fmt::format("byte 0x{:02X}", c);
  }
  if (c == '<') {
    msg += " (an HTML page?)";
  } else if (c == 0xFF || c == 0xFE) {
    msg += " (UTF-16 text? save it as UTF-8)";
  } else if (c == 0x1F) {
    msg += " (gzip-compressed? decompress it first)";
  } else if (c == '"' || is_scalar_start(c)) {
    msg += " (a bare value, not a call object or array)";
  } else if (c < 0x20 || c >= 0x7f) {
    msg += " (binary data?)";
  }
  h_.on_not_json(msg);
  stopped_ = true;
}

void Framer::finish(const std::uint8_t* buf, std::uint64_t buf_offset, std::uint64_t end) {
  buf_ = buf;
  buf_offset_ = buf_offset;
  data_end_ = end;
  if (stopped_) return;
  if (!seen_value_ && seen_text_) {
    // Nothing but text: not a call log at all.
    garbage_open_ = false;
    not_json(first_byte_);
    return;
  }
  finish_open(end);
  flush_pending();
  if (ctx_ != Ctx::Stream) {
    bad(where(end), ctx_ == Ctx::Results ? "truncated: input ended inside the \"results\" array (missing ']')"
                                         : "truncated: input ended inside an array (missing ']')");
    ctx_ = Ctx::Stream;
  }
}

void Framer::abandon(const std::uint8_t* buf, std::uint64_t buf_offset, std::uint64_t end) {
  buf_ = buf;
  buf_offset_ = buf_offset;
  data_end_ = end;
  if (stopped_) return;
  finish_open(end);
  flush_pending();
  ctx_ = Ctx::Stream;
}

void Framer::finish_open(std::uint64_t end) {
  if (phase_ == Phase::Token) finish_token(end);
  if (phase_ == Phase::Rec) {
    phase_ = Phase::Top;
    if (kind_ == Kind::Ignored) {
      bad(where(end), "truncated: input ended inside the export object (missing '}')");
    } else if (st_.in_string) {
      bad(rec_, "truncated: input ended inside a string");
    } else {
      bad(rec_, kind_ == Kind::Array ? "truncated: input ended inside an array"
                                     : "truncated: input ended inside an object");
    }
  }
}

std::uint64_t Framer::keep_from(std::uint64_t end) {
  end = std::min(end, pos_);  // bytes not scanned yet are always kept
  switch (phase_) {
    case Phase::Rec:
      if (kind_ == Kind::Ignored || dropped_) return end;
      if (end - rec_.offset > max_record_) {
        // Keep scanning for its end, without its bytes. (The export watch reads keys a
        // byte at a time and needs no bytes kept: dropping must not change what is found,
        // or the result would depend on the chunk size.)
        dropped_ = true;
        return end;
      }
      return rec_.offset;
    case Phase::Token:
      return tok_start_;
    default:
      return end;
  }
}

}  // namespace vapidiag::reader_detail
