#pragma once
// The one JSON-writing helper of every command (private to the library and its front
// ends: nlohmann/json stays out of the public headers).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "vapidiag/classification.hpp"
#include "vapidiag/reader.hpp"
#include "vapidiag/records.hpp"

namespace vapidiag {

using Json = nlohmann::ordered_json;

// Compact (indent < 0) or indented text; invalid UTF-8 becomes U+FFFD instead of throwing.
std::string dump_json(const Json& j, int indent = -1);

// Writes pretty JSON exactly as dump_json(document, 2) writes the same document, without
// building the document first (a large summary's tree costs more than its text): the
// layout is written here, every scalar through dump_json, so escapes and number forms are
// the same. Keys and values alternate as in the document; the caller nests correctly.
class PrettyJson {
 public:
  explicit PrettyJson(std::string& out) : out_(out) {}
  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k);
  // A scalar: string, number, bool or nullptr.
  template <typename T>
  void value(const T& v) {
    item();
    out_ += dump_json(Json(v));
  }
  void value(std::string_view v);
  void value(const std::string& v) { value(std::string_view(v)); }
  void value(const char* v) { value(std::string_view(v)); }
  void value(std::uint64_t v);
  void value(std::int64_t v);
  void value(int v) { value(static_cast<std::int64_t>(v)); }
  // A document built as Json (small parts shared with other writers).
  void json(const Json& j);

 private:
  void item();                      // the separator and indentation before an element (none after a key)
  void string(std::string_view v);  // quoted and escaped as dump_json does
  void open(char c);
  void close(char c);
  std::string& out_;
  std::vector<bool> empty_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// The JSON object of one classification, with the keys of `explain --format json`.
Json classification_json(const Classification& c);

// A record as CSV/TSV cells by its field list (vapidiag/records.hpp): one cell per column of
// record_columns(fields); null is empty, booleans true/false, numbers as JSON writes them,
// arrays as compact JSON, the members of an object field in cells of their own.
std::vector<std::string> record_cells(const Json& record, std::span<const FieldDef> fields);

// The "inputs" object of a summary or a verdict: input accounting.
Json inputs_json(const ReadStats& stats, std::uint64_t files, std::uint64_t filtered_out,
                 std::uint64_t duplicates);

}  // namespace vapidiag
