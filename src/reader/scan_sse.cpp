// Block scanner for x86-64 with SSE2 and PCLMULQDQ (any x86-64 CPU since 2010).
#include <cstdint>

#include "framer.hpp"

#ifdef VAPIDIAG_X86_KERNELS
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("sse2,pclmul,popcnt"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("sse2,pclmul,popcnt")
#endif

namespace vapidiag::reader_detail {
namespace {

inline std::uint64_t eq16(__m128i v, char c) {
  return static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c))));
}

struct Isa {
  static void load(const std::uint8_t* p, Masks& m);
  static std::uint64_t prefix_xor(std::uint64_t x) {
    const __m128i r =
        _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<long long>(x)), _mm_set1_epi8(-1), 0);
    return static_cast<std::uint64_t>(_mm_cvtsi128_si64(r));
  }
};

#include "block_scan.hpp"

void Isa::load(const std::uint8_t* p, Masks& m) {
  m = Masks{0, 0, 0, 0, 0};
  const __m128i fold = _mm_set1_epi8(0x20);
  for (unsigned k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i f = _mm_or_si128(v, fold);
    const unsigned shift = 16 * k;
    m.backslash |= eq16(v, '\\') << shift;
    m.quote |= eq16(v, '"') << shift;
    m.open |= eq16(f, '{') << shift;
    m.close |= eq16(f, '}') << shift;
    m.newline |= eq16(v, '\n') << shift;
  }
}

}  // namespace

std::uint64_t count_openings_sse(const std::uint8_t* b, std::size_t n) { return count_openings_impl(b, n); }

std::uint64_t scan_blocks_sse(ScanState& st, const std::uint8_t* buf, std::uint64_t buf_offset,
                              std::uint64_t pos, std::uint64_t end) {
  return scan_blocks_impl(st, buf, buf_offset, pos, end);
}

}  // namespace vapidiag::reader_detail

#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif
#endif  // VAPIDIAG_X86_KERNELS
