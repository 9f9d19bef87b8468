#pragma once
// Findings: what a call record shows beyond its endedReason. Definitions (ids,
// severities, texts) live in data/findings.tsv, thresholds in data/thresholds.tsv.

#include <string>
#include <string_view>
#include <vector>

#include "vapidiag/call_record.hpp"
#include "vapidiag/classification.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag {

struct Evidence {
  std::string field;  // the call field the finding read, e.g. "artifact.transfers[0].status"
  std::string value;  // its value, as text
};

struct Finding {
  const FindingDef* def = nullptr;
  std::string message;  // one line about this call
  std::vector<Evidence> evidence;
};

// Threshold values by name, starting from the defaults of data/thresholds.tsv.
class Thresholds {
 public:
  Thresholds();
  double get(std::string_view name) const;
  bool set(std::string_view name, double value);  // false for an unknown name

 private:
  std::vector<std::pair<std::string_view, double>> values_;
};

// The findings a code can have: bit i for finding_defs()[i] when that finding's `applies`
// globs match the code (for the first 64 definitions). Worth keeping per code by a caller
// that diagnoses many calls: see find_call_findings below.
using FindingMask = std::uint64_t;
FindingMask applicable_findings(std::string_view code);

// The findings for one call, appended to out (cleared first).
// detail = false records only which findings apply (their ids), without formatting
// messages or evidence: for summaries, which only count them.
void find_call_findings(const CallRecord& rec, const Classification& c, const Thresholds& t,
                        std::vector<Finding>& out, bool detail = true);
// The same, given applicable_findings(c.code), so that no glob is matched per call.
void find_call_findings(const CallRecord& rec, const Classification& c, const Thresholds& t,
                        std::vector<Finding>& out, bool detail, FindingMask applicable);

class Summary;

// A finding across many calls (data/findings.tsv ids starting with "summary.").
struct CrossFinding {
  const FindingDef* def = nullptr;
  std::string message;
  std::string subject;  // the code, assistant or number concerned
  std::uint64_t calls = 0;
};
std::vector<CrossFinding> find_cross_findings(const Summary& s, const Thresholds& t);

// The ids of the per-call findings that call logs can add to this code (those whose
// `applies` globs match it), in data/findings.tsv order. Only a call Vapi does not charge
// for can be billed by mistake, so credit-candidate goes with not-charged codes only.
std::vector<std::string_view> evidence_findings(const Classification& c);

// The symptom the evidence points to: that of the first finding that changes it,
// else the code's own.
Symptom evidence_symptom(const Classification& c, const std::vector<Finding>& findings);

// The one definition of a failed call, used by every command and format: its fault party
// is not `normal`, or its evidence shows the caller was not served (an error-severity
// finding that points to another symptom, e.g. a "normal" forward whose transfer never
// connected). docs/counting.md.
bool call_failed(const Classification& c, const std::vector<Finding>& findings);

}  // namespace vapidiag
