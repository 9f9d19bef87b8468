// The JSON helper: one way to write JSON text, and the JSON of a classification.

#include "json.hpp"

#include "vapidiag/findings.hpp"
#include "vapidiag/matcher.hpp"

namespace vapidiag {

std::string dump_json(const Json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

Json classification_json(const Classification& c) {
  Json j;
  const bool ok = c.classified();
  j["schema_version"] = kSchemaVersion;
  j["code"] = std::string(c.code);
  j["known"] = c.known;
  j["matched_by"] = std::string(to_string(c.matched_by));
  j["rule"] = ok ? Json(std::string(c.rule)) : Json(nullptr);
  j["symptom"] = std::string(to_string(c.symptom));
  j["fault"] = std::string(to_string(c.fault));
  j["component"] = std::string(c.component);
  j["provider"] = c.provider.empty() ? Json(nullptr) : Json(std::string(c.provider));
  if (c.status.empty()) {
    j["status"] = nullptr;
  } else {
    j["status"] = (c.status[0] - '0') * 100 + (c.status[1] - '0') * 10 + (c.status[2] - '0');
  }
  j["meaning"] = render_meaning(c);
  j["fix"] = render_fix(c);
  j["retry"] = ok ? Json(std::string(to_string(c.retry))) : Json(nullptr);
  j["charged"] = ok ? Json(c.charged) : Json(nullptr);
  j["retired"] = c.retired;
  j["successor"] = c.successor.empty() ? Json(nullptr) : Json(std::string(c.successor));
  if (ok) {
    j["suggestions"] = nullptr;
  } else {
    Json s = Json::array();
    for (std::string_view v : suggest(c.code))
      if (!v.empty()) s.push_back(std::string(v));
    j["suggestions"] = std::move(s);
  }
  Json ev = Json::array();
  for (std::string_view id : evidence_findings(c)) ev.push_back(std::string(id));
  j["evidence"] = std::move(ev);
  j["docs"] =
      c.docs.empty() ? Json("https://docs.vapi.ai/calls/call-ended-reason") : Json(std::string(c.docs));
  return j;
}

Json inputs_json(const ReadStats& stats, std::uint64_t files, std::uint64_t filtered_out,
                 std::uint64_t duplicates) {
  return Json{{"files", files},
              {"file_errors", stats.file_errors},
              {"bytes", stats.bytes},
              {"records", stats.records},
              {"calls", stats.calls},
              {"not_ended", stats.not_ended},
              {"skipped", stats.skipped},
              {"unreadable", stats.unreadable},
              {"filtered_out", filtered_out},
              {"text_lines", stats.text_lines},
              {"duplicates", duplicates}};
}

}  // namespace vapidiag
