#pragma once
// Rolling-window alert rules over live calls, with the names `check --fail-on` accepts:
//   vapifault>5%/10m        share of ended calls in the window with that fault party
//   never-connected>=3/1m   number of calls in the window with that finding
//   summary.burst           a cross-call finding over the calls of the window (10m unless
//                           given: summary.burst/30m)
// A name is a fault party, a symptom, a per-call finding id, `unknown-code`, or a
// summary.* finding; `fault:`, `symptom:` and `finding:` qualify one (`unknown` is both a
// fault and a symptom and must be qualified). Operators: > and >=; a value with % is a
// share of the window's ended calls, without it a count. Window units s, m, h; 5m unless
// given.

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "vapidiag/call_record.hpp"
#include "vapidiag/classification.hpp"
#include "vapidiag/findings.hpp"
#include "vapidiag/summary.hpp"

namespace vapidiag {

struct CallDiagnosis;

struct AlertRule {
  enum class Kind : std::uint8_t { Fault, Symptom, Finding, UnknownCode, Cross };
  std::string text;  // as given
  Kind kind = Kind::Fault;
  Fault fault = Fault::Unknown;
  Symptom symptom = Symptom::Unknown;
  std::string finding;  // Finding, Cross: the id
  bool or_equal = false;
  bool percent = false;
  double threshold = 0;
  std::int64_t window_ms = 5 * 60 * 1000;
};

// Resolves a rule name (a fault party, symptom, finding id, unknown-code or summary.*
// finding, optionally qualified) into r's kind and target; false with a message and the
// nearest name. Shared by `check --fail-on` and `serve --alert`.
bool resolve_rule_name(std::string_view name, AlertRule* r, std::string* err);
// Whether one call counts for a per-call rule (never for Cross): its fault, the symptom its
// evidence points to, a finding, or an unclassified code.
bool rule_matches_call(const AlertRule& r, const Classification& c, Symptom by_evidence,
                       const std::vector<Finding>& findings);

// Parses one rule; false with a message naming what is wrong.
bool parse_alert_rule(std::string_view text, AlertRule* out, std::string* err);

// A rule that started or stopped firing.
struct AlertEvent {
  std::string rule;
  bool firing = false;
  double value = 0;             // the share (percent) or count measured
  std::uint64_t calls = 0;      // ended calls in the window
  std::uint64_t matched = 0;    // of them, the ones the rule counts (cross rules: the finding's calls)
  std::int64_t at_ms = 0;       // wall-clock time of the change
  std::string detail;           // cross rules: the finding's message
  std::string to_json() const;  // one line
  std::string to_text() const;  // one line
};

// Keeps per-second counts for each rule's window. Thread-safe.
class AlertEngine {
 public:
  AlertEngine(std::vector<AlertRule> rules, const Thresholds& t);
  // A call the receiver counted, at wall-clock now_ms.
  void add_call(const CallRecord& rec, const CallDiagnosis& d, std::int64_t now_ms);
  // Re-evaluates the rules at now_ms; returns the rules that changed state. Cross-call
  // rules merge a summary per slice of their window: with_cross = false leaves them out
  // (evaluate them once a second, the counting rules on every call).
  std::vector<AlertEvent> evaluate(std::int64_t now_ms, bool with_cross = true);
  const std::vector<AlertRule>& rules() const { return rules_; }

 private:
  struct Bucket {
    std::int64_t second = 0;
    std::uint64_t calls = 0, matched = 0;
  };
  struct SummaryBucket {
    std::int64_t start = 0;
    Summary summary;
  };
  struct State {
    std::deque<Bucket> buckets;           // counting rules
    std::deque<SummaryBucket> summaries;  // cross rules
    bool firing = false;
  };
  bool matches(const AlertRule& r, const CallDiagnosis& d) const;

  std::vector<AlertRule> rules_;
  Thresholds thresholds_;
  std::mutex mu_;
  std::vector<State> states_;
};

}  // namespace vapidiag
