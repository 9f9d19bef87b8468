// The table and the matcher against Vapi's published lists and the rules in its docs.

#include "vapidiag/table.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <new>
#include <set>

#include "../src/glob.hpp"
#include "test_util.hpp"
#include "vapidiag/matcher.hpp"

using namespace vapidiag;
using vapidiag::test::read_tsv;

namespace {

std::vector<std::string> official() {
  std::vector<std::string> out;
  for (auto& r : read_tsv("official-codes.txt")) out.push_back(r[0]);
  return out;
}

// An independent reading of NOTES.md section 2: which component a provider code is.
std::string expected_component(const std::string& code) {
  static const char* prefixes[] = {"pipeline-error-", "call.in-progress.error-vapifault-",
                                   "call.in-progress.error-providerfault-"};
  std::string rest;
  for (const char* p : prefixes)
    if (code.rfind(p, 0) == 0) rest = code.substr(std::strlen(p));
  if (rest.rfind("outbound-sip-", 0) == 0) return "sip";
  static const std::vector<std::string> slugs = {"anthropic-bedrock",
                                                 "anthropic-vertex",
                                                 "azure-openai",
                                                 "custom-llm",
                                                 "deep-seek",
                                                 "inflection-ai",
                                                 "perplexity-ai",
                                                 "together-ai",
                                                 "eleven-labs",
                                                 "assembly-ai",
                                                 "azure-speech",
                                                 "rime-ai",
                                                 "smallest-ai",
                                                 "anthropic",
                                                 "anyscale",
                                                 "baseten",
                                                 "cerebras",
                                                 "deepinfra",
                                                 "groq",
                                                 "mistral",
                                                 "openrouter",
                                                 "runpod",
                                                 "xai",
                                                 "azure",
                                                 "cartesia",
                                                 "hume",
                                                 "inworld",
                                                 "lmnt",
                                                 "neuphonic",
                                                 "playht",
                                                 "sesame",
                                                 "wellsaid",
                                                 "microsoft",
                                                 "gladia",
                                                 "soniox",
                                                 "speechmatics",
                                                 "talkscriber",
                                                 "openai",
                                                 "google",
                                                 "minimax",
                                                 "vapi",
                                                 "deepgram",
                                                 "custom",
                                                 "tavus",
                                                 "11labs",
                                                 "neets"};
  std::string slug;
  for (const std::string& s : slugs)
    if (rest.rfind(s + "-", 0) == 0 && s.size() > slug.size()) slug = s;
  const std::string after = "-" + rest.substr(slug.size() + 1) + "-";
  for (const char* w : {"transcriber", "voice", "llm", "video"})
    if (after.find(std::string("-") + w + "-") != std::string::npos) return w;
  static const std::set<std::string> voice_only = {
      "azure",  "cartesia",    "hume",     "inworld",   "lmnt",        "neuphonic", "playht", "rime-ai",
      "sesame", "smallest-ai", "wellsaid", "microsoft", "eleven-labs", "11labs",    "neets"};
  static const std::set<std::string> transcriber_only = {"assembly-ai",  "azure-speech", "gladia",  "soniox",
                                                         "speechmatics", "talkscriber",  "deepgram"};
  if (voice_only.count(slug)) return "voice";
  if (transcriber_only.count(slug)) return "transcriber";
  if (slug == "tavus") return "video";
  return "llm";
}

}  // namespace

TEST_CASE("every official code is classified by a row or a specific pattern", "[table]") {
  const auto codes = official();
  REQUIRE(codes.size() == 595);
  for (const std::string& code : codes) {
    INFO(code);
    const Classification c = classify(code);
    CHECK((c.matched_by == MatchKind::Exact || c.matched_by == MatchKind::Pattern));
    CHECK(c.known);
    CHECK_FALSE(c.retired);
    CHECK(c.symptom != Symptom::Unknown);
    CHECK(c.fault != Fault::Unknown);
    CHECK(c.component != "unknown");
    CHECK(c.docs.rfind("https://docs.vapi.ai/", 0) == 0);
  }
}

TEST_CASE("fault tags decide the fault party and charging", "[table]") {
  for (const std::string& code : official()) {
    INFO(code);
    const Classification c = classify(code);
    if (code.find("error-vapifault-") != std::string::npos) {
      CHECK(c.fault == Fault::Vapi);
      CHECK_FALSE(c.charged);
    } else if (code.find("error-providerfault-") != std::string::npos) {
      CHECK(c.fault == Fault::Provider);
      CHECK(c.charged);
    }
    if (c.fault != Fault::Vapi) CHECK(c.charged);
  }
  // The listed Vapi-infrastructure codes are not charged either.
  for (const char* code : {"worker-shutdown", "call.start.error-vapifault-database-error"}) {
    INFO(code);
    CHECK_FALSE(classify(code).charged);
    CHECK(classify(code).fault == Fault::Vapi);
  }
}

TEST_CASE("a fault tag decides the fault over every row, alias, twin and pattern", "[table]") {
  auto tag_of = [](const std::string& code) {
    if (code.find("vapifault-") != std::string::npos) return Fault::Vapi;
    if (code.find("providerfault-") != std::string::npos) return Fault::Provider;
    return Fault::Unknown;
  };
  int tagged = 0;
  for (const std::string& code : official()) {
    const Fault want = tag_of(code);
    if (want == Fault::Unknown) continue;
    INFO(code);
    const Classification c = classify(code);
    CHECK(c.fault == want);
    CHECK(c.charged == (want != Fault::Vapi));
    CHECK_FALSE(c.fault_from_successor);
    ++tagged;
  }
  CHECK(tagged > 250);
  // Both prefixes of vapi-llm-failed are current (NOTES 8): each keeps its own fault.
  CHECK(classify("call.in-progress.error-vapifault-vapi-llm-failed").fault == Fault::Vapi);
  CHECK_FALSE(classify("call.in-progress.error-vapifault-vapi-llm-failed").retired);
  CHECK(classify("call.in-progress.error-providerfault-vapi-llm-failed").fault == Fault::Provider);
  // Synthetic codes: every twin suffix of the official list under both tags and under made-up
  // suffixes; the tag wins over whatever pattern explains the suffix.
  std::set<std::string> suffixes = {
      "zorblax-401-invalid",   "zorblax-voice-failed",     "openai-503-x",      "worker-gone",
      "outbound-sip-486-busy", "deepgram-returning-500-x", "tavus-video-failed"};
  for (const std::string& code : official())
    for (const char* p :
         {"pipeline-error-", "call.in-progress.error-vapifault-", "call.in-progress.error-providerfault-"})
      if (code.rfind(p, 0) == 0) suffixes.insert(code.substr(std::strlen(p)));
  for (const std::string& s : suffixes) {
    for (const auto& [prefix, want] :
         {std::pair<std::string, Fault>{"call.in-progress.error-vapifault-", Fault::Vapi},
          {"call.in-progress.error-providerfault-", Fault::Provider}}) {
      const std::string code = prefix + s;
      INFO(code);
      const Classification c = classify(code);
      if (c.retired) {
        // A retired code Vapi moved to the other prefix keeps its successor's fault and says so.
        CHECK(c.fault_from_successor == (c.fault != want));
        continue;
      }
      CHECK(c.fault == want);
      CHECK(c.charged == (want != Fault::Vapi));
    }
  }
  const Classification moved = classify("call.in-progress.error-vapifault-openai-llm-failed");
  CHECK(moved.retired);
  CHECK(moved.fault == Fault::Provider);
  CHECK(moved.fault_from_successor);
}

TEST_CASE("the guide's short spellings resolve exactly like the full codes", "[table]") {
  int checked = 0;
  for (const std::string& code : official()) {
    const std::string phase = "call.in-progress.error-";
    if (code.rfind(phase, 0) != 0) continue;
    const std::string short_form = code.substr(phase.size());
    if (find_known(short_form)) continue;  // a published code in its own right
    INFO(short_form);
    const Classification s = classify(short_form), full = classify(code);
    CHECK(s.matched_by == MatchKind::Alias);
    CHECK(s.rule == code);
    CHECK(s.symptom == full.symptom);
    CHECK(s.fault == full.fault);
    CHECK(s.component == full.component);
    CHECK(s.retry == full.retry);
    CHECK(s.charged == full.charged);
    CHECK(render_meaning(s) == render_meaning(full));
    CHECK(render_fix(s) == render_fix(full));
    ++checked;
  }
  CHECK(checked > 200);
  const Classification guide = classify("pipeline-no-available-llm-model");
  CHECK(guide.rule == "call.in-progress.error-pipeline-no-available-llm-model");
  CHECK(guide.symptom == Symptom::Silent);
  CHECK(guide.fault == Fault::Customer);
  // Not a short form of anything: stays unknown.
  CHECK_FALSE(classify("no-such-thing-at-all").classified());
}

TEST_CASE("provider codes get the component NOTES.md gives them", "[table]") {
  int checked = 0;
  for (const std::string& code : official()) {
    const bool pipeline = code.rfind("pipeline-error-", 0) == 0;
    const bool tagged = code.rfind("call.in-progress.error-vapifault-", 0) == 0 ||
                        code.rfind("call.in-progress.error-providerfault-", 0) == 0;
    const Classification c = classify(code);
    if (!(pipeline || tagged) || c.matched_by != MatchKind::Pattern) continue;
    INFO(code);
    CHECK(c.component == expected_component(code));
    if (expected_component(code) == "sip") {
      CHECK(c.symptom == Symptom::TransferFailed);
    } else {
      CHECK(c.symptom == Symptom::Silent);
      CHECK_FALSE(c.provider.empty());
    }
    ++checked;
  }
  CHECK(checked > 450);
}

TEST_CASE("every code of the troubleshooting guide gets the guide's symptom", "[table]") {
  const auto codes = official();
  int checked = 0;
  for (const auto& row : read_tsv("guide-symptoms.tsv")) {
    const std::string& code = row[0];
    const Symptom want = *parse_symptom(row[1]);
    INFO(code << " in section " << row[1]);
    if (code.find('*') == std::string::npos) {
      // The guide's own spellings (short forms, retired names) must resolve as they are.
      const Classification c = classify(code);
      CHECK(c.classified());
      CHECK(c.symptom == want);
      ++checked;
      continue;
    }
    for (const std::string& real : codes) {
      if (!glob_match(code, real)) continue;
      // Deliberate: outbound SIP answers are carrier rejections, not model errors.
      if (want == Symptom::Silent && real.find("outbound-sip") != std::string::npos) continue;
      INFO(real);
      CHECK(classify(real).symptom == want);
      ++checked;
    }
  }
  CHECK(checked > 400);
}

TEST_CASE("every retired code is classified and names its successor", "[table]") {
  const auto rows = read_tsv("retired-codes.tsv");
  REQUIRE(rows.size() == 78);
  for (const auto& r : rows) {
    INFO(r[0]);
    const Classification c = classify(r[0]);
    CHECK(c.classified());
    CHECK(c.matched_by != MatchKind::Decoded);
    CHECK(c.retired);
    CHECK(c.known);
    // Two retired catch-alls said nothing about the failure; unknown is their honest answer.
    if (r[0] != "unknown-error" && r[0] != "assistant-error") CHECK(c.fault != Fault::Unknown);
    if (r[0] != "unknown-error") CHECK(c.symptom != Symptom::Unknown);
    if (!c.successor.empty()) {
      CHECK(c.matched_by == MatchKind::Alias);
      const Classification s = classify(c.successor);
      CHECK_FALSE(s.retired);
      CHECK(s.symptom == c.symptom);
      CHECK(s.fault == c.fault);
    }
  }
  // The renames of NOTES.md section 4.
  const std::pair<const char*, const char*> renames[] = {
      {"assistant-not-invalid", "assistant-not-valid"},
      {"db-error", "call.start.error-vapifault-database-error"},
      {"database-error", "call.start.error-vapifault-database-error"},
      {"call.start.error-get-org", "call.start.error-vapifault-get-org"},
      {"pipeline-no-available-model", "call.in-progress.error-pipeline-no-available-llm-model"},
      {"sip-gateway-failed-to-connect-call", "call.in-progress.error-sip-outbound-call-failed-to-connect"},
      {"vapifault-transport-never-connected", "call.in-progress.error-vapifault-transport-never-connected"},
      {"call.in-progress.error-vapifault-openai-llm-failed",
       "call.in-progress.error-providerfault-openai-llm-failed"},
      {"call.in-progress.error-vapifault-11labs-transcriber-failed",
       "call.in-progress.error-vapifault-eleven-labs-transcriber-failed"},
      {"pipeline-error-deepgram-403-model-access-denied",
       "pipeline-error-deepgram-returning-403-model-access-denied"},
  };
  for (auto [old_code, current] : renames) {
    INFO(old_code);
    CHECK(classify(old_code).successor == current);
  }
  for (const char* gone :
       {"assistant-error", "unknown-error", "no-server-available", "license-check-failed"}) {
    INFO(gone);
    const Classification c = classify(gone);
    CHECK(c.retired);
    CHECK(c.successor.empty());
    CHECK(c.matched_by == MatchKind::Exact);
  }
}

TEST_CASE("pattern precedence resolves the documented ambiguities", "[matcher]") {
  auto sip403 = classify("call.in-progress.error-providerfault-outbound-sip-403-forbidden");
  CHECK(sip403.rule == "*-outbound-sip-403-*");
  CHECK(sip403.component == "sip");
  CHECK(sip403.symptom == Symptom::TransferFailed);
  CHECK(sip403.status == "403");
  CHECK(sip403.retry == Retry::FixFirst);
  auto sip503 = classify("call.in-progress.error-providerfault-outbound-sip-503-service-unavailable");
  CHECK(sip503.rule == "*-outbound-sip-503-*");
  CHECK(sip503.retry == Retry::RetryLater);
  CHECK(classify("pipeline-error-openai-403-model-access-denied").rule == "*-403-model-access-denied");
  auto chars = classify("pipeline-error-playht-403-forbidden-out-of-characters");
  CHECK(chars.rule == "*-403-forbidden-out-of-characters");
  CHECK(render_meaning(chars).find("character") != std::string::npos);
  // A component word beats the provider's usual component.
  CHECK(classify("pipeline-error-openai-voice-failed").component == "voice");
  CHECK(classify("pipeline-error-openai-transcriber-failed").component == "transcriber");
  CHECK(classify("pipeline-error-openai-429-exceeded-quota").component == "llm");
  CHECK(classify("pipeline-error-deepgram-voice-failed").component == "voice");
  CHECK(classify("pipeline-error-custom-llm-llm-failed").provider == "custom-llm");
  CHECK(classify("pipeline-error-eleven-labs-vapi-voice-disabled-by-owner").provider == "eleven-labs");
  // Quota is a hard limit; a rate limit is worth retrying later.
  CHECK(classify("pipeline-error-openai-429-exceeded-quota").retry == Retry::FixFirst);
  CHECK(classify("pipeline-error-openai-429-rate-limit-reached").retry == Retry::RetryLater);
  // 4xx with your own key is yours; 5xx is the provider's.
  CHECK(classify("pipeline-error-openai-401-unauthorized").fault == Fault::Customer);
  CHECK(classify("pipeline-error-openai-500-server-error").fault == Fault::Provider);
  CHECK(classify("call.in-progress.error-vapifault-openai-401-unauthorized").fault == Fault::Vapi);
}

TEST_CASE("codes no row names are decoded from their parts", "[matcher]") {
  auto acme = classify("pipeline-error-acme-voice-failed");
  CHECK(acme.classified());
  CHECK(acme.component == "voice");
  CHECK(acme.provider == "acme");
  CHECK(acme.symptom == Symptom::Silent);
  CHECK_FALSE(acme.known);

  auto rl = classify("call.in-progress.error-vapifault-acme-transcriber-rate-limited");
  CHECK(rl.fault == Fault::Vapi);
  CHECK(rl.component == "transcriber");
  CHECK(rl.retry == Retry::RetryLater);
  CHECK(rl.provider == "acme");
  CHECK_FALSE(rl.charged);

  auto teapot = classify("pipeline-error-acme-418-teapot");
  CHECK(teapot.matched_by == MatchKind::Decoded);
  CHECK(teapot.status == "418");
  CHECK(teapot.fault == Fault::Customer);
  CHECK(teapot.retry == Retry::FixFirst);
  CHECK(teapot.component == "llm");

  auto outage = classify("call.in-progress.error-providerfault-newvoice-voice-599-down");
  CHECK(outage.fault == Fault::Provider);
  CHECK(outage.component == "voice");
  CHECK(outage.provider == "newvoice");

  CHECK(classify("call.start.error-brand-new-check").symptom == Symptom::NeverRang);
  CHECK(classify("call.start.error-brand-new-check").matched_by == MatchKind::Decoded);
  CHECK(classify("call.ringing.something-new").symptom == Symptom::NoAnswer);
  CHECK(classify("call.forwarding.something-new").symptom == Symptom::TransferFailed);
  CHECK(classify("call.in-progress.error-vapifault-new-infra-thing").fault == Fault::Vapi);
  // A new provider for a known family still names the family's meaning.
  auto known_family = classify("pipeline-error-newllm-503-server-overloaded-error");
  CHECK(known_family.matched_by == MatchKind::Pattern);
  CHECK(known_family.provider == "newllm");
  CHECK(render_meaning(known_family).find("overloaded") != std::string::npos);

  auto unknown = classify("something-else-entirely");
  CHECK(unknown.matched_by == MatchKind::Unknown);
  CHECK(unknown.symptom == Symptom::Unknown);
}

TEST_CASE("unknown codes get did-you-mean suggestions", "[matcher]") {
  auto has = [](std::string_view code, std::string_view want) {
    for (std::string_view s : suggest(code))
      if (s == want) return true;
    return false;
  };
  CHECK(has("hangup", "customer-ended-call"));
  CHECK(has("customer-hangup", "customer-ended-call"));
  CHECK(suggest("voicemail-reached")[0] == "voicemail");
  CHECK(suggest("max-duration-reached")[0] == "exceeded-max-duration");
  CHECK(suggest("no-answer")[0] == "customer-did-not-answer");
  CHECK(suggest("customer-busyy")[0] == "customer-busy");
  CHECK(suggest("silence-timedout")[0] == "silence-timed-out");
  CHECK(has("assistant-ended", "assistant-ended-call"));
  CHECK(suggest("zzzzzzzzzzzzzzzzzzzz")[0].empty());
  CHECK(suggest("")[0].empty());
}

namespace {

// The plain full-matrix edit distance over every code, with suggest()'s scoring: the oracle
// for the pruned search in suggest().
std::array<std::string_view, 3> suggest_reference(std::string_view code) {
  const std::string_view a = code.substr(0, 160);
  std::array<std::string_view, 3> out{};
  if (a.size() < 3) return out;
  const int limit = std::max(2, static_cast<int>(a.size()) / 3);
  std::vector<std::pair<int, std::string_view>> scored;
  for (const KnownCode& k : known_codes()) {
    const std::string_view b = k.code.substr(0, 160);
    int score;
    if (a.size() >= 5 && b.find(a) != std::string_view::npos) {
      score = 1 + static_cast<int>((b.size() - a.size()) / 8);
    } else {
      std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
      for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
      for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
      for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j)
          d[i][j] =
              std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      score = d[a.size()][b.size()];
    }
    if (score <= limit) scored.emplace_back(score * 2 + (k.retired ? 1 : 0), k.code);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (std::size_t i = 0; i < out.size() && i < scored.size(); ++i) out[i] = scored[i].second;
  return out;
}

}  // namespace

TEST_CASE("suggest() finds what a full edit-distance scan finds", "[matcher]") {
  std::vector<std::string> inputs = {"customer-hangupp", "zzzzzzzzzzzzzzzzzzzz", "abc",
                                     "pipeline-error",   std::string(150, 'x'),  std::string(300, '-')};
  // Typos of real codes: one to six random edits each, with a fixed seed.
  std::uint32_t state = 12345;
  auto rnd = [&](std::uint32_t n) {
    state = state * 1664525u + 1013904223u;
    return (state >> 8) % n;
  };
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-._";
  const auto codes = known_codes();
  for (int t = 0; t < 400; ++t) {
    std::string s(codes[rnd(static_cast<std::uint32_t>(codes.size()))].code);
    const int edits = 1 + static_cast<int>(rnd(6));
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const std::size_t at = rnd(static_cast<std::uint32_t>(s.size()));
      switch (rnd(3)) {
        case 0:
          s.erase(at, 1);
          break;
        case 1:
          s.insert(at, 1, alphabet[rnd(static_cast<std::uint32_t>(alphabet.size()))]);
          break;
        default:
          s[at] = alphabet[rnd(static_cast<std::uint32_t>(alphabet.size()))];
      }
    }
    inputs.push_back(s);
  }
  int compared = 0;
  for (const std::string& in : inputs) {
    const auto hs = hints();
    if (std::any_of(hs.begin(), hs.end(), [&](const Hint& h) { return h.code == in; })) continue;
    INFO(in);
    const auto got = suggest(in);
    const auto want = suggest_reference(in);
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == want[i]);
    ++compared;
  }
  CHECK(compared > 350);
}

TEST_CASE("lenient input: whitespace, quotes, case", "[matcher]") {
  char buf[128];
  CHECK(normalize_code("  \"Customer-Busy\"  ", buf, sizeof buf) == "customer-busy");
  CHECK(normalize_code("'voicemail'", buf, sizeof buf) == "voicemail");
  CHECK(normalize_code("\"silence-timed-out\",", buf, sizeof buf) == "silence-timed-out");
  CHECK(normalize_code("`worker-shutdown`\r\n", buf, sizeof buf) == "worker-shutdown");
  CHECK(normalize_code("   ", buf, sizeof buf).empty());
  CHECK(classify(normalize_code(" PIPELINE-ERROR-OPENAI-429-EXCEEDED-QUOTA ", buf, sizeof buf)).classified());
}

TEST_CASE("rendered texts name the parts and leave no placeholder", "[render]") {
  for (const KnownCode& k : known_codes()) {
    const Classification c = classify(k.code);
    INFO(k.code);
    const std::string meaning = render_meaning(c), fix = render_fix(c);
    CHECK(meaning.find('{') == std::string::npos);
    CHECK(fix.find('{') == std::string::npos);
    CHECK(meaning.size() > 20);
    CHECK(fix.size() > 30);
    // Provider codes point at that provider: its name, its console or its status page.
    if (c.provider_info && c.matched_by == MatchKind::Pattern)
      CHECK((fix.find(c.provider_info->name) != std::string::npos ||
             fix.find(c.provider_info->console) != std::string::npos ||
             fix.find(c.provider_info->status_page) != std::string::npos));
  }
  auto q = classify("pipeline-error-openai-429-exceeded-quota");
  CHECK(render_fix(q).find("OpenAI") != std::string::npos);
  CHECK(render_fix(q).find("fallbackModels") != std::string::npos);
  auto v = classify("call.in-progress.error-vapifault-eleven-labs-voice-not-found");
  // A Vapi-side 4xx: nothing for the customer to fix; retry later and escalate.
  CHECK(v.retry == Retry::RetryLater);
  CHECK(render_fix(v).rfind("Retry later, and send repeated cases", 0) == 0);
}

TEST_CASE("a published code's first matching pattern row is the one the table names", "[table]") {
  // The matcher starts a known code's pattern scan at KnownCode::first_pattern: every row
  // before it must fail to match, and the row itself (unless there is none) must match.
  const auto rows = pattern_rows();
  std::size_t matched = 0;
  for (const KnownCode& k : known_codes()) {
    std::size_t first = 0;
    while (first < rows.size() && !glob_match(rows[first].pattern, k.code)) ++first;
    INFO(k.code);
    REQUIRE(k.first_pattern == first);
    matched += first < rows.size();
  }
  CHECK(matched > known_codes().size() / 2);
}

TEST_CASE("table invariants", "[table]") {
  std::set<std::string_view> seen;
  for (const CodeRow& r : code_rows()) {
    CHECK(seen.insert(r.code).second);
    CHECK(find_known(r.code) != nullptr);
  }
  std::set<std::string_view> known;
  for (const KnownCode& k : known_codes()) CHECK(known.insert(k.code).second);
  CHECK(known.size() == 595 + 78);
  // Every specific pattern explains at least one published code; decode rows come last.
  bool in_decode = false;
  for (const PatternRow& p : pattern_rows()) {
    INFO(p.pattern);
    if (p.decode) {
      in_decode = true;
      continue;
    }
    CHECK_FALSE(in_decode);
    bool any = false;
    for (const KnownCode& k : known_codes()) any = any || glob_match(p.pattern, k.code);
    CHECK(any);
  }
  for (const Provider& p : providers()) CHECK_FALSE(p.name.empty());
}

// Counting allocations proves classification allocates nothing.
namespace {
std::size_t g_allocations = 0;
}
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
// Every form is replaced, so that allocation and release always pair (ASan checks it).
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++g_allocations;
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

TEST_CASE("classification allocates nothing", "[matcher]") {
  std::vector<std::string_view> codes;
  for (const KnownCode& k : known_codes()) codes.push_back(k.code);
  codes.push_back("pipeline-error-acme-voice-failed");
  codes.push_back("no-such-code-at-all");
  const std::size_t before = g_allocations;
  std::size_t classified = 0;
  for (std::string_view code : codes) classified += classify(code).classified() ? 1 : 0;
  CHECK(g_allocations == before);
  CHECK(classified == codes.size() - 1);
}
