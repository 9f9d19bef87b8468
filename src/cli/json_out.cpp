#include "commands.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag::cli {

nlohmann::ordered_json classification_json(const Classification& c) {
  using nlohmann::ordered_json;
  ordered_json j;
  const bool ok = c.classified();
  j["code"] = std::string(c.code);
  j["known"] = c.known;
  j["matched_by"] = std::string(to_string(c.matched_by));
  j["rule"] = ok ? ordered_json(std::string(c.rule)) : ordered_json(nullptr);
  j["symptom"] = std::string(to_string(c.symptom));
  j["fault"] = std::string(to_string(c.fault));
  j["component"] = std::string(c.component);
  j["provider"] = c.provider.empty() ? ordered_json(nullptr) : ordered_json(std::string(c.provider));
  if (c.status.empty()) {
    j["status"] = nullptr;
  } else {
    j["status"] = (c.status[0] - '0') * 100 + (c.status[1] - '0') * 10 + (c.status[2] - '0');
  }
  j["meaning"] = render_meaning(c);
  j["fix"] = render_fix(c);
  j["retry"] = ok ? ordered_json(std::string(to_string(c.retry))) : ordered_json(nullptr);
  j["charged"] = ok ? ordered_json(c.charged) : ordered_json(nullptr);
  j["retired"] = c.retired;
  j["successor"] = c.successor.empty() ? ordered_json(nullptr) : ordered_json(std::string(c.successor));
  if (ok) {
    j["suggestions"] = nullptr;
  } else {
    ordered_json s = ordered_json::array();
    for (std::string_view v : suggest(c.code))
      if (!v.empty()) s.push_back(std::string(v));
    j["suggestions"] = std::move(s);
  }
  j["docs"] = c.docs.empty() ? ordered_json("https://docs.vapi.ai/calls/call-ended-reason")
                             : ordered_json(std::string(c.docs));
  return j;
}

}  // namespace vapidiag::cli
