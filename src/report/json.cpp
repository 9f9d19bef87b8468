// The JSON helper: one way to write JSON text, and the JSON of a classification.

#include "json.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

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

void PrettyJson::item() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (empty_.empty()) return;
  // ",\n" (or "\n" for a container's first element) and the indentation, in one append.
  static constexpr std::string_view kBreak =
      ",\n                                                                ";
  const std::size_t from = empty_.back() ? 1 : 0, indent = 2 * empty_.size();
  empty_.back() = false;
  if (indent + 2 <= kBreak.size()) {
    out_.append(kBreak.data() + from, 2 - from + indent);
  } else {
    out_.append(kBreak.data() + from, 2 - from);
    out_.append(indent, ' ');
  }
}

namespace {

// Whether any of 8 bytes is below 0x20, 0x7F or above, '"' or '\\': a byte that JSON
// escapes or that is not ASCII. Each test is exact for "some byte is" (no false alarm).
bool needs_escape8(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t x) { return ((x - kOnes) & ~x & kHigh) != 0; };
  const bool control = ((w - kOnes * 0x20) & ~w & kHigh) != 0;  // some byte < 0x20
  return control || (w & kHigh) != 0 || has_zero(w ^ (kOnes * 0x7F)) || has_zero(w ^ (kOnes * '"')) ||
         has_zero(w ^ (kOnes * '\\'));
}

bool needs_escape(std::string_view v) {
  std::size_t i = 0;
  for (; i + 8 <= v.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, v.data() + i, 8);
    if (needs_escape8(w)) return true;
  }
  for (; i < v.size(); ++i) {
    const auto u = static_cast<unsigned char>(v[i]);
    if (u < 0x20 || u >= 0x7F || u == '"' || u == '\\') return true;
  }
  return false;
}

}  // namespace

void PrettyJson::string(std::string_view v) {
  // Plain printable ASCII needs no escape: written as it is; anything else as dump_json
  // writes it (escapes, bad UTF-8 replaced).
  if (needs_escape(v)) {
    out_ += dump_json(Json(std::string(v)));
    return;
  }
  const std::size_t at = out_.size();
  out_.resize(at + v.size() + 2);
  char* p = out_.data() + at;
  *p = '"';
  std::memcpy(p + 1, v.data(), v.size());
  p[v.size() + 1] = '"';
}

void PrettyJson::value(std::string_view v) {
  item();
  string(v);
}

void PrettyJson::value(std::uint64_t v) {
  item();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void PrettyJson::value(std::int64_t v) {
  item();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void PrettyJson::key(std::string_view k) {
  item();
  string(k);
  out_ += ": ";
  after_key_ = true;
}

void PrettyJson::open(char c) {
  item();
  out_ += c;
  empty_.push_back(true);
}

void PrettyJson::close(char c) {
  const bool empty = empty_.back();
  empty_.pop_back();
  if (!empty) {
    out_ += '\n';
    out_.append(2 * empty_.size(), ' ');
  }
  out_ += c;
}

void PrettyJson::json(const Json& j) {
  item();
  // dump_json(j, 2) is laid out for the top level: indent its inner lines to this depth
  // (strings hold no raw line breaks: they are escaped).
  const std::string text = dump_json(j, 2);
  const std::string pad(2 * empty_.size(), ' ');
  for (const char ch : text) {
    out_ += ch;
    if (ch == '\n') out_ += pad;
  }
}

}  // namespace vapidiag
