#pragma once
// Private to the reader: where input bytes come from. A file descriptor, a byte range of a
// file, a buffer, and, wrapped around any of them, a decompressor for gzip and zstd data
// (recognised by their magic bytes, not by the file name) that inflates on a thread of its
// own into a few fixed buffers, so that memory stays bounded whatever the ratio.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vapidiag::reader_detail {

class Source {
 public:
  virtual ~Source() = default;
  // Up to n bytes into dst: how many, 0 at the end of the input, -1 on error (err set).
  virtual std::ptrdiff_t read(std::uint8_t* dst, std::size_t n, std::string& err) = 0;
  // The input's size when known up front, else 0.
  virtual std::uint64_t size_hint() const { return 0; }
  // A live input (pipe, terminal, socket) with nothing to read right now: read() would wait.
  virtual bool would_block() const { return false; }
  // Waits up to timeout_ms for a live input to have something to read; true when it has
  // (or when it is not live: then read() does not wait for long).
  virtual bool wait_readable(int /*timeout_ms*/) const { return true; }
};

enum class Compression : std::uint8_t { None, Gzip, Zstd };

// Reads the first bytes of src to recognise compressed data. Returns src itself (with the
// bytes it looked at put back) or a decompressing source that owns it. `kind` tells which;
// `head`, when given, gets the bytes looked at (up to 4, fewer at the end of the input).
std::unique_ptr<Source> open_decompressed(std::unique_ptr<Source> src, Compression* kind,
                                          std::string* head = nullptr);

// ReadOptions::pipeline_where_it_pays: whether to frame on a second thread an input that is
// (or is not) compressed, is settled (a file or a buffer: nothing writes it as it is read)
// or not (a pipe), and begins with `head` (what open_decompressed looked at).
bool framing_thread_pays(Compression kind, bool settled, std::string_view head);

}  // namespace vapidiag::reader_detail
