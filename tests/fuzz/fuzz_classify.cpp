// Any bytes as an endedReason: normalise, classify, suggest and render, checking the
// invariants the CLI and the reports rely on.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_util.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/table.hpp"

using namespace vapidiag;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

bool in_range(std::string_view inner, std::string_view outer) {
  return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
}

bool is_table_component(std::string_view c) {
  return std::find(kComponents.begin(), kComponents.end(), c) != kComponents.end();
}

void check_normalize(std::string_view in) {
  // A buffer of exactly cap bytes on the heap, so a write past cap is an ASan error.
  for (std::size_t cap : {std::size_t{512}, std::size_t{8}, std::size_t{0}}) {
    std::unique_ptr<char[]> buf(new char[cap ? cap : 1]);
    const std::string_view out = normalize_code(in, buf.get(), cap);
    // camelCase gains a dash before each capital it splits: at most twice the input.
    FUZZ_CHECK(out.size() <= 2 * in.size(), "normalize_code grew %zu -> %zu bytes", in.size(), out.size());
    const bool in_buf = !out.empty() && out.data() >= buf.get() && out.data() < buf.get() + (cap ? cap : 1);
    FUZZ_CHECK(out.empty() || in_buf || in_range(out, in),
               "normalize_code returned a view outside in and buf");
    if (in_buf) FUZZ_CHECK(out.size() <= cap && out.data() + out.size() <= buf.get() + cap, "view past cap");
    FUZZ_CHECK(std::none_of(out.begin(), out.end(), [](char c) { return c >= 'A' && c <= 'Z'; }),
               "normalize_code left an upper-case letter");
    if (!out.empty()) {
      FUZZ_CHECK(!is_space(out.front()), "normalize_code left leading space");
      // Trailing space is only possible when the output was cut at cap.
      FUZZ_CHECK(!is_space(out.back()) || out.size() == cap, "normalize_code left trailing space");
    }
  }
}

void check_classification(std::string_view code, const Classification& c) {
  FUZZ_CHECK(c.code == code, "code not kept");
  // Views point into the code, or for an alias into the code it resolves as: the successor
  // of a retired code, or the published code a guide's short spelling stands for.
  const std::string_view source = c.matched_by == MatchKind::Alias ? c.rule : code;
  FUZZ_CHECK(static_cast<std::size_t>(c.symptom) < kSymptomNames.size(), "symptom out of range");
  FUZZ_CHECK(static_cast<std::size_t>(c.fault) < kFaultNames.size(), "fault out of range");
  FUZZ_CHECK(static_cast<std::size_t>(c.retry) < kRetryNames.size(), "retry out of range");
  FUZZ_CHECK(is_table_component(c.component), "component '%.*s' not a table component",
             static_cast<int>(c.component.size()), c.component.data());
  // The component must be static text that outlives the code, never a view into it.
  FUZZ_CHECK(code.empty() || !in_range(c.component, code), "component view points into the code");
  if (!c.status.empty()) {
    FUZZ_CHECK(c.status.size() == 3 && c.status[0] >= '1' && c.status[0] <= '6' && c.status[1] >= '0' &&
                   c.status[1] <= '9' && c.status[2] >= '0' && c.status[2] <= '9',
               "status '%.*s' is not a 3-digit status", static_cast<int>(c.status.size()), c.status.data());
    FUZZ_CHECK(in_range(c.status, source), "status view outside the code");
  }
  if (!c.provider.empty() && !c.provider_info)
    FUZZ_CHECK(in_range(c.provider, source), "decoded provider view outside the code");
  if (c.provider_info)
    FUZZ_CHECK(find_provider(c.provider_info->slug) == c.provider_info, "bad provider_info");

  const KnownCode* k = find_known(code);
  FUZZ_CHECK(c.known == (k != nullptr), "known flag disagrees with find_known");
  if (k) FUZZ_CHECK(c.retired == k->retired, "retired flag disagrees with the table");
  if (!c.known) FUZZ_CHECK(!c.retired && c.successor.empty(), "unknown code marked retired");

  switch (c.matched_by) {
    case MatchKind::Exact:
      FUZZ_CHECK(c.row && c.row->code == code && c.rule == code, "exact match without its row");
      break;
    case MatchKind::Alias:
      if (c.retired) {
        FUZZ_CHECK(c.known && !c.successor.empty() && c.rule == c.successor, "alias without successor");
      } else {
        // A short spelling: not published itself, resolved as the live code it abbreviates.
        const KnownCode* full = find_known(c.rule);
        FUZZ_CHECK(!c.known && c.successor.empty() && full && !full->retired && c.rule.size() > code.size() &&
                       c.rule.substr(c.rule.size() - code.size()) == code,
                   "short-form alias not resolved as a live published code ending in it");
      }
      break;
    case MatchKind::Pattern:
    case MatchKind::Decoded:
      FUZZ_CHECK(c.pattern && c.rule == c.pattern->pattern, "pattern match without its row");
      FUZZ_CHECK((c.matched_by == MatchKind::Decoded) == c.pattern->decode,
                 "decoded flag disagrees with row");
      break;
    case MatchKind::Unknown:
      FUZZ_CHECK(!c.row && !c.pattern && c.symptom == Symptom::Unknown && c.fault == Fault::Unknown,
                 "unclassified code carries a classification");
      break;
    default:
      FUZZ_CHECK(false, "matched_by out of range");
  }
  if (c.row) {
    FUZZ_CHECK(c.symptom == c.row->symptom && c.fault == c.row->fault && c.retry == c.row->retry &&
                   c.charged == c.row->charged && c.component == c.row->component,
               "exact/alias classification disagrees with its row");
  }
  if (c.classified()) {
    // Only a row that says so itself (unknown-error: "Vapi could not classify why the
    // call ended") may leave both unknown; a pattern or decoding must say something.
    const bool row_says_unknown =
        c.row && c.row->symptom == Symptom::Unknown && c.row->fault == Fault::Unknown;
    FUZZ_CHECK(row_says_unknown || !(c.symptom == Symptom::Unknown && c.fault == Fault::Unknown),
               "classified (%s) but symptom and fault both unknown",
               std::string(to_string(c.matched_by)).c_str());
    FUZZ_CHECK(!c.rule.empty(), "classified without a rule");
    FUZZ_CHECK(!c.docs.empty(), "classified without docs");
    FUZZ_CHECK(!code.empty(), "empty code classified");
  } else {
    FUZZ_CHECK(c.rule.empty(), "unknown code with a rule");
  }
}

void check_render(std::string_view code, const Classification& c) {
  const std::string meaning = render_meaning(c);
  const std::string fix = render_fix(c);
  const std::string fix_short = render_fix_short(c);
  FUZZ_CHECK(!meaning.empty() && !fix.empty() && !fix_short.empty(), "empty rendering");
  FUZZ_CHECK(fix.compare(0, fix_short.size(), fix_short) == 0,
             "render_fix_short is not a prefix of render_fix");
  // Braces can only come from the code itself (a decoded provider slug); otherwise one
  // is an unfilled template placeholder.
  if (code.find_first_of("{}") == std::string_view::npos) {
    for (const std::string* s : {&meaning, &fix, &fix_short})
      FUZZ_CHECK(s->find_first_of("{}") == std::string::npos, "unfilled placeholder for '%.*s': %s",
                 static_cast<int>(code.size()), code.data(), s->c_str());
  }
}

void check_suggest(std::string_view code) {
  const std::array<std::string_view, 3> s = suggest(code);
  bool seen_empty = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i].empty()) {
      seen_empty = true;
      continue;
    }
    FUZZ_CHECK(!seen_empty, "suggestion after an empty slot");
    const KnownCode* k = find_known(s[i]);
    FUZZ_CHECK(k != nullptr, "suggested '%.*s' is not a published code", static_cast<int>(s[i].size()),
               s[i].data());
    FUZZ_CHECK(k->code.data() == s[i].data(), "suggestion does not point into the table");
    for (std::size_t j = 0; j < i; ++j) FUZZ_CHECK(s[j] != s[i], "duplicate suggestion");
  }
}

void run(std::string_view code, bool with_suggest) {
  const Classification c = classify(code);
  check_classification(code, c);
  check_render(code, c);
  if (with_suggest && !c.classified()) check_suggest(code);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  check_normalize(raw);
  std::array<char, 512> buf{};
  const std::string_view code = normalize_code(raw, buf.data(), buf.size());
  // suggest() runs an edit distance over every published code: ~1.5 ms per call in a
  // release build, ~80 ms under ASan+UBSan+libFuzzer instrumentation. Run it on one input
  // in eight (chosen by a hash of the bytes) so the rest of the target keeps its speed.
  std::uint32_t h = 2166136261u;
  for (char ch : raw) h = (h ^ static_cast<std::uint8_t>(ch)) * 16777619u;
  const bool with_suggest = (h & 7) == 0;
  run(code, with_suggest);
  // classify() expects a normalised code but must cope with anything.
  if (code != raw) run(raw, false);
  return 0;
}
