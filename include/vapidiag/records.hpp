#pragma once
// The output contract (docs/formats.md): the field list of each record kind, defined once
// and used by every format. JSON and NDJSON write the fields in this order; CSV and TSV
// write them as columns in the same order, an object field flattened into one column per
// member ("source.file") and an array field as compact JSON in one cell.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vapidiag {

// The schema_version of every JSON record vapidiag prints. It goes up when a field is
// removed or changes type or meaning; adding a field does not change it.
inline constexpr int kSchemaVersion = 2;

enum class FieldType : std::uint8_t { String, Integer, Number, Boolean, Time, Array, Object };

struct FieldDef {
  std::string_view name;
  FieldType type;
  bool nullable = false;
  std::string_view members = {};  // Object fields: the members, comma-separated, in order
};

// A classified code (explain, codes).
std::span<const FieldDef> code_fields();
// A wildcard row of the table (codes --patterns).
std::span<const FieldDef> pattern_fields();
// A diagnosed call (diagnose): its own fields around the code fields of its endedReason.
std::span<const FieldDef> call_fields();

// The CSV/TSV column names of a field list: object fields flattened as "name.member".
std::vector<std::string> record_columns(std::span<const FieldDef> fields);

}  // namespace vapidiag
