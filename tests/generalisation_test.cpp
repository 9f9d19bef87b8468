// How well the family rules classify codes that no row names: leave-one-out over the exact
// rows, and made-up siblings of every family. Both print their accuracy and misses and fail
// below the figures recorded in tests/data/generalisation-floor.tsv.
//
// Print the figures: build/tests/vapidiag_tests '[generalisation]'

#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "../src/glob.hpp"
#include "test_util.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/table.hpp"

using namespace vapidiag;
using vapidiag::test::read_tsv;

namespace {

std::vector<std::string> official() {
  std::vector<std::string> out;
  for (auto& r : read_tsv("official-codes.txt")) out.push_back(r[0]);
  return out;
}

double floor_of(const std::string& measure) {
  for (const auto& r : read_tsv("generalisation-floor.tsv"))
    if (r.size() == 2 && r[0] == measure) return std::stod(r[1]);
  FAIL("no figure for " << measure << " in generalisation-floor.tsv");
  return 100;
}

double percent(int hits, int total) { return total ? 100.0 * hits / total : 0; }

std::string describe(const Classification& c) {
  return std::string(to_string(c.symptom)) + "/" + std::string(to_string(c.fault)) + "/" +
         std::string(c.component);
}

// Codes that no code of the official list shares a provider or a final word with.
const char* const kSlugs[] = {"zorblax", "newco-ai", "acme2"};
const char* const kWords[] = {"zorblax", "flux-capacitor-jammed", "q7"};
const char* const kSipStatuses[] = {"404", "486", "488", "600"};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

constexpr const char* kPrefixes[] = {"pipeline-error-", "call.in-progress.error-vapifault-",
                                     "call.in-progress.error-providerfault-"};

// The prefix and known provider slug a provider-scoped code starts with ("" when none).
std::pair<std::string, std::string> prefix_and_slug(const std::string& code) {
  for (const char* prefix : kPrefixes) {
    const std::string p = prefix;
    if (code.rfind(p, 0) != 0) continue;
    std::string slug;
    for (const Provider& prov : providers()) {
      const std::string s(prov.slug);
      if (code.compare(p.size(), s.size() + 1, s + "-") == 0 && s.size() > slug.size()) slug = s;
    }
    return {p, slug};
  }
  return {};
}

}  // namespace

TEST_CASE("leave-one-out: exact rows are rebuilt by the family rules", "[generalisation]") {
  const auto codes = official();
  int total = 0, symptom_fault = 0, all_three = 0;
  std::vector<std::string> misses;
  for (const std::string& code : codes) {
    const CodeRow* row = find_code_row(code);
    if (!row) continue;
    // Patterns that explain this code alone among the official ones cannot count.
    std::vector<const PatternRow*> skip;
    for (const PatternRow& p : pattern_rows()) {
      if (!glob_match(p.pattern, code)) continue;
      int others = 0;
      for (const std::string& other : codes)
        if (other != code && glob_match(p.pattern, other)) ++others;
      if (others == 0) skip.push_back(&p);
    }
    const Classification c = classify_without_rows(code, skip);
    ++total;
    const bool sf = c.symptom == row->symptom && c.fault == row->fault;
    const bool all = sf && c.component == row->component;
    symptom_fault += sf ? 1 : 0;
    all_three += all ? 1 : 0;
    if (!all)
      misses.push_back(code + ": row " + std::string(to_string(row->symptom)) + "/" +
                       std::string(to_string(row->fault)) + "/" + std::string(row->component) + ", rules " +
                       describe(c) + (c.classified() ? " (" + std::string(c.rule) + ")" : ""));
  }
  const double sf_pct = percent(symptom_fault, total), all_pct = percent(all_three, total);
  std::printf(
      "leave-one-out over %d official codes with an exact row: symptom+fault %d (%.1f %%), "
      "symptom+fault+component %d (%.1f %%)\n",
      total, symptom_fault, sf_pct, all_three, all_pct);
  for (const std::string& m : misses) std::printf("  miss  %s\n", m.c_str());
  CHECK(total > 80);
  CHECK(sf_pct >= floor_of("leave-one-out-symptom-fault"));
  CHECK(all_pct >= floor_of("leave-one-out-all-three"));
}

TEST_CASE("siblings: made-up members of every family get the family's classification", "[generalisation]") {
  struct Case {
    std::string code, want_symptom, want_fault, want_component;
  };
  std::vector<Case> cases;
  // 1. The families of sibling-families.tsv, each with several invented parts.
  for (const auto& r : read_tsv("sibling-families.tsv")) {
    REQUIRE(r.size() == 4);
    for (const char* slug : kSlugs)
      for (const char* word : kWords)
        for (const char* sip : kSipStatuses) {
          const std::string code =
              replace_all(replace_all(replace_all(r[0], "<slug>", slug), "<new>", word), "<sip>", sip);
          cases.push_back({code, r[1], r[2], r[3]});
        }
  }
  // 2. Every published provider code with its provider swapped for an invented one: same
  // symptom and fault; the component the code names, else the provider-independent default
  // of NOTES.md (transcriber for returning-<status> codes, llm for other status-only codes).
  for (const std::string& code : official()) {
    const auto [prefix, slug] = prefix_and_slug(code);
    if (slug.empty()) continue;
    const Classification orig = classify(code);
    if (orig.matched_by != MatchKind::Pattern) continue;
    const std::string rest = code.substr(prefix.size() + slug.size());  // "-…"
    std::string component = std::string(orig.pattern->component);
    if (component == "*") {
      component = "llm";
      for (const char* w : {"llm", "voice", "transcriber", "video"})
        if ((rest + "-").find(std::string("-") + w + "-") != std::string::npos) component = w;
      if (rest.find("-returning-") != std::string::npos) component = "transcriber";
    }
    for (const char* invented : kSlugs)
      cases.push_back({prefix + invented + rest, std::string(to_string(orig.symptom)),
                       std::string(to_string(orig.fault)), component});
  }
  int hits = 0;
  std::vector<std::string> misses;
  std::map<std::string, bool> seen;
  for (const Case& k : cases) {
    if (seen.count(k.code)) continue;
    seen[k.code] = true;
    REQUIRE(find_known(k.code) == nullptr);  // a sibling must be new
    const Classification c = classify(k.code);
    const bool ok = to_string(c.symptom) == k.want_symptom && to_string(c.fault) == k.want_fault &&
                    c.component == k.want_component;
    hits += ok ? 1 : 0;
    if (!ok)
      misses.push_back(k.code + ": want " + k.want_symptom + "/" + k.want_fault + "/" + k.want_component +
                       ", got " + describe(c) + (c.classified() ? " (" + std::string(c.rule) + ")" : ""));
  }
  const int total = static_cast<int>(seen.size());
  const double pct = percent(hits, total);
  std::printf("siblings: %d of %d made-up codes get their family's symptom, fault and component (%.1f %%)\n",
              hits, total, pct);
  for (const std::string& m : misses) std::printf("  miss  %s\n", m.c_str());
  CHECK(total > 600);
  CHECK(pct >= floor_of("siblings"));
}

TEST_CASE("the recorded figures are quoted in docs/updating-codes.md", "[generalisation]") {
  const std::string doc =
      vapidiag::test::read_file(std::string(VAPIDIAG_SOURCE_DIR) + "/docs/updating-codes.md");
  REQUIRE_FALSE(doc.empty());
  for (const auto& r : read_tsv("generalisation-floor.tsv")) {
    INFO(r[0] << " " << r[1]);
    CHECK(doc.find(r[1] + " %") != std::string::npos);
  }
}
