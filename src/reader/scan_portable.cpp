// Block scanner without SIMD: builds the masks a byte at a time. Used where no x86
// kernel runs, and in tests as a third implementation of the same block logic.
#include <cstdint>

#include "framer.hpp"

namespace vapidiag::reader_detail {
namespace {

struct Isa {
  static void load(const std::uint8_t* p, Masks& m);
  static std::uint64_t prefix_xor(std::uint64_t x) {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
  }
};

#include "block_scan.hpp"

void Isa::load(const std::uint8_t* p, Masks& m) {
  m = Masks{0, 0, 0, 0, 0};
  for (unsigned i = 0; i < 64; ++i) {
    const std::uint8_t c = p[i];
    const std::uint64_t bit = 1ULL << i;
    const std::uint8_t folded = c | 0x20;  // '[' -> '{', ']' -> '}'
    if (c == '\\') m.backslash |= bit;
    if (c == '"') m.quote |= bit;
    if (folded == '{') m.open |= bit;
    if (folded == '}') m.close |= bit;
    if (c == '\n') m.newline |= bit;
  }
}

}  // namespace

std::uint64_t count_openings_portable(const std::uint8_t* b, std::size_t n) {
  return count_openings_impl(b, n);
}

std::uint64_t scan_blocks_portable(ScanState& st, const std::uint8_t* buf, std::uint64_t buf_offset,
                                   std::uint64_t pos, std::uint64_t end) {
  return scan_blocks_impl(st, buf, buf_offset, pos, end);
}

}  // namespace vapidiag::reader_detail
