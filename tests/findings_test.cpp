// Each finding fires on its evidence and stays quiet without it (fixtures in
// tests/data/findings, made by tests/make_findings_fixtures.py).

#include "vapidiag/findings.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "test_util.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/reader.hpp"
#include "vapidiag/summary.hpp"

using namespace vapidiag;

namespace {

struct Collect final : RecordSink {
  std::vector<CallRecord> calls;
  std::vector<std::string> bad;
  void on_call(const CallRecord& rec, const RecordPos&) override { calls.push_back(rec); }
  void on_bad_record(std::string_view, const RecordPos&, std::string_view m) override { bad.emplace_back(m); }
  void on_file_error(std::string_view, std::string_view m) override { bad.emplace_back(m); }
};

std::vector<CallRecord> load(const std::string& name) {
  Collect c;
  read_file(test::data_path("findings/" + name), c);
  REQUIRE(c.bad.empty());
  return c.calls;
}

std::vector<std::string> ids_of(const CallRecord& rec, const Thresholds& t = {}) {
  std::vector<Finding> f;
  const Classification c = classify(rec.ended_reason);
  find_call_findings(rec, c, t, f);
  std::vector<std::string> ids;
  for (const Finding& x : f) ids.emplace_back(x.def->id);
  return ids;
}

bool has(const std::vector<std::string>& v, std::string_view id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

Summary summarise(const std::string& name, const Thresholds& t = {}) {
  Summary s;
  s.burst_window_ms = static_cast<std::int64_t>(t.get("burst-window-s") * 1000);
  for (const CallRecord& rec : load(name)) s.add_call(rec, classify(rec.ended_reason));
  return s;
}

std::vector<std::string> cross_ids(const Summary& s, const Thresholds& t = {}) {
  std::vector<std::string> ids;
  for (const CrossFinding& f : find_cross_findings(s, t)) ids.emplace_back(f.def->id);
  return ids;
}

}  // namespace

TEST_CASE("every finding has a fixture, an explanation and a stable id", "[findings]") {
  REQUIRE(finding_defs().size() >= 10);
  for (const FindingDef& f : finding_defs()) {
    INFO(f.id);
    CHECK(std::filesystem::exists(test::data_path("findings/" + std::string(f.id) + ".ndjson")));
    CHECK(f.explanation.size() > 60);
  }
}

TEST_CASE("per-call findings fire on their evidence and stay quiet without it", "[findings]") {
  for (const FindingDef& def : finding_defs()) {
    const std::string id(def.id);
    if (id.rfind("summary.", 0) == 0) continue;
    INFO(id);
    const auto calls = load(id + ".ndjson");
    REQUIRE(calls.size() == 2);
    CHECK(has(ids_of(calls[0]), id));
    CHECK_FALSE(has(ids_of(calls[1]), id));
  }
}

TEST_CASE("a code's finding mask says what the globs say, and finds the same findings", "[findings]") {
  const auto defs = finding_defs();
  REQUIRE(defs.size() <= 64);  // every definition has its bit
  std::vector<std::string> codes = {"", "no-such-code", "call.forwarding.operator-busy",
                                    "pipeline-error-x-y"};
  for (const KnownCode& k : known_codes()) codes.emplace_back(k.code);
  for (const std::string& code : codes) {
    const FindingMask mask = applicable_findings(code);
    for (std::size_t i = 0; i < defs.size(); ++i) {
      INFO(code << " / " << defs[i].id);
      CHECK(((mask >> i) & 1) == (applies_to(defs[i].applies, code) ? 1u : 0u));
    }
  }
  const Thresholds t;
  for (const FindingDef& def : defs) {
    if (std::string_view(def.id).starts_with("summary.")) continue;
    for (const CallRecord& rec : load(std::string(def.id) + ".ndjson")) {
      const Classification c = classify(rec.ended_reason);
      for (const bool detail : {true, false}) {
        INFO(def.id << ", detail " << detail);
        std::vector<Finding> globs, masked, none;
        find_call_findings(rec, c, t, globs, detail);
        find_call_findings(rec, c, t, masked, detail, applicable_findings(c.code));
        REQUIRE(masked.size() == globs.size());
        for (std::size_t i = 0; i < globs.size(); ++i) {
          CHECK(masked[i].def == globs[i].def);
          CHECK(masked[i].message == globs[i].message);
        }
        // The mask is what decides: with no bit set nothing is found.
        find_call_findings(rec, c, t, none, detail, FindingMask{0});
        CHECK(none.empty());
      }
    }
  }
}

TEST_CASE("evidence changes the symptom and both are kept", "[findings]") {
  auto calls = load("unanswered-caller.ndjson");
  std::vector<Finding> f;
  const Classification c = classify(calls[0].ended_reason);
  find_call_findings(calls[0], c, Thresholds{}, f);
  CHECK(c.symptom == Symptom::EndedNormally);
  CHECK(evidence_symptom(c, f) == Symptom::Silent);

  calls = load("transfer-not-completed.ndjson");
  const Classification t = classify(calls[0].ended_reason);
  find_call_findings(calls[0], t, Thresholds{}, f);
  CHECK(t.symptom == Symptom::EndedNormally);
  CHECK(evidence_symptom(t, f) == Symptom::TransferFailed);
  REQUIRE_FALSE(f.empty());
  CHECK(f[0].evidence[0].field == "artifact.transfers[0].status");
  CHECK(f[0].evidence[0].value == "no-answer");

  calls = load("never-connected.ndjson");
  const Classification n = classify(calls[0].ended_reason);
  find_call_findings(calls[0], n, Thresholds{}, f);
  CHECK(n.symptom == Symptom::TransferFailed);
  CHECK(evidence_symptom(n, f) == Symptom::NeverRang);
}

TEST_CASE("thresholds are tunable", "[findings]") {
  const auto calls = load("slow-turns.ndjson");
  Thresholds t;
  CHECK(has(ids_of(calls[0], t), "slow-turns"));
  REQUIRE(t.set("slow-turn-ms", 5000));
  CHECK_FALSE(has(ids_of(calls[0], t), "slow-turns"));
  CHECK_FALSE(t.set("no-such-threshold", 1));
  const auto hang = load("immediate-hangup.ndjson");
  Thresholds quick;
  quick.set("quick-hangup-s", 2);
  CHECK_FALSE(has(ids_of(hang[0], quick), "immediate-hangup"));
}

TEST_CASE("findings across calls: bursts, concentration, rising rate", "[findings]") {
  CHECK(has(cross_ids(summarise("summary.burst.ndjson")), "summary.burst"));
  CHECK_FALSE(has(cross_ids(summarise("summary.burst.quiet.ndjson")), "summary.burst"));
  Thresholds strict;
  strict.set("burst-min", 6);
  CHECK_FALSE(has(cross_ids(summarise("summary.burst.ndjson", strict), strict), "summary.burst"));

  CHECK(has(cross_ids(summarise("summary.concentrated.ndjson")), "summary.concentrated"));
  CHECK_FALSE(has(cross_ids(summarise("summary.concentrated.quiet.ndjson")), "summary.concentrated"));

  CHECK(has(cross_ids(summarise("summary.rising.ndjson")), "summary.rising"));
  CHECK_FALSE(has(cross_ids(summarise("summary.rising.quiet.ndjson")), "summary.rising"));
}
