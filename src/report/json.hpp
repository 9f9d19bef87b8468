#pragma once
// The one JSON-writing helper of every command (private to the library and its front
// ends: nlohmann/json stays out of the public headers).

#include <nlohmann/json.hpp>
#include <string>

#include "vapidiag/classification.hpp"
#include "vapidiag/reader.hpp"
#include "vapidiag/records.hpp"

namespace vapidiag {

using Json = nlohmann::ordered_json;

// Compact (indent < 0) or indented text; invalid UTF-8 becomes U+FFFD instead of throwing.
std::string dump_json(const Json& j, int indent = -1);

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
