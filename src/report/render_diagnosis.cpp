// The renderers of one diagnosed call: text, JSON and CSV/TSV rows. JSON and CSV/TSV carry
// the fields of call_fields() (vapidiag/records.hpp), in its order; text shows a subset.

#include <cmath>

#include "json.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/report.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag {
namespace {

std::string duration_text(const CallRecord& rec) {
  if (rec.started_at == kNoTime || rec.ended_at == kNoTime) return "-";
  const std::int64_t s = (rec.ended_at - rec.started_at + 500) / 1000;
  if (s < 60) return std::to_string(s) + "s";
  return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
}

Json duration_json(const CallRecord& rec) {
  if (rec.started_at == kNoTime || rec.ended_at == kNoTime) return nullptr;
  return std::round(static_cast<double>(rec.ended_at - rec.started_at)) / 1000.0;
}

Json str_or_null(std::string_view s) { return s.empty() ? Json(nullptr) : Json(std::string(s)); }

Json call_json(const Diagnosis& d, std::string_view file) {
  const CallRecord& rec = d.rec;
  const Classification& c = d.c;
  const RecordPos& pos = d.pos;
  Json j;
  j["schema_version"] = kSchemaVersion;
  j["id"] = str_or_null(rec.id);
  const std::int64_t t = call_time(rec);
  j["time"] = t == kNoTime ? Json(nullptr) : Json(format_iso8601(t));
  j["duration_s"] = duration_json(rec);
  j["type"] = str_or_null(rec.type);
  j["ended_reason"] = rec.ended_reason;
  j["ended_message"] = str_or_null(rec.ended_message);
  const Json cj = classification_json(c);
  for (auto it = cj.begin(); it != cj.end(); ++it) j[it.key()] = *it;
  j["evidence_symptom"] = std::string(to_string(d.by_evidence));
  j["failed"] = d.failed;
  Json fs = Json::array();
  for (const Finding& f : d.findings) {
    Json evj = Json::array();
    for (const Evidence& e : f.evidence) evj.push_back(Json{{"field", e.field}, {"value", e.value}});
    fs.push_back(Json{{"id", std::string(f.def->id)},
                      {"severity", std::string(f.def->severity)},
                      {"title", std::string(f.def->title)},
                      {"message", f.message},
                      {"evidence", evj}});
  }
  j["findings"] = fs;
  j["started_at"] = rec.started_at == kNoTime ? Json(nullptr) : Json(format_iso8601(rec.started_at));
  j["ended_at"] = rec.ended_at == kNoTime ? Json(nullptr) : Json(format_iso8601(rec.ended_at));
  j["user_turns"] = rec.user_turns;
  j["bot_turns"] = rec.bot_turns;
  j["tool_calls"] = rec.tool_calls;
  j["last_speaker"] = str_or_null(rec.last_speaker);
  j["cost"] = rec.has_cost ? Json(rec.cost) : Json(nullptr);
  j["phone_call_provider"] = str_or_null(rec.phone_call_provider);
  j["assistant_id"] = str_or_null(rec.assistant_id);
  j["phone_number_id"] = str_or_null(rec.phone_number_id);
  j["transfer_destination"] = str_or_null(rec.transfer_destination);
  Json tr = Json::array();
  for (const TransferInfo& t2 : rec.transfers)
    tr.push_back(Json{{"status", str_or_null(t2.status)}, {"destination", str_or_null(t2.destination)}});
  j["transfers"] = tr;
  j["source"] = Json{{"file", std::string(file)}, {"record", pos.record}, {"line", pos.line}};
  return j;
}

}  // namespace

std::string render_diagnosis_text(const Diagnosis& d, const Style& st) {
  const CallRecord& rec = d.rec;
  const Classification& c = d.c;
  std::string out;
  const auto put = [&out](std::string_view s) {
    out += s;
    out += '\n';
  };
  const std::int64_t t = call_time(rec);
  std::string head = std::string(st.bold()) + (rec.id.empty() ? "(no id)" : rec.id) + std::string(st.reset());
  head += "  " + (t == kNoTime ? std::string("-") : format_iso8601(t)) + "  " + duration_text(rec);
  if (!rec.type.empty()) head += "  " + rec.type;
  put(head);
  put("  " + rec.ended_reason + std::string(st.dim()) + " -> " + std::string(st.reset()) +
      std::string(to_string(c.symptom)) + ", " + std::string(st.fault(c.fault)) +
      std::string(to_string(c.fault)) + std::string(st.reset()) +
      (c.classified() ? "" : std::string(st.red()) + " (unknown code)" + std::string(st.reset())));
  put("  fix: " + wrap(render_fix_short(c), 74, 80, 7));
  if (!rec.ended_message.empty()) put("  endedMessage: " + wrap(rec.ended_message, 64, 80, 16));
  if (d.by_evidence != c.symptom)
    put("  " + std::string(st.yellow()) + "evidence: " + std::string(to_string(d.by_evidence)) +
        std::string(st.reset()) + " (the code alone says " + std::string(to_string(c.symptom)) +
        (d.failed && c.fault == Fault::Normal ? "; counted as failed" : "") + ")");
  for (const Finding& f : d.findings) {
    const std::string_view sev = f.def->severity;
    const std::string_view color = sev == "error" ? st.red() : sev == "warning" ? st.yellow() : st.cyan();
    const std::size_t prefix = 2 + sev.size() + 1 + f.def->id.size() + 2;
    put("  " + std::string(color) + std::string(sev) + std::string(st.reset()) + " " +
        std::string(f.def->id) + ": " + wrap(f.message, prefix < 60 ? 80 - prefix : 20, 80, 4));
  }
  return out;
}

std::string render_diagnosis_json(const Diagnosis& d) { return dump_json(call_json(d, d.file)); }

std::string diagnosis_header(const DelimitedWriter& w) { return w.row(record_columns(call_fields())); }

std::string render_diagnosis_row(const Diagnosis& d, const DelimitedWriter& w) {
  return w.row(record_cells(call_json(d, d.file), call_fields()));
}

}  // namespace vapidiag
