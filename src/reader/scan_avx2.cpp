// Block scanner for x86-64 with AVX2, PCLMULQDQ, POPCNT and BMI1 (Haswell and later).
#include <cstdint>

#include "framer.hpp"

#ifdef VAPIDIAG_X86_KERNELS
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,pclmul,popcnt,bmi"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,pclmul,popcnt,bmi")
#endif

namespace vapidiag::reader_detail {
namespace {

inline std::uint64_t eq32(__m256i v, char c) {
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(c))));
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

inline void Isa::load(const std::uint8_t* p, Masks& m) {
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  const __m256i fold = _mm256_set1_epi8(0x20);
  const __m256i flo = _mm256_or_si256(lo, fold);
  const __m256i fhi = _mm256_or_si256(hi, fold);
  m.backslash = eq32(lo, '\\') | (eq32(hi, '\\') << 32);
  m.quote = eq32(lo, '"') | (eq32(hi, '"') << 32);
  m.open = eq32(flo, '{') | (eq32(fhi, '{') << 32);
  m.close = eq32(flo, '}') | (eq32(fhi, '}') << 32);
  m.newline = eq32(lo, '\n') | (eq32(hi, '\n') << 32);
}

}  // namespace

std::uint64_t count_openings_avx2(const std::uint8_t* b, std::size_t n) { return count_openings_impl(b, n); }

std::uint64_t scan_blocks_avx2(ScanState& st, const std::uint8_t* buf, std::uint64_t buf_offset,
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
