#pragma once
// `vapidiag check`: rules over the ended calls of some logs, and the verdict. The rules name
// what fails the check, with the names `serve --alert` takes:
//
//   failed                 every failed call (docs/counting.md)
//   vapifault, fault:X     a fault party
//   never-rang, symptom:X  a symptom, as the evidence shows it
//   never-connected        a per-call finding (data/findings.tsv)
//   unknown-code           a code no row or decoder explains
//   summary.burst          a cross-call finding (no rate: it fires or not)
//
// A rule fires on any matching call, or, with a rate, when matching calls exceed that
// percentage of every ended call read (within --since/--until). --min-calls fails the check
// when fewer calls than that were read (a dead exporter must not pass).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vapidiag/alerts.hpp"
#include "vapidiag/logs.hpp"
#include "vapidiag/summary.hpp"

namespace vapidiag {

struct CheckRule {
  std::string name;  // canonical: failed, fault:X, symptom:X, finding:X, unknown-code, summary.X
  bool failed = false;
  AlertRule target;      // kind and target, when not `failed`
  double max_rate = -1;  // percent; < 0: any matching call fires it
};

struct CheckSpec {
  std::vector<CheckRule> rules;
  std::uint64_t min_calls = 0;
};

// --fail-on LIST (comma-separated names) and --max-rate values (PCT for every rule of the
// list that has no rate of its own, NAME=PCT for one rule, added when not listed). False
// with a message (and the nearest name) on an empty, ambiguous or unknown name, or a rate
// on a cross-call finding; the message starts with the input it is about ("fail-on: " or
// "max-rate: "), for the front end to name as it names them.
bool parse_check_spec(std::string_view fail_on, const std::vector<std::string>& max_rates,
                      std::uint64_t min_calls, CheckSpec* out, std::string* err);

struct RuleResult {
  std::string name;
  double threshold = -1;  // percent, < 0: none (any match fires)
  std::uint64_t matched = 0;
  double value = 0;  // percent of the calls (cross rules: the finding's calls)
  bool fired = false;
  std::string detail;  // cross rules: the finding's message
  // The codes of the matching calls, most calls first (at most 3), with sample call IDs.
  std::vector<std::pair<std::string, CodeCount>> top_codes;
};

struct CheckResult {
  std::vector<RuleResult> rules;
  std::uint64_t calls = 0;  // ended calls checked
  std::uint64_t min_calls = 0;
  bool too_few_calls = false;
  bool fired() const;
  Summary summary;  // every call checked (for the accounting and the period)
};

// Reads the logs and evaluates the rules: one pass, any number of threads.
CheckResult run_check_rules(const CheckSpec& spec, const std::vector<std::string>& inputs,
                            const LogReadOptions& o, LogEvents& events, LogResult* result);

}  // namespace vapidiag
