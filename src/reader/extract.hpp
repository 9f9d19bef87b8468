#pragma once
// Private to the reader: turns one framed record into a CallRecord with simdjson
// on-demand. Kept behind a pointer so that only extract.cpp includes simdjson.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "vapidiag/call_record.hpp"

namespace vapidiag::reader_detail {

enum class Outcome : std::uint8_t { Call, NotEnded, Skipped, Unreadable };

class Extractor {
 public:
  explicit Extractor(std::size_t max_record_bytes);
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  // data[0, len) holds one JSON object; data[len, capacity) must be readable (at least
  // SIMDJSON_PADDING bytes). Fills rec (cleared first). On Unreadable, why says why.
  // With whole: set to whether the object was the only thing in data (on any outcome but
  // Unreadable).
  Outcome extract(const std::uint8_t* data, std::size_t len, std::size_t capacity, CallRecord& rec,
                  std::string& why, bool* whole = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vapidiag::reader_detail
