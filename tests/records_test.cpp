// The output contract: one field list per record kind (include/vapidiag/records.hpp), and the
// JSON objects the commands print have exactly those fields, in that order.

#include "vapidiag/records.hpp"

#include <catch2/catch.hpp>
#include <set>

#include "../src/report/json.hpp"
#include "vapidiag/matcher.hpp"

using namespace vapidiag;

namespace {
std::vector<std::string> names(std::span<const FieldDef> fields) {
  std::vector<std::string> out;
  for (const FieldDef& f : fields) out.emplace_back(f.name);
  return out;
}
}  // namespace

TEST_CASE("field lists have unique, non-empty names", "[records]") {
  for (auto fields : {code_fields(), call_fields(), pattern_fields()}) {
    std::set<std::string_view> seen;
    for (const FieldDef& f : fields) {
      CHECK_FALSE(f.name.empty());
      CHECK(seen.insert(f.name).second);
      CHECK((f.type == FieldType::Object) == !f.members.empty());
    }
    CHECK(fields.front().name == "schema_version");
  }
  // A call carries every field of a code.
  const auto call = names(call_fields());
  for (const std::string& n : names(code_fields()))
    CHECK(std::find(call.begin(), call.end(), n) != call.end());
}

TEST_CASE("a code record has the fields of its list, in order, and flattens to its columns", "[records]") {
  for (const char* code :
       {"voicemail", "pipeline-error-openai-429-exceeded-quota", "customer-busyy", "db-error"}) {
    const auto j = classification_json(classify(code));
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
    CHECK(keys == names(code_fields()));
    CHECK(j["schema_version"].get<int>() == kSchemaVersion);
    const auto cells = record_cells(j, code_fields());
    REQUIRE(cells.size() == record_columns(code_fields()).size());
    CHECK(cells[1] == code);
    CHECK((cells[2] == "true" || cells[2] == "false"));
  }
  const auto j = classification_json(classify("pipeline-error-openai-429-exceeded-quota"));
  const auto cells = record_cells(j, code_fields());
  const auto cols = record_columns(code_fields());
  auto at = [&](std::string_view name) {
    return cells[static_cast<std::size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin())];
  };
  CHECK(at("status") == "429");
  CHECK(at("charged") == "true");
  CHECK(at("successor").empty());
  CHECK(at("evidence") == "[\"own-provider-key\"]");
}

TEST_CASE("object fields flatten to one column per member", "[records]") {
  const auto cols = record_columns(call_fields());
  CHECK(cols.back() == "source.line");
  CHECK(std::find(cols.begin(), cols.end(), "source.file") != cols.end());
  CHECK(std::find(cols.begin(), cols.end(), "source") == cols.end());
  Json j;
  j["source"] = {{"file", "a.json"}, {"record", 3}, {"line", 7}};
  const auto cells = record_cells(j, call_fields());
  CHECK(cells.size() == cols.size());
  CHECK(cells[cells.size() - 3] == "a.json");
  CHECK(cells[cells.size() - 2] == "3");
  CHECK(cells.back() == "7");
  CHECK(cells[0].empty());  // absent is empty
}
