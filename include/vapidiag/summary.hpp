#pragma once
// Aggregates diagnosed calls into a summary that can be rendered, written as JSON and
// merged: merging the JSON summaries of shards gives exactly the summary of one run
// over all their inputs (as long as no map hit its size cap, which the JSON records).

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vapidiag/call_record.hpp"
#include "vapidiag/classification.hpp"
#include "vapidiag/findings.hpp"
#include "vapidiag/reader.hpp"
#include "vapidiag/records.hpp"
#include "vapidiag/time.hpp"

namespace vapidiag {

inline constexpr int kSummaryVersion = kSchemaVersion;

class Thresholds;

struct CountPair {
  std::uint64_t calls = 0;
  std::uint64_t failures = 0;  // failed calls (call_failed)
  void add(const CountPair& o) {
    calls += o.calls;
    failures += o.failures;
  }
};

// Calls of one hour: the pair plus the calls per fault party (failures over time by fault).
struct HourCounts : CountPair {
  std::array<std::uint64_t, kFaultNames.size()> by_fault{};
  void add(const HourCounts& o) {
    CountPair::add(o);
    for (std::size_t i = 0; i < by_fault.size(); ++i) by_fault[i] += o.by_fault[i];
  }
};

// Calls of one endedReason, and a few of their IDs: the kSamples that come first by a fixed
// hash of the ID (as KeyRank), so that the samples, like the counts, are the same whatever
// the order of the calls, the threads or the shards merged.
struct CodeCount {
  static constexpr std::size_t kSamples = 3;
  std::uint64_t calls = 0;
  std::vector<std::string> sample_ids;  // in hash order
  // The code's own symptom and fault, and whether a row or pattern knows it, kept when the
  // call that added the code came with its classification (add_call checks), so that a
  // report need not classify every code again: code_class() uses them, or classifies.
  bool has_class = false;
  bool classified = false;
  Symptom symptom = Symptom::Unknown;
  Fault fault = Fault::Unknown;
  void add_sample(std::string_view id);
  // Adds another count of the same code: its calls, its samples, its class if this has none.
  void add(const CodeCount& o);
  // Reads as its count where a table wants one number.
  operator std::uint64_t() const { return calls; }  // NOLINT(google-explicit-constructor)
};

// What a summary reports of a code of its codes table: its own symptom and fault (not the
// evidence's) and whether it is classified.
struct CodeClass {
  Symptom symptom = Symptom::Unknown;
  Fault fault = Fault::Unknown;
  bool classified = false;
};
CodeClass code_class(std::string_view code, const CodeCount& count);

// The keys of a full table in the order that decides which ones it keeps: by a fixed hash
// of the key (FNV-1a, the same on every machine), then by the key. Views into the table's
// own keys, so it is never copied: a copy starts empty and is rebuilt from the table when
// it is needed.
class KeyRank {
 public:
  KeyRank() = default;
  KeyRank(const KeyRank& /*other*/) {}
  KeyRank& operator=(const KeyRank& /*other*/) {
    keys.clear();
    return *this;
  }
  std::set<std::pair<std::uint64_t, std::string_view>> keys;
};

class Summary {
 public:
  // Distinct keys kept per table. Past that, a table keeps the kMaxKeys keys that come first
  // by a hash of the key (KeyRank), counts every call of the others under "(other)", and
  // truncated is set. Which keys are kept is thus the same whatever order the calls come
  // in, so a merge of shards, or a run on more threads, still equals one run exactly.
  static constexpr std::size_t kMaxKeys = 10000;
  static constexpr std::size_t kMaxIds = 100000;

  // One ended call with its findings: counted under the symptom its evidence points to
  // (evidence_symptom), as failed or not by call_failed, with its finding ids.
  void add_call(const CallRecord& rec, const Classification& c, const std::vector<Finding>& findings);
  // A call with no findings (its code's symptom; failed when its fault is not normal).
  void add_call(const CallRecord& rec, const Classification& c) { add_call(rec, c, {}); }
  // Bucket width for burst detection; summaries merge only with equal widths.
  std::int64_t burst_window_ms = 60000;
  void add_read_stats(const ReadStats& s, std::uint64_t files);
  void merge(const Summary& o);

  // The stable, documented, mergeable form (pretty-printed; docs/formats.md). Derived fields
  // (rates, shares, days, cross-call findings, unknown-code suggestions) are computed here
  // with the given thresholds (defaults without) and ignored by from_json.
  std::string to_json() const;
  std::string to_json(const Thresholds& t) const;
  // Parses what to_json wrote. False with a message on anything else.
  static bool from_json(std::string_view text, Summary* out, std::string* err);

  // Totals and input accounting.
  ReadStats stats;
  std::uint64_t files = 0;
  // By the symptom the evidence points to (what the caller experienced), and by the fault
  // party of the code.
  std::array<std::uint64_t, kSymptomNames.size()> by_symptom{};
  std::array<std::uint64_t, kFaultNames.size()> by_fault{};
  // Calls counted (those that passed the filters), and of them the failed ones (call_failed).
  std::uint64_t calls() const {
    std::uint64_t n = 0;
    for (const std::uint64_t v : by_fault) n += v;
    return n;
  }
  std::uint64_t failures() const { return failed_calls; }
  std::uint64_t failed_calls = 0;
  // Calls the evidence moved from their code's symptom to another: (from, to) -> calls.
  std::map<std::pair<Symptom, Symptom>, std::uint64_t> symptom_moves;
  std::uint64_t symptom_changed() const {
    std::uint64_t n = 0;
    for (const auto& m : symptom_moves) n += m.second;
    return n;
  }

  std::uint64_t filtered_out = 0;  // ended calls left out by filters
  std::uint64_t duplicates = 0;    // ended-call records merged into a call counted already (dedupe.hpp)
  // Which runs over which inputs this summary holds: one id per run (run_id), the union
  // after merges. Two summaries that share one count the same calls: merging them would
  // count those twice.
  std::set<std::string> run_ids;
  std::map<std::string, CodeCount, std::less<>> codes;                    // endedReason -> calls
  std::map<std::string, std::uint64_t, std::less<>> provider_components;  // "provider\tcomponent" -> calls
  // A provider_components key's provider and component ("(other)" has no component: empty).
  static std::pair<std::string_view, std::string_view> split_provider_key(std::string_view key);
  std::map<std::string, CountPair, std::less<>> assistants;
  std::map<std::string, CountPair, std::less<>> phone_numbers;
  std::map<std::string, HourCounts, std::less<>> hours;        // "YYYY-MM-DDTHH" (UTC) -> calls
  std::map<std::string, std::uint64_t, std::less<>> findings;  // finding id -> calls
  // Failed calls by "code\tbucket" (bucket = time / burst_window_ms), for bursts.
  std::map<std::string, std::uint64_t, std::less<>> failure_buckets;
  // A failure_buckets key's code and bucket; false for "(other)", which has no bucket.
  static bool split_bucket_key(std::string_view key, std::string_view* code, std::int64_t* bucket);

  // Calls Vapi typically does not charge for.
  std::uint64_t not_charged_calls = 0;
  double not_charged_cost = 0.0;
  std::vector<std::string> not_charged_ids;
  bool ids_truncated = false;

  double total_cost = 0.0;
  std::uint64_t calls_with_cost = 0;
  std::int64_t first_time = kNoTime;
  std::int64_t last_time = kNoTime;
  bool truncated = false;  // some map hit kMaxKeys

 private:
  template <typename Map, typename V>
  void bump(Map& m, KeyRank& rank, std::string_view key, const V& v);
  struct Ranks {
    KeyRank codes, provider_components, assistants, phone_numbers, hours, findings, failure_buckets;
  } ranks_;
  std::string key_;  // reused to build composite keys without allocating
};

// The identity of a run over some inputs, 16 hex digits: 8 of a hash of what identifies the
// data read (the inputs' names without their folders, bytes, records and calls), then 8 of
// the filters. The same files summarised twice get the same id, whatever the threads; so
// do copies of one file in two folders.
std::string run_id(const std::vector<std::string>& inputs, const ReadStats& stats, std::string_view filters);

// A share or rate as the summary writes it: part / whole rounded to 6 decimals, 0 over nothing.
double share_of(std::uint64_t part, std::uint64_t whole);

}  // namespace vapidiag
