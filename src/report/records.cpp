#include "vapidiag/records.hpp"

#include <array>

#include "json.hpp"

namespace vapidiag {
namespace {

using T = FieldType;

constexpr FieldDef kSchemaField{"schema_version", T::Integer};

// The fields a classification gives, shared by code and call records.
constexpr std::array<FieldDef, 18> kClassificationFields = {{
    {"code", T::String},
    {"known", T::Boolean},
    {"matched_by", T::String},
    {"rule", T::String, true},
    {"symptom", T::String},
    {"fault", T::String},
    {"component", T::String},
    {"provider", T::String, true},
    {"status", T::Integer, true},
    {"meaning", T::String},
    {"fix", T::String},
    {"retry", T::String, true},
    {"charged", T::Boolean, true},
    {"retired", T::Boolean},
    {"successor", T::String, true},
    {"suggestions", T::Array, true},
    {"evidence", T::Array},
    {"docs", T::String},
}};

constexpr std::array<FieldDef, 6> kCallBefore = {{
    {"id", T::String, true},
    {"time", T::Time, true},
    {"duration_s", T::Number, true},
    {"type", T::String, true},
    {"ended_reason", T::String},
    {"ended_message", T::String, true},
}};

constexpr std::array<FieldDef, 16> kCallAfter = {{
    {"evidence_symptom", T::String},
    {"failed", T::Boolean},
    {"findings", T::Array},
    {"started_at", T::Time, true},
    {"ended_at", T::Time, true},
    {"user_turns", T::Integer},
    {"bot_turns", T::Integer},
    {"tool_calls", T::Integer},
    {"last_speaker", T::String, true},
    {"cost", T::Number, true},
    {"phone_call_provider", T::String, true},
    {"assistant_id", T::String, true},
    {"phone_number_id", T::String, true},
    {"transfer_destination", T::String, true},
    {"transfers", T::Array},
    {"source", T::Object, false, "file,record,line"},
}};

constexpr std::array<FieldDef, 10> kPatternFields = {{
    kSchemaField,
    {"pattern", T::String},
    {"kind", T::String},
    {"symptom", T::String},
    {"fault", T::String},
    {"component", T::String},
    {"retry", T::String},
    {"meaning", T::String},
    {"fix", T::String},
    {"docs", T::String},
}};

template <std::size_t... N>
std::vector<FieldDef> join(const FieldDef& first, const std::array<FieldDef, N>&... parts) {
  std::vector<FieldDef> out{first};
  (out.insert(out.end(), parts.begin(), parts.end()), ...);
  return out;
}

}  // namespace

std::span<const FieldDef> code_fields() {
  static const std::vector<FieldDef> fields = join(kSchemaField, kClassificationFields);
  return fields;
}

std::span<const FieldDef> pattern_fields() { return kPatternFields; }

std::span<const FieldDef> call_fields() {
  static const std::vector<FieldDef> fields =
      join(kSchemaField, kCallBefore, kClassificationFields, kCallAfter);
  return fields;
}

std::vector<std::string> record_columns(std::span<const FieldDef> fields) {
  std::vector<std::string> out;
  for (const FieldDef& f : fields) {
    if (f.type != FieldType::Object) {
      out.emplace_back(f.name);
      continue;
    }
    std::string_view members = f.members;
    while (!members.empty()) {
      const std::size_t comma = members.find(',');
      out.push_back(std::string(f.name) + "." + std::string(members.substr(0, comma)));
      members = comma == std::string_view::npos ? std::string_view() : members.substr(comma + 1);
    }
  }
  return out;
}

}  // namespace vapidiag

// ---------- cells ----------

namespace vapidiag {
namespace {

std::string json_cell(const Json& v) {
  if (v.is_null()) return {};
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::vector<std::string> record_cells(const Json& record, std::span<const FieldDef> fields) {
  std::vector<std::string> out;
  out.reserve(fields.size() + 4);
  static const Json kNull;
  for (const FieldDef& f : fields) {
    const auto it = record.find(std::string(f.name));
    const Json& v = it == record.end() ? kNull : *it;
    if (f.type != FieldType::Object) {
      out.push_back(json_cell(v));
      continue;
    }
    std::string_view members = f.members;
    while (!members.empty()) {
      const std::size_t comma = members.find(',');
      const std::string m(members.substr(0, comma));
      out.push_back(v.is_object() && v.contains(m) ? json_cell(v.at(m)) : std::string());
      members = comma == std::string_view::npos ? std::string_view() : members.substr(comma + 1);
    }
  }
  return out;
}

}  // namespace vapidiag
