#include "vapidiag/matcher.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "glob.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag {
namespace {

constexpr std::string_view kProviderPrefixes[] = {
    "pipeline-error-",
    "call.in-progress.error-vapifault-",
    "call.in-progress.error-providerfault-",
};
constexpr std::string_view kComponentWords[] = {"llm", "voice", "transcriber", "video"};

bool is_component_word(std::string_view w) {
  return std::find(std::begin(kComponentWords), std::end(kComponentWords), w) != std::end(kComponentWords);
}

bool is_status(std::string_view w) {
  return w.size() == 3 && w[0] >= '1' && w[0] <= '6' && std::isdigit(static_cast<unsigned char>(w[1])) &&
         std::isdigit(static_cast<unsigned char>(w[2]));
}

// Calls f(token) for each '-'/'.'-separated token of s until f returns true.
template <typename F>
bool any_token(std::string_view s, F f) {
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find_first_of("-.", start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start && f(s.substr(start, end - start))) return true;
    start = end + 1;
  }
  return false;
}

// The parts of a provider-scoped code: prefix, provider slug and what follows it.
struct Parts {
  std::string_view rest;      // after the prefix (whole code when there is none)
  std::string_view provider;  // known or decoded slug, empty when none
  std::string_view after;     // after the provider slug
  std::string_view first_token;
  const Provider* info = nullptr;
  bool decoded_provider = false;  // the slug is a guess from the code's shape
  std::string_view status;
};

Parts split(std::string_view code) {
  Parts p;
  p.rest = code;
  bool prefixed = false;
  for (std::string_view prefix : kProviderPrefixes) {
    if (code.substr(0, prefix.size()) == prefix) {
      p.rest = code.substr(prefix.size());
      prefixed = true;
      break;
    }
  }
  p.after = p.rest;
  if (prefixed && p.rest.substr(0, 13) != "outbound-sip-") {
    // Longest known slug wins: custom-llm before custom, anthropic-bedrock before anthropic.
    for (const Provider& prov : providers()) {
      const std::string_view s = prov.slug;
      if (p.rest.size() > s.size() && p.rest.substr(0, s.size()) == s && p.rest[s.size()] == '-' &&
          s.size() > p.provider.size()) {
        p.provider = s;
        p.info = &prov;
      }
    }
    if (p.info) {
      p.after = p.rest.substr(p.provider.size() + 1);
    } else {
      // An unknown provider: the tokens before a component word, a status or "returning".
      std::size_t pos = 0;
      while (pos < p.rest.size()) {
        std::size_t end = p.rest.find('-', pos);
        if (end == std::string_view::npos) break;
        std::string_view next_start = p.rest.substr(end + 1);
        std::size_t next_end = next_start.find('-');
        std::string_view next = next_start.substr(0, next_end);
        if (is_component_word(next) || is_status(next) || next == "returning") {
          p.provider = p.rest.substr(0, end);
          p.after = next_start;
          p.decoded_provider = true;
          break;
        }
        pos = end + 1;
      }
      const std::size_t dash = p.rest.find('-');
      if (dash != std::string_view::npos) p.first_token = p.rest.substr(0, dash);
    }
  }
  any_token(p.rest, [&](std::string_view t) {
    if (is_status(t)) p.status = t;
    return is_status(t);
  });
  return p;
}

Fault fault_tag(std::string_view code, Fault fallback) {
  bool vapi = false, provider = false;
  any_token(code, [&](std::string_view t) {
    vapi = vapi || t == "vapifault" || t == "error-vapifault";
    provider = provider || t == "providerfault";
    return false;
  });
  if (vapi) return Fault::Vapi;
  if (provider) return Fault::Provider;
  return fallback;
}

void fill_from_row(Classification& c, const CodeRow& row) {
  c.symptom = row.symptom;
  c.fault = row.fault;
  c.component = row.component;
  c.retry = row.retry;
  c.charged = row.charged;
  c.docs = row.docs;
  c.row = &row;
}

// Exact row or pattern row; no alias step (used for successors too). Without its exact
// row and the skipped patterns when measuring generalisation.
Classification classify_direct(std::string_view code, bool use_exact = true,
                               std::span<const PatternRow* const> skip = {}) {
  Classification c;
  c.code = code;
  if (code.empty()) return c;
  const KnownCode* known = find_known(code);
  if (known) {
    c.known = true;
    c.retired = known->retired;
    c.successor = known->successor;
  }
  if (const CodeRow* row = use_exact ? find_code_row(code) : nullptr) {
    fill_from_row(c, *row);
    c.matched_by = MatchKind::Exact;
    c.rule = row->code;
    const Parts parts = split(code);
    c.status = parts.status;
    return c;
  }
  const Parts parts = split(code);
  // A code people type that Vapi never sent gets suggestions, not a generic decoding.
  const auto hs = hints();
  const auto it = std::lower_bound(hs.begin(), hs.end(), code,
                                   [](const Hint& h, std::string_view k) { return h.code < k; });
  const bool hint = it != hs.end() && it->code == code;
  // A published code's first matching row is known from the table (rows before it do not
  // match); it is only skipped to while no decode row comes first, which a hint stops at.
  const auto rows = pattern_rows();
  std::size_t from = 0;
  if (known) {
    const std::size_t first = std::min<std::size_t>(known->first_pattern, rows.size());
    while (from < first && !rows[from].decode) ++from;
  }
  for (const PatternRow& row : rows.subspan(from)) {
    if (row.decode && hint) break;
    if (std::find(skip.begin(), skip.end(), &row) != skip.end()) continue;
    if (!glob_match(row.pattern, code)) continue;
    c.matched_by = row.decode ? MatchKind::Decoded : MatchKind::Pattern;
    c.rule = row.pattern;
    c.pattern = &row;
    c.symptom = row.symptom;
    c.fault = fault_tag(code, row.fault);
    c.retry = row.retry;
    c.docs = row.docs;
    c.status = parts.status;
    c.provider = parts.provider;
    c.provider_info = parts.info;
    if (row.component == "*") {
      if (c.provider.empty() && !parts.first_token.empty()) c.provider = parts.first_token;
      std::string_view word;
      any_token(parts.after, [&](std::string_view t) {
        if (is_component_word(t)) word = t;
        return !word.empty();
      });
      const bool returning = any_token(parts.after, [](std::string_view t) { return t == "returning"; });
      if (!word.empty()) {
        c.component = word;
      } else if (returning) {
        c.component = "transcriber";  // returning-<status>-… is the speech-to-text shape (NOTES 1)
      } else if (parts.info) {
        const std::string_view comps = parts.info->components;
        c.component = comps.substr(0, comps.find(','));
      } else {
        c.component = c.provider.empty() ? "unknown" : "llm";
      }
    } else {
      c.component = row.component;
    }
    // Normalise the component to the table's own string so views outlive the code.
    for (std::string_view k : kComponents)
      if (k == c.component) c.component = k;
    c.charged = c.fault != Fault::Vapi;
    // Provider vapi is Vapi's own hosted models: no customer key, plan or billing page
    // stands behind them, so a failure the row blames on the customer is Vapi's.
    const ProviderKind kind = parts.info ? parts.info->kind : ProviderKind::ThirdParty;
    if (kind == ProviderKind::Vapi && c.fault == Fault::Customer) c.fault = Fault::Vapi;
    // A Vapi-side refusal (a 4xx while Vapi used its own access) leaves nothing for the
    // customer to fix: retry later and escalate. The customer's own server stays theirs.
    if ((c.fault == Fault::Vapi || kind == ProviderKind::Vapi) && c.retry == Retry::FixFirst &&
        kind != ProviderKind::Own)
      c.retry = Retry::RetryLater;
    return c;
  }
  return c;
}

// Letter counts of a code, for a cheap lower bound on the edit distance between two codes.
struct LetterProfile {
  std::array<std::uint8_t, 40> n{};
};

LetterProfile letter_profile(std::string_view s) {
  LetterProfile p;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    std::size_t bin;
    if (c >= 'a' && c <= 'z')
      bin = c - 'a';
    else if (c >= '0' && c <= '9')
      bin = 26 + (c - '0');
    else if (c == '-')
      bin = 36;
    else if (c == '.')
      bin = 37;
    else
      bin = 38 + (c & 1);
    if (p.n[bin] < 255) ++p.n[bin];
  }
  return p;
}

int profile_distance(const LetterProfile& x, const LetterProfile& y) {
  int d = 0;
  for (std::size_t i = 0; i < x.n.size(); ++i) d += std::abs(int{x.n[i]} - int{y.n[i]});
  return d;
}

const std::vector<LetterProfile>& letter_profiles() {
  static const std::vector<LetterProfile> profiles = [] {
    std::vector<LetterProfile> v;
    for (const KnownCode& k : known_codes()) v.push_back(letter_profile(k.code.substr(0, 160)));
    return v;
  }();
  return profiles;
}

// The guide writes some codes without their phase prefix (pipeline-no-available-llm-model
// for call.in-progress.error-pipeline-no-available-llm-model): the published code, if any.
const KnownCode* short_form_of(std::string_view code) {
  constexpr std::string_view kPhase = "call.in-progress.error-";
  constexpr std::size_t kMax = 200;
  if (code.empty() || code.size() + kPhase.size() > kMax || code.substr(0, 5) == "call." ||
      code.substr(0, 5) == "call-")
    return nullptr;
  std::array<char, kMax> buf;
  std::copy(kPhase.begin(), kPhase.end(), buf.begin());
  std::copy(code.begin(), code.end(), buf.begin() + static_cast<std::ptrdiff_t>(kPhase.size()));
  const KnownCode* k = find_known({buf.data(), kPhase.size() + code.size()});
  return k && !k->retired ? k : nullptr;
}

}  // namespace

std::string_view normalize_code(std::string_view in, char* buf, std::size_t cap) {
  auto trim = [](std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\n\v\f";
    const std::size_t b = s.find_first_not_of(kSpace);
    if (b == std::string_view::npos) return std::string_view{};
    return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
  };
  std::string_view s = trim(in);
  // Pasted from JSON or a shell: "code", 'code', `code`, "code",
  if (!s.empty() && s.back() == ',') s = trim(s.substr(0, s.size() - 1));
  while (s.size() >= 2 && (s.front() == '"' || s.front() == '\'' || s.front() == '`') &&
         s.back() == s.front())
    s = trim(s.substr(1, s.size() - 2));
  bool lower = true, underscore = false, dash_or_dot = false;
  for (char ch : s) {
    if (ch >= 'A' && ch <= 'Z') lower = false;
    if (ch == '_') underscore = true;
    if (ch == '-' || ch == '.') dash_or_dot = true;
  }
  // Published codes are kebab-case: camelCase (assistantEndedCall) and snake_case
  // (assistant_ended_call) spellings of hand-written examples map onto them. A code that
  // has dashes or dots already is only lowercased.
  const bool camel = !lower && !dash_or_dot;
  const bool snake = underscore && !dash_or_dot;
  if (lower && !snake) return s;
  std::size_t n = 0;
  const auto is_upper = [](char ch) { return ch >= 'A' && ch <= 'Z'; };
  const auto is_lower_or_digit = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'); };
  for (std::size_t i = 0; i < s.size() && n < cap; ++i) {
    char ch = s[i];
    if (snake && ch == '_') ch = '-';
    if (camel && is_upper(ch) && i > 0 &&
        (is_lower_or_digit(s[i - 1]) ||
         (is_upper(s[i - 1]) && i + 1 < s.size() && is_lower_or_digit(s[i + 1])))) {
      if (n + 1 >= cap) break;
      buf[n++] = '-';
    }
    buf[n++] = is_upper(ch) ? static_cast<char>(ch - 'A' + 'a') : ch;
  }
  return {buf, n};
}

Classification classify(std::string_view code) {
  const KnownCode* k = find_known(code);
  const CodeRow* row = find_code_row(code);
  Classification c;
  if (k && k->retired && !k->successor.empty() && !row) {
    c = classify_direct(k->successor);
    c.code = code;
    c.matched_by = MatchKind::Alias;
    c.rule = k->successor;
    c.known = true;
    c.retired = true;
    c.successor = k->successor;
  } else if (const KnownCode* full = k || row ? nullptr : short_form_of(code)) {
    // The troubleshooting guide's short spelling of a published code resolves as that code.
    c = classify(full->code);
    c.code = code;
    c.matched_by = MatchKind::Alias;
    c.rule = full->code;
    c.known = false;
    c.retired = false;
    c.successor = {};
  } else {
    c = classify_direct(code);
  }
  // A fault tag in the code decides the fault, whatever row, alias or pattern matched. Only
  // a retired code that Vapi moved to the other prefix keeps its successor's fault, and says so.
  const Fault tag = fault_tag(code, Fault::Unknown);
  if (c.classified() && tag != Fault::Unknown && c.fault != tag) {
    if (c.retired && c.matched_by == MatchKind::Alias) {
      c.fault_from_successor = true;
    } else {
      c.fault = tag;
      c.charged = tag != Fault::Vapi;
    }
  }
  return c;
}

Classification classify_without_rows(std::string_view code,
                                     std::span<const PatternRow* const> skip_patterns) {
  Classification c = classify_direct(code, false, skip_patterns);
  if (const Fault tag = fault_tag(code, Fault::Unknown);
      c.classified() && tag != Fault::Unknown && c.fault != tag) {
    c.fault = tag;
    c.charged = tag != Fault::Vapi;
  }
  return c;
}

namespace {

// Edit distance from one string to many, bit-parallel (Myers' algorithm in 64-bit blocks:
// one step per character of the other string). Strings are cut at kMax characters.
class MyersPattern {
 public:
  static constexpr std::size_t kMax = 160;
  explicit MyersPattern(std::string_view a) : size_(std::min(a.size(), kMax)), words_((size_ + 63) / 64) {
    // peq_[c][w]: bit i of word w is set when a[64 * w + i] == c.
    for (std::size_t i = 0; i < size_; ++i)
      peq_[static_cast<unsigned char>(a[i])][i / 64] |= std::uint64_t{1} << (i % 64);
    last_bit_ = size_ ? std::uint64_t{1} << ((size_ - 1) % 64) : 0;
  }
  int distance(std::string_view b) const {
    b = b.substr(0, kMax);
    if (size_ == 0) return static_cast<int>(b.size());
    std::array<std::uint64_t, kWords> pv, mv{};
    pv.fill(~std::uint64_t{0});
    int score = static_cast<int>(size_);  // distance from all of a to the empty prefix of b
    for (const char ch : b) {
      const auto& eqs = peq_[static_cast<unsigned char>(ch)];
      int hin = 1;  // the top row grows by one per character of b
      for (std::size_t w = 0; w < words_; ++w) {
        const std::uint64_t neg = hin < 0 ? 1 : 0;
        std::uint64_t eq = eqs[w];
        const std::uint64_t xv = eq | mv[w];
        eq |= neg;
        const std::uint64_t xh = (((eq & pv[w]) + pv[w]) ^ pv[w]) | eq;
        std::uint64_t ph = mv[w] | ~(xh | pv[w]);
        std::uint64_t mh = pv[w] & xh;
        const std::uint64_t out_bit = w + 1 == words_ ? last_bit_ : std::uint64_t{1} << 63;
        const int hout = (ph & out_bit) ? 1 : (mh & out_bit) ? -1 : 0;
        ph = (ph << 1) | (hin > 0 ? 1 : 0);
        mh = (mh << 1) | neg;
        pv[w] = mh | ~(xv | ph);
        mv[w] = ph & xv;
        hin = hout;
      }
      score += hin;
    }
    return score;
  }

 private:
  static constexpr std::size_t kWords = (kMax + 63) / 64;
  std::size_t size_;
  std::size_t words_;
  std::uint64_t last_bit_ = 0;
  std::array<std::array<std::uint64_t, kWords>, 256> peq_{};
};

}  // namespace

int edit_distance(std::string_view a, std::string_view b) { return MyersPattern(a).distance(b); }

std::array<std::string_view, 3> suggest(std::string_view code) {
  std::array<std::string_view, 3> out{};
  std::size_t n = 0;
  auto add = [&](std::string_view s) {
    if (n < out.size() && std::find(out.begin(), out.begin() + n, s) == out.begin() + n) out[n++] = s;
  };
  // Hints first: codes people invent, with what they meant.
  const auto hs = hints();
  auto it = std::lower_bound(hs.begin(), hs.end(), code,
                             [](const Hint& h, std::string_view k) { return h.code < k; });
  if (it != hs.end() && it->code == code) {
    std::string_view list = it->suggestions;
    while (!list.empty() && n < out.size()) {
      const std::size_t comma = list.find(',');
      // Point into the table's own copy of the code so the view is static.
      if (const KnownCode* k = find_known(list.substr(0, comma))) add(k->code);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return out;
  }
  // Edit distance over every published code, bit-parallel (Myers' algorithm in 64-bit
  // blocks: one step per character of the known code). Two cuts skip a code early
  // without changing the answer: its length or its letter counts already differ by more
  // than the current bar (the distance a code needs to enter the top three).
  const std::string_view a = code.substr(0, MyersPattern::kMax);
  if (a.size() < 3) return out;
  struct Scored {
    int score;
    std::string_view code;
  };
  std::array<Scored, 3> best{{{1 << 30, {}}, {1 << 30, {}}, {1 << 30, {}}}};
  const int limit = std::max(2, static_cast<int>(a.size()) / 3);
  const auto& profiles = letter_profiles();
  const LetterProfile pa = letter_profile(a);
  const MyersPattern pattern(a);
  const auto codes = known_codes();
  for (std::size_t idx = 0; idx < codes.size(); ++idx) {
    const KnownCode& k = codes[idx];
    const std::string_view b = k.code.substr(0, MyersPattern::kMax);
    int score;
    if (a.size() >= 5 && b.find(a) != std::string_view::npos) {
      score = 1 + static_cast<int>((b.size() - a.size()) / 8);
    } else {
      // score = 2 * distance + retired below, and it must beat best[2] to count.
      int bar = limit;
      if (best[2].score < (1 << 30)) bar = std::min(bar, (best[2].score - 1) / 2);
      const int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
      if (la - lb > bar || lb - la > bar) continue;
      // Each edit changes the letter counts by at most 2 in total.
      if ((profile_distance(pa, profiles[idx]) + 1) / 2 > bar) continue;
      score = pattern.distance(b);
    }
    if (score > limit) continue;
    // Prefer current codes over retired ones at equal distance.
    score = score * 2 + (k.retired ? 1 : 0);
    for (std::size_t i = 0; i < best.size(); ++i) {
      if (score < best[i].score) {
        std::move_backward(best.begin() + static_cast<std::ptrdiff_t>(i), best.end() - 1, best.end());
        best[i] = {score, k.code};
        break;
      }
    }
  }
  for (const Scored& s : best)
    if (!s.code.empty()) add(s.code);
  return out;
}

Classified::Classified(std::string_view raw) {
  std::array<char, 256> buf{};
  code_ = std::string(normalize_code(raw, buf.data(), buf.size()));
  c_ = classify(code_);
}

}  // namespace vapidiag
