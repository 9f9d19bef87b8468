#pragma once
// The one JSON-writing helper of every command (private to the library and its front
// ends: nlohmann/json stays out of the public headers).

#include <nlohmann/json.hpp>
#include <string>

#include "vapidiag/classification.hpp"

namespace vapidiag {

using Json = nlohmann::ordered_json;

// Compact (indent < 0) or indented text; invalid UTF-8 becomes U+FFFD instead of throwing.
std::string dump_json(const Json& j, int indent = -1);

// The JSON object of one classification, with the keys of `explain --format json`.
Json classification_json(const Classification& c);

}  // namespace vapidiag
