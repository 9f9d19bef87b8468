// The verdict of check as JSON (docs/formats.md, docs/schema/verdict.json).

#include "json.hpp"
#include "vapidiag/report.hpp"
#include "vapidiag/summary.hpp"

namespace vapidiag {

std::string render_verdict_json(const Verdict& v) {
  const auto time = [](std::int64_t t) { return t == kNoTime ? Json(nullptr) : Json(format_iso8601(t)); };
  const double rate = share_of(v.matched, v.calls);
  Json j;
  j["schema_version"] = kSchemaVersion;
  j["kind"] = "verdict";
  j["status"] = v.exit_code == 0 ? "pass" : v.exit_code == 1 ? "fail" : "error";
  j["exit_code"] = v.exit_code;
  j["window"] = Json{{"since", time(v.since)}, {"until", time(v.until)}};
  j["calls"] = v.calls;
  j["matched"] = v.matched;
  j["rate"] = rate;
  j["rules"] = Json::array({Json{{"name", v.rule},
                                 {"threshold", v.threshold < 0 ? Json(nullptr) : Json(v.threshold)},
                                 {"value", rate},
                                 {"fired", v.fired}}});
  j["inputs"] = inputs_json(v.stats, v.files, v.filtered_out, v.duplicates);
  return dump_json(j);
}

}  // namespace vapidiag
