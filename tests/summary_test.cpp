// Summaries: accounting, JSON round trip, and merging shards exactly like one run.

#include "vapidiag/summary.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <sstream>

#include "../src/report/json.hpp"  // PrettyJson (private to the library)
#include "vapidiag/matcher.hpp"
#include "vapidiag/report.hpp"
#include "vapidiag/table.hpp"
#include "vapidiag/text.hpp"

using namespace vapidiag;

namespace {

std::vector<CallRecord> make_calls(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::string_view> codes;
  for (const KnownCode& k : known_codes()) codes.push_back(k.code);
  codes.push_back("pipeline-error-acme-voice-failed");
  codes.push_back("totally-unknown-code");
  std::vector<CallRecord> out;
  for (std::size_t i = 0; i < n; ++i) {
    CallRecord r;
    r.id = "call-" + std::to_string(i);
    r.has_ended_reason = true;
    r.ended_reason =
        std::string(rng() % 3 ? std::string_view("customer-ended-call") : codes[rng() % codes.size()]);
    r.started_at = 1719700000000 + static_cast<std::int64_t>(rng() % (86400000ull * 3));
    r.ended_at = r.started_at + static_cast<std::int64_t>(rng() % 600000);
    r.assistant_id = "asst-" + std::to_string(rng() % 5);
    if (rng() % 4) r.phone_number_id = "num-" + std::to_string(rng() % 3);
    if (rng() % 2) {
      r.has_cost = true;
      r.cost = static_cast<double>(rng() % 1000) / 1000.0;
    }
    out.push_back(r);
  }
  return out;
}

Summary run(const std::vector<CallRecord>& calls, std::size_t from, std::size_t to) {
  Summary s;
  ReadStats st;
  for (std::size_t i = from; i < to; ++i) {
    std::vector<Finding> found{{find_finding("slow-turns"), {}, {}}};
    if (i % 7 == 0) found.push_back({find_finding("unanswered-caller"), {}, {}});
    s.add_call(calls[i], classify(calls[i].ended_reason), found);
    ++st.records;
    ++st.calls;
  }
  st.not_ended = 2;
  st.records += 2;
  s.add_read_stats(st, 1);
  return s;
}

}  // namespace

TEST_CASE("merging shard summaries equals summarising everything at once", "[summary]") {
  const auto calls = make_calls(5000, 7);
  Summary whole = run(calls, 0, calls.size());
  whole.files = 3;
  Summary merged;
  // Uneven shards, merged through their JSON form as the CLI does.
  const std::size_t cuts[] = {0, 1234, 4000, calls.size()};
  for (int i = 0; i < 3; ++i) {
    const Summary shard = run(calls, cuts[i], cuts[i + 1]);
    Summary back;
    std::string err;
    REQUIRE(Summary::from_json(shard.to_json(), &back, &err));
    merged.merge(back);
  }
  whole.stats.not_ended = 6;
  whole.stats.records = whole.stats.calls + 6;
  CHECK(merged.to_json() == whole.to_json());
  CHECK(merged.stats.records ==
        merged.stats.calls + merged.stats.not_ended + merged.stats.skipped + merged.stats.unreadable);
}

TEST_CASE("a table past its key limit keeps the same keys whatever the order and the shards", "[summary]") {
  // More distinct assistants and numbers than a table keeps: which ones are kept must not
  // depend on the order of the calls, or a merge of shards would differ from one run.
  const std::size_t n = Summary::kMaxKeys * 2 + 500;
  std::vector<CallRecord> calls;
  for (std::size_t i = 0; i < n; ++i) {
    CallRecord r;
    r.id = "call-" + std::to_string(i);
    r.has_ended_reason = true;
    r.ended_reason = i % 3 ? "customer-ended-call" : "pipeline-error-openai-llm-failed";
    r.started_at = 1719700000000 + static_cast<std::int64_t>(i) * 1000;
    r.assistant_id = "asst-" + std::to_string(i);
    r.phone_number_id = "num-" + std::to_string(i % (Summary::kMaxKeys + 7));
    calls.push_back(r);
  }
  auto summarise = [](const std::vector<CallRecord>& cs) {
    Summary s;
    for (const CallRecord& r : cs) s.add_call(r, classify(r.ended_reason));
    return s;
  };
  const Summary forward = summarise(calls);
  CHECK(forward.truncated);
  REQUIRE(forward.assistants.count("(other)") == 1);
  CHECK(forward.assistants.size() == Summary::kMaxKeys + 1);
  CHECK(forward.assistants.at("(other)").calls == n - Summary::kMaxKeys);
  // Every kept number has all of its calls.
  std::uint64_t kept_calls = 0;
  for (const auto& [k, v] : forward.phone_numbers)
    if (k != "(other)") kept_calls += v.calls;
  CHECK(kept_calls + forward.phone_numbers.at("(other)").calls == n);

  std::vector<CallRecord> backward(calls.rbegin(), calls.rend());
  CHECK(summarise(backward).to_json() == forward.to_json());

  std::vector<CallRecord> shuffled = calls;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(3));
  Summary merged;
  for (std::size_t part = 0; part < 3; ++part) {
    const auto from = shuffled.begin() + static_cast<std::ptrdiff_t>(part * n / 3);
    const auto to = shuffled.begin() + static_cast<std::ptrdiff_t>((part + 1) * n / 3);
    Summary shard;
    std::string err;
    REQUIRE(Summary::from_json(summarise(std::vector<CallRecord>(from, to)).to_json(), &shard, &err));
    merged.merge(shard);
  }
  CHECK(merged.to_json() == forward.to_json());
}

TEST_CASE("a summary with more failure windows than a table keeps writes and reads back", "[summary]") {
  // Failures a minute apart over weeks: more (code, window) buckets than the table keeps,
  // so some go under (other), which has no window. Writing it once threw std::stoll's
  // invalid_argument and aborted `summary --format json` on large logs.
  const std::size_t n = Summary::kMaxKeys + 2000;
  Summary s;
  for (std::size_t i = 0; i < n; ++i) {
    CallRecord r;
    r.id = "call-" + std::to_string(i);
    r.has_ended_reason = true;
    r.ended_reason = "pipeline-error-openai-llm-failed";
    r.started_at = 1719700000000 + static_cast<std::int64_t>(i) * 120000;
    s.add_call(r, classify(r.ended_reason));
  }
  REQUIRE(s.failure_buckets.count("(other)") == 1);
  std::string json;
  REQUIRE_NOTHROW(json = s.to_json());
  Summary back;
  std::string err;
  REQUIRE(Summary::from_json(json, &back, &err));
  CHECK(back.failure_buckets == s.failure_buckets);
  CHECK(back.to_json() == json);
}

TEST_CASE("summary counts add up", "[summary]") {
  const auto calls = make_calls(1000, 11);
  const Summary s = run(calls, 0, calls.size());
  std::uint64_t sym = 0, fault = 0, codes = 0;
  for (auto n : s.by_symptom) sym += n;
  for (auto n : s.by_fault) fault += n;
  for (const auto& [k, v] : s.codes) codes += v;
  CHECK(sym == 1000);
  CHECK(fault == 1000);
  CHECK(codes == 1000);
  std::uint64_t not_charged = 0;
  for (const CallRecord& r : calls) not_charged += classify(r.ended_reason).charged ? 0 : 1;
  CHECK(s.not_charged_calls == not_charged);
  CHECK(s.not_charged_ids.size() == not_charged);
}

TEST_CASE("summary JSON is checked when read back", "[summary]") {
  Summary s;
  std::string err;
  CHECK_FALSE(Summary::from_json("[]", &s, &err));
  CHECK_FALSE(Summary::from_json("{\"schema_version\": 99, \"kind\": \"summary\"}", &s, &err));
  CHECK(err.find("version 99") != std::string::npos);
  CHECK_FALSE(Summary::from_json("{\"schema_version\": 2, \"kind\": \"summary\"}", &s, &err));
  CHECK(err.find("malformed") != std::string::npos);
  CHECK_FALSE(Summary::from_json("{\"schema_version\": 2, \"kind\": \"verdict\"}", &s, &err));
  CHECK(err.find("not a vapidiag summary") != std::string::npos);
  // Version 1 (an older vapidiag) is named as such.
  CHECK_FALSE(Summary::from_json("{\"vapidiag_summary\": 1}", &s, &err));
  CHECK(err.find("version 1") != std::string::npos);
  CHECK_FALSE(Summary::from_json("not json", &s, &err));
}

TEST_CASE("ISO 8601 formatting", "[summary]") {
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso8601(1719717574420) == "2024-06-30T03:19:34.420Z");
  CHECK(format_iso8601(kNoTime).empty());
  char buf[16];
  // The fast hour key agrees with the C library over a wide range of times.
  for (std::int64_t ms = -86400000LL * 800; ms < 4102444800000LL; ms += 7777777777LL)
    CHECK(hour_key(ms, buf) == format_iso8601(ms).substr(0, 13));
  CHECK(hour_key(1719717574420, buf) == "2024-06-30T03");
}

TEST_CASE("a merged summary recomputes its rates and keeps the samples of one run", "[summary]") {
  // Two shards with very different failure rates: the merged rates are those of all the
  // calls together, never a sum or an average of the shards' rates.
  auto call = [](int i, const char* code) {
    CallRecord r;
    r.id = "call-" + std::to_string(i);
    r.has_ended_reason = true;
    r.ended_reason = code;
    r.started_at = 1719700000000 + static_cast<std::int64_t>(i) * 3600000;
    r.assistant_id = i % 2 ? "asst-a" : "asst-b";
    return r;
  };
  Summary a, b, whole;
  for (int i = 0; i < 10; ++i) {
    const CallRecord r =
        call(i, i < 9 ? "customer-ended-call" : "call.in-progress.error-vapifault-worker-died");
    a.add_call(r, classify(r.ended_reason));
    whole.add_call(r, classify(r.ended_reason));
  }
  for (int i = 10; i < 14; ++i) {
    const CallRecord r = call(i, "call.in-progress.error-vapifault-worker-died");
    b.add_call(r, classify(r.ended_reason));
    whole.add_call(r, classify(r.ended_reason));
  }
  Summary merged, back_a, back_b;
  std::string err;
  REQUIRE(Summary::from_json(a.to_json(), &back_a, &err));
  REQUIRE(Summary::from_json(b.to_json(), &back_b, &err));
  merged.merge(back_a);
  merged.merge(back_b);
  CHECK(merged.to_json() == whole.to_json());
  // In the other order only the not-charged IDs (input order) differ: the samples do not.
  Summary reversed;
  reversed.merge(back_b);
  reversed.merge(back_a);
  reversed.not_charged_ids = merged.not_charged_ids;
  CHECK(reversed.to_json() == merged.to_json());
  CHECK(merged.failures() == 5);
  CHECK(merged.calls() == 14);
  const std::string j = merged.to_json();
  CHECK(j.find("\"failure_rate\": 0.357143") != std::string::npos);  // 5 / 14
  const CodeCount& died = merged.codes.at("call.in-progress.error-vapifault-worker-died");
  CHECK(died.calls == 5);
  CHECK(died.sample_ids.size() == CodeCount::kSamples);
  // Failures by hour and fault party add up to the totals.
  std::uint64_t vapi = 0;
  for (const auto& [hour, h] : merged.hours) vapi += h.by_fault[static_cast<std::size_t>(Fault::Vapi)];
  CHECK(vapi == merged.by_fault[static_cast<std::size_t>(Fault::Vapi)]);
}

TEST_CASE("summary text fits a terminal's width by cutting the last column", "[summary][text]") {
  Summary s;
  for (const char* code :
       {"customer-ended-call", "assistant-forwarded-call", "pipeline-error-openai-429-exceeded-quota"}) {
    CallRecord r;
    r.id = code;
    r.ended_reason = code;
    s.add_call(r, classify(r.ended_reason));
  }
  SummaryReportOptions o;
  const Style plain{};
  const auto cols = [](const std::string& line) {
    return static_cast<std::size_t>(std::count_if(
        line.begin(), line.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  };
  const std::string full = render_summary_text(s, o, plain);
  CHECK(full.find("\u2026") == std::string::npos);  // piped: full lines
  std::size_t widest = 0;
  std::istringstream in(full);
  for (std::string line; std::getline(in, line);) widest = std::max(widest, cols(line));
  REQUIRE(widest > 100);
  o.width = 100;
  const std::string cut = render_summary_text(s, o, plain);
  CHECK(cut.find("\u2026") != std::string::npos);
  std::istringstream in2(cut);
  for (std::string line; std::getline(in2, line);) {
    INFO(line);
    if (line.find("\u2026") != std::string::npos) CHECK(cols(line) == 100);
  }
  // The names and counts are never cut: every code is still there whole.
  CHECK(cut.find("pipeline-error-openai-429-exceeded-quota") != std::string::npos);
}

TEST_CASE("a code's class as kept in the summary is the class of the code itself", "[summary]") {
  // Every published code, spellings that normalise to another code, unknown ones, and a
  // call that came with another code's classification (kept only when it names the code).
  std::vector<std::string> codes;
  for (const KnownCode& k : known_codes()) codes.emplace_back(k.code);
  for (const char* c :
       {"assistantEndedCall", "silence_timed_out", "  customer-ended-call ", "PIPELINE-ERROR-OPENAI-429",
        "totally-unknown-code", "pipeline-error-acme-voice-failed", ""})
    codes.emplace_back(c);
  Summary s;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    CallRecord r;
    r.id = "call-" + std::to_string(i);
    r.has_ended_reason = true;
    r.ended_reason = codes[i];
    std::array<char, 256> buf{};
    const std::string_view norm = normalize_code(codes[i], buf.data(), buf.size());
    // As read_logs classifies: the normalised code; every fifth call the raw one instead,
    // and the last call another code's classification.
    const Classification c = i + 1 == codes.size() ? classify("customer-ended-call")
                             : i % 5 == 0          ? classify(codes[i])
                                                   : classify(norm);
    s.add_call(r, c);
    const CodeCount& cc = s.codes.at(codes[i]);
    kept += cc.has_class;
    const Classification own = classify(norm);
    const CodeClass got = code_class(codes[i], cc);
    INFO(codes[i]);
    CHECK(got.classified == own.classified());
    CHECK(got.symptom == own.symptom);
    CHECK(got.fault == own.fault);
  }
  // Most calls came with their code's classification: the summary keeps it.
  CHECK(kept > codes.size() / 2);
  CHECK_FALSE(s.codes.at("").has_class);
}

TEST_CASE("PrettyJson writes every string as dump_json does", "[summary][json]") {
  // Every byte at every place of a 9-byte string (the 8-byte test, then the tail), and
  // random strings that are mostly plain ASCII.
  std::vector<std::string> strings = {"", "plain", "call.in-progress.error-x\t12"};
  for (int b = 0; b < 256; ++b)
    for (std::size_t at = 0; at < 9; ++at) {
      std::string t(9, 'a');
      t[at] = static_cast<char>(b);
      strings.push_back(t);
    }
  std::mt19937 rng(19);
  for (int i = 0; i < 2000; ++i) {
    std::string t(rng() % 40, 'x');
    for (char& ch : t) ch = static_cast<char>(rng() % 8 == 0 ? rng() % 256 : 0x20 + rng() % 0x5F);
    strings.push_back(t);
  }
  for (const std::string& t : strings) {
    std::string out;
    vapidiag::PrettyJson w(out);
    w.value(t);
    INFO(vapidiag::dump_json(vapidiag::Json(t)));
    REQUIRE(out == vapidiag::dump_json(vapidiag::Json(t)));
  }
}

TEST_CASE("PrettyJson lays out nesting as dump_json does, however deep", "[summary][json]") {
  for (const int depth : {1, 2, 31, 32, 33, 40}) {
    std::string out;
    vapidiag::PrettyJson w(out);
    vapidiag::Json j = vapidiag::Json::array({1, "x"});
    for (int d = 1; d < depth; ++d) j = vapidiag::Json::object({{"k", j}, {"e", vapidiag::Json::array()}});
    // The same document through the writer.
    const auto write = [&](const auto& self, const vapidiag::Json& v) -> void {
      if (v.is_array()) {
        w.begin_array();
        for (const auto& e : v) self(self, e);
        w.end_array();
      } else if (v.is_object()) {
        w.begin_object();
        for (const auto& [k, e] : v.items()) w.key(k), self(self, e);
        w.end_object();
      } else if (v.is_string()) {
        w.value(v.get<std::string>());
      } else {
        w.value(v.get<std::int64_t>());
      }
    };
    write(write, j);
    INFO("depth " << depth);
    REQUIRE(out == vapidiag::dump_json(j, 2));
  }
}
