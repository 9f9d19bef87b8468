// vapidiag-update-codes: the maintainer's tool for the monthly code update.
//
// Reads a Vapi openapi.json (the endedReason enums of Call and of the server messages) or a
// plain list (one code per line), compares it with the compiled-in table, and prints the
// codes that are new or gone with their classification today, as draft rows for
// data/codes.tsv and data/retired-codes.tsv, flagging those the family rules would get wrong
// or cannot say. docs/updating-codes.md is the procedure.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "vapidiag/matcher.hpp"
#include "vapidiag/table.hpp"

using namespace vapidiag;

namespace {

constexpr int kOk = 0, kFound = 1, kUsage = 2, kInput = 3;

const char* const kPrefixes[] = {"pipeline-error-", "call.in-progress.error-vapifault-",
                                 "call.in-progress.error-providerfault-"};

std::string read_all(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Codes of a plain list: one a line, '#' comments and blank lines skipped.
std::set<std::string> read_list(const std::string& text) {
  std::set<std::string> codes;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    const std::size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    codes.insert(line.substr(b));
  }
  return codes;
}

// The endedReason enums of the Call schema and of every server message schema. Campaigns and
// eval runs have endedReason enums of their own that are not call codes: they are skipped.
bool read_schema(const std::string& text, std::set<std::string>* codes, std::string* err) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return *err = "not valid JSON", false;
  const auto comps = doc.find("components");
  if (comps == doc.end() || !comps->is_object() || !comps->contains("schemas") ||
      !(*comps)["schemas"].is_object())
    return *err = "no components.schemas: not an OpenAPI document", false;
  int enums = 0;
  for (const auto& [name, schema] : (*comps)["schemas"].items()) {
    if (name != "Call" && name.rfind("ServerMessage", 0) != 0) continue;
    if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object()) continue;
    const auto& props = schema["properties"];
    const auto reason = props.find("endedReason");
    if (reason == props.end() || !reason->is_object() || !reason->contains("enum")) continue;
    const auto& values = (*reason)["enum"];
    if (!values.is_array()) continue;
    ++enums;
    for (const auto& v : values)
      if (v.is_string()) codes->insert(v.get<std::string>());
  }
  if (enums == 0) return *err = "no endedReason enum in the Call or ServerMessage* schemas", false;
  return true;
}

std::string docs_path(std::string_view url) {
  constexpr std::string_view host = "https://docs.vapi.ai";
  return std::string(url.substr(0, host.size()) == host ? url.substr(host.size()) : url);
}

// The same suffix under the other provider prefixes (the twin rule of Vapi's notes).
std::vector<std::string> twins(const std::string& code) {
  std::vector<std::string> out;
  for (const char* p : kPrefixes) {
    const std::string prefix = p;
    if (code.rfind(prefix, 0) != 0) continue;
    const std::string suffix = code.substr(prefix.size());
    for (const char* q : kPrefixes)
      if (std::string(q) != prefix) out.push_back(q + suffix);
  }
  return out;
}

// Why the family rules cannot be trusted with this code, or "" when they can.
std::string doubt(const std::string& code, const Classification& c, const std::set<std::string>& schema) {
  if (!c.classified()) return "no rule matches it: write a row or a family rule";
  if (c.fault == Fault::Unknown || c.component == "unknown" || c.symptom == Symptom::Unknown)
    return "the rules leave its symptom, fault or component unknown";
  if (c.matched_by == MatchKind::Decoded)
    return "only a generic decode row (" + std::string(c.rule) + ") explains it";
  for (const std::string& t : twins(code)) {
    if (!find_known(t) && !schema.count(t)) continue;
    const Classification tc = classify(t);
    if (tc.symptom != c.symptom || tc.component != c.component)
      return "its twin " + t + " is " + std::string(to_string(tc.symptom)) + "/" + std::string(tc.component) +
             ", the rules say " + std::string(to_string(c.symptom)) + "/" + std::string(c.component);
  }
  return {};
}

void usage(std::FILE* to) {
  std::fprintf(to,
               "usage: vapidiag-update-codes [--base LIST] [--date YYYY-MM-DD] SCHEMA\n"
               "  SCHEMA  a Vapi openapi.json, or a plain list of codes (one a line)\n"
               "  --base  compare with this list instead of the table's current codes\n"
               "  --date  the schema's date, for the last_seen column of retired rows\n"
               "Exit status: 0 the table is current, 1 codes are new or gone, 2 usage, 3 input.\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string schema_path, base_path, date = "YYYY-MM-DD";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--base" || a == "--date") && i + 1 < argc) {
      (a == "--base" ? base_path : date) = argv[++i];
    } else if (a == "-h" || a == "--help") {
      usage(stdout);
      return kOk;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "vapidiag-update-codes: unknown option '%s'\n", a.c_str());
      usage(stderr);
      return kUsage;
    } else if (schema_path.empty()) {
      schema_path = a;
    } else {
      std::fprintf(stderr, "vapidiag-update-codes: one SCHEMA only\n");
      return kUsage;
    }
  }
  if (schema_path.empty()) {
    usage(stderr);
    return kUsage;
  }
  bool ok = false;
  const std::string text = read_all(schema_path, &ok);
  if (!ok) {
    std::fprintf(stderr, "vapidiag-update-codes: %s: cannot open\n", schema_path.c_str());
    return kInput;
  }
  std::set<std::string> schema;
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  const bool json = first != std::string::npos && text[first] == '{';
  if (json) {
    std::string err;
    if (!read_schema(text, &schema, &err)) {
      std::fprintf(stderr, "vapidiag-update-codes: %s: %s\n", schema_path.c_str(), err.c_str());
      return kInput;
    }
  } else {
    schema = read_list(text);
  }
  if (schema.empty()) {
    std::fprintf(stderr, "vapidiag-update-codes: %s: no codes\n", schema_path.c_str());
    return kInput;
  }

  std::set<std::string> base;
  if (!base_path.empty()) {
    const std::string b = read_all(base_path, &ok);
    if (!ok) {
      std::fprintf(stderr, "vapidiag-update-codes: %s: cannot open\n", base_path.c_str());
      return kInput;
    }
    base = read_list(b);
  } else {
    for (const KnownCode& k : known_codes())
      if (!k.retired) base.insert(std::string(k.code));
  }

  std::vector<std::string> added, gone;
  for (const std::string& c : schema)
    if (!base.count(c)) added.push_back(c);
  for (const std::string& c : base)
    if (!schema.count(c)) gone.push_back(c);

  std::printf("# %s: %zu codes (%s); compared with %s: %zu codes\n", schema_path.c_str(), schema.size(),
              json ? "endedReason of Call and server messages" : "plain list",
              base_path.empty() ? "the table's current codes" : base_path.c_str(), base.size());
  std::printf("# new: %zu, gone: %zu\n", added.size(), gone.size());

  int doubtful = 0;
  if (!added.empty()) {
    std::printf(
        "\n# New codes, as the table classifies them today. A code a specific pattern explains\n"
        "# needs no row; add the others to data/codes.tsv (write meaning and fix) or add a family\n"
        "# rule to data/patterns.tsv. Then add every new code to data/official-codes.txt.\n");
    for (const std::string& code : added) {
      const KnownCode* k = find_known(code);
      // A retired code that comes back is current again: its own rules, not its successor's.
      const bool back = k && k->retired && !k->successor.empty();
      const Classification c = back ? classify_without_rows(code, {}) : classify(code);
      const std::string why = doubt(code, c, schema);
      if (!why.empty()) ++doubtful;
      std::printf("\n");
      if (k && k->retired)
        std::printf("# %s comes back: take it out of data/retired-codes.tsv\n", code.c_str());
      if (!why.empty()) std::printf("# WRONG OR UNSURE: %s\n", why.c_str());
      if (c.matched_by == MatchKind::Pattern && why.empty()) {
        std::printf("# %s\t%s\t%s\t%s\tcovered by pattern %s\n", code.c_str(),
                    std::string(to_string(c.symptom)).c_str(), std::string(to_string(c.fault)).c_str(),
                    std::string(c.component).c_str(), std::string(c.rule).c_str());
        continue;
      }
      std::printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\tTODO meaning (decoded: %s)\tTODO fix\n", code.c_str(),
                  std::string(to_string(c.symptom)).c_str(), std::string(to_string(c.fault)).c_str(),
                  std::string(c.component).c_str(), std::string(to_string(c.retry)).c_str(),
                  c.charged ? "yes" : "no",
                  docs_path(c.docs.empty() ? "/calls/call-ended-reason" : c.docs).c_str(),
                  c.classified() ? render_meaning(c).c_str() : "nothing");
    }
  }
  if (!gone.empty()) {
    std::printf(
        "\n# Gone codes: draft rows for data/retired-codes.tsv (code, first_seen, last_seen,\n"
        "# successor); old logs still hold them. Take them out of data/official-codes.txt.\n");
    for (const std::string& code : gone) {
      std::string successor = "-";
      for (const std::string& t : twins(code))
        if (schema.count(t) && successor == "-") successor = t;
      const KnownCode* k = find_known(code);
      const std::string first_seen = k && !k->first_seen.empty() ? std::string(k->first_seen) : "FIRST-SEEN";
      std::printf("%s\t%s\t%s\t%s\n", code.c_str(), first_seen.c_str(), date.c_str(), successor.c_str());
      if (successor != "-" && find_code_row(code))
        std::printf(
            "# %s has its own row in data/codes.tsv: remove it, a retired code takes its successor's\n",
            code.c_str());
      if (successor != "-" && classify(successor).fault != classify(code).fault)
        std::printf("# %s moves to the other fault tag: as a retired code it takes %s's fault\n",
                    code.c_str(), successor.c_str());
    }
  }
  std::printf("\n# %d new code(s) the family rules would get wrong or cannot say\n", doubtful);
  return added.empty() && gone.empty() ? kOk : kFound;
}
