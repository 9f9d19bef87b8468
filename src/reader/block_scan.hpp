// The block scanner: one template, compiled once per instruction set. No include guard
// on purpose: each scan_*.cpp file includes it inside its own target region and an
// anonymous namespace, after defining `struct Isa` with
//   static void load(const std::uint8_t* p, Masks& m);  // masks of 64 bytes from p
//   static std::uint64_t prefix_xor(std::uint64_t x);    // bit i = xor of bits 0..i
// so that every copy is compiled for (and only for) its own instruction set.
// Nothing here may call an out-of-line function (standard library included).
//
// Per 64-byte block: find escaped bytes from the runs of backslashes, the in-string
// mask from the unescaped quotes (prefix xor), then the structural brackets outside
// strings. A record cannot close in a block that holds fewer closing brackets than its
// depth, so only blocks that may hold the record's end walk their brackets one by one.

// kLines: the input is line-delimited, so any newline inside a record is handed back to
// the state machine (and no lines need counting here).
template <bool kLines>
inline std::uint64_t scan_mode(ScanState& st, const std::uint8_t* buf, std::uint64_t buf_offset,
                               std::uint64_t pos, std::uint64_t end) {
  constexpr std::uint64_t kEven = 0x5555555555555555ULL;
  const std::uint8_t* p = buf + (pos - buf_offset);
  const std::uint8_t* const stop = buf + (end - buf_offset);
  // The state lives in registers while blocks are scanned: the carries between blocks
  // are the loop's critical path.
  std::uint64_t in_string = st.in_string ? ~0ULL : 0;  // all ones inside a string
  std::uint64_t carry = st.escape ? 1 : 0;             // the next byte is escaped
  std::int64_t rel = st.depth - st.base;               // open containers of the record
  std::uint64_t line = st.line;
  std::uint64_t line_start = st.line_start;
  bool ended = false;
  while (p < stop) {
    if (rel > kMaxDepth - 64) break;  // the state machine enforces the depth limit
    Masks m;
    Isa::load(p, m);
    std::uint64_t n = 64;
    if (stop - p < 64) {
      n = static_cast<std::uint64_t>(stop - p);
      const std::uint64_t valid = (1ULL << n) - 1;
      m.backslash &= valid;
      m.quote &= valid;
      m.open &= valid;
      m.close &= valid;
      m.newline &= valid;
    }

    // A run of backslashes starting at s escapes s+1, s+3, ... and, when its length is
    // odd, the byte after it. Adding a run's start bit clears the run, which splits the
    // runs by the parity of their start. A byte escaped from the previous block (carry)
    // does not escape the next one.
    const std::uint64_t b = m.backslash & ~carry;
    const std::uint64_t starts = b & ~(b << 1);
    const std::uint64_t even_runs = b & ~(b + (starts & kEven));
    const std::uint64_t odd_runs = b & ~even_runs;
    const std::uint64_t escaped = ((even_runs << 1) & ~kEven) | ((odd_runs << 1) & kEven) | carry;
    const std::uint64_t escapers = b & ~escaped;

    const std::uint64_t inside = Isa::prefix_xor(m.quote & ~escaped) ^ in_string;
    const std::uint64_t outside = ~inside;
    const std::uint64_t opens = m.open & outside;
    const std::uint64_t closes = m.close & outside;

    // What only the state machine handles: a backslash outside a string, a raw newline
    // inside one (line-delimited: anywhere in the record), '{' in column 1 (pretty-printed).
    std::uint64_t odd = m.backslash & outside;
    if constexpr (kLines) {
      odd |= m.newline;
    } else {
      odd |= m.newline & inside;
      const std::uint64_t pos_here = buf_offset + static_cast<std::uint64_t>(p - buf);
      for (std::uint64_t s = opens & ((m.newline << 1) | (pos_here == line_start ? 1 : 0)); s != 0;
           s &= s - 1) {
        const unsigned i = static_cast<unsigned>(__builtin_ctzll(s));
        if (p[i] == '{') {
          odd |= 1ULL << i;
          break;
        }
      }
    }

    const std::int64_t n_close = __builtin_popcountll(closes);
    std::uint64_t limit = ~0ULL;  // the bytes of this block that belong to the record
    std::int64_t next_rel = rel;
    unsigned end_bit = 64;
    if (rel > n_close) {
      // Fewer closing brackets than open containers: the record goes on.
      next_rel += __builtin_popcountll(opens) - n_close;
    } else {
      for (std::uint64_t s = opens | closes; s != 0; s &= s - 1) {
        const unsigned i = static_cast<unsigned>(__builtin_ctzll(s));
        next_rel += ((opens >> i) & 1) != 0 ? 1 : -1;
        if (next_rel == 0) {
          end_bit = i;
          limit = i == 63 ? ~0ULL : (2ULL << i) - 1;
          break;
        }
      }
    }
    if ((odd & limit) != 0) break;  // hand this block to the state machine

    if constexpr (!kLines) {
      const std::uint64_t lines = m.newline & limit;
      if (lines != 0) {
        line += static_cast<std::uint64_t>(__builtin_popcountll(lines));
        line_start = buf_offset + static_cast<std::uint64_t>(p - buf) +
                     static_cast<std::uint64_t>(63 - __builtin_clzll(lines)) + 1;
      }
    }
    if (end_bit < 64) {
      p += end_bit + 1;
      ended = true;
      break;
    }
    rel = next_rel;
    in_string = 0 - ((inside >> (n - 1)) & 1);
    carry = (escapers >> (n - 1)) & 1;
    p += n;
  }
  st.line = line;
  st.line_start = line_start;
  if (ended) {
    st.depth = st.base;
    st.in_string = false;
    st.escape = false;
    st.ended = true;
  } else {
    st.depth = st.base + rel;
    st.in_string = in_string != 0;
    st.escape = carry != 0;
  }
  return buf_offset + static_cast<std::uint64_t>(p - buf);
}

inline std::uint64_t scan_blocks_impl(ScanState& st, const std::uint8_t* buf, std::uint64_t buf_offset,
                                      std::uint64_t pos, std::uint64_t end) {
  return st.mode == LineMode::Lines ? scan_mode<true>(st, buf, buf_offset, pos, end)
                                    : scan_mode<false>(st, buf, buf_offset, pos, end);
}

// The bytes '{' or '[' in [b, b + n) (see OpeningCounter in framer.hpp).
inline std::uint64_t count_openings_impl(const std::uint8_t* b, std::size_t n) {
  std::uint64_t count = 0;
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    Masks m;
    Isa::load(b + i, m);
    count += static_cast<std::uint64_t>(__builtin_popcountll(m.open));
  }
  for (; i < n; ++i) count += (b[i] | 0x20) == '{' ? 1 : 0;
  return count;
}
