// Build step: compiles data/*.tsv into a C++ header of constexpr tables. Every row is
// checked; the first bad rows are reported as `file:line: why` and the build fails.
//
// usage: vapidiag_gen DATA_DIR OUTPUT_FILE

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../glob.hpp"
#include "vapidiag/classification.hpp"

namespace {

using vapidiag::glob_match;
using vapidiag::glob_specificity;

struct Line {
  std::string file;
  int number = 0;
  std::vector<std::string> cols;
};

int g_errors = 0;

void fail(const std::string& file, int line, const std::string& why) {
  std::fprintf(stderr, "%s:%d: %s\n", file.c_str(), line, why.c_str());
  ++g_errors;
}

std::vector<Line> read_rows(const std::string& dir, const std::string& name, std::size_t ncols) {
  std::vector<Line> rows;
  const std::string path = dir + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fail(path, 0, "cannot open");
    return rows;
  }
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty() || text[0] == '#') continue;
    Line l{path, number, {}};
    std::size_t start = 0;
    while (true) {
      std::size_t tab = text.find('\t', start);
      l.cols.push_back(text.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (l.cols.size() != ncols) {
      fail(path, number,
           "expected " + std::to_string(ncols) + " tab-separated columns, found " +
               std::to_string(l.cols.size()));
      continue;
    }
    bool ok = true;
    for (std::size_t i = 0; i < l.cols.size(); ++i) {
      const std::string& c = l.cols[i];
      if (c.empty() || c.front() == ' ' || c.back() == ' ') {
        fail(path, number, "column " + std::to_string(i + 1) + " is empty or has surrounding spaces");
        ok = false;
      }
    }
    if (ok) rows.push_back(std::move(l));
  }
  return rows;
}

bool valid_code(std::string_view s, bool allow_wildcards) {
  if (s.empty() || s.size() > 200) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    if (allow_wildcards) ok = ok || c == '*' || c == '?';
    if (!ok) return false;
  }
  return true;
}

template <std::size_t N>
int index_of(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<int>(i);
  return -1;
}

const std::array<std::string_view, 7> kSymptomEnum = {"NeverRang",      "NoAnswer",      "Dropped", "Silent",
                                                      "TransferFailed", "EndedNormally", "Unknown"};
const std::array<std::string_view, 5> kFaultEnum = {"Vapi", "Provider", "Customer", "Normal", "Unknown"};
const std::array<std::string_view, 4> kRetryEnum = {"Retry", "RetryLater", "FixFirst", "None"};
const std::set<std::string_view> kPlaceholders = {"provider",  "Provider",    "Provider's", "status",
                                                  "component", "setting",     "fallback",   "fallback_model",
                                                  "console",   "status_page", "retry"};

std::string lit(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '?':
        out += "\\?";
        break;  // no trigraphs
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// Checks the shared columns symptom, fault, component, retry; returns the C++ spelling.
struct Common {
  std::string symptom, fault, retry;
};

bool check_common(const Line& l, std::size_t sym, std::size_t fault, std::size_t comp, std::size_t retry,
                  bool allow_infer, Common* out) {
  bool ok = true;
  int s = index_of(vapidiag::kSymptomNames, l.cols[sym]);
  int f = index_of(vapidiag::kFaultNames, l.cols[fault]);
  int r = index_of(vapidiag::kRetryNames, l.cols[retry]);
  if (s < 0) fail(l.file, l.number, "unknown symptom '" + l.cols[sym] + "'"), ok = false;
  if (f < 0) fail(l.file, l.number, "unknown fault '" + l.cols[fault] + "'"), ok = false;
  if (r < 0) fail(l.file, l.number, "unknown retry '" + l.cols[retry] + "'"), ok = false;
  if (index_of(vapidiag::kComponents, l.cols[comp]) < 0 && !(allow_infer && l.cols[comp] == "*"))
    fail(l.file, l.number, "unknown component '" + l.cols[comp] + "'"), ok = false;
  if (ok) *out = {std::string(kSymptomEnum[s]), std::string(kFaultEnum[f]), std::string(kRetryEnum[r])};
  return ok;
}

bool check_text(const Line& l, std::size_t col, bool templated) {
  const std::string& t = l.cols[col];
  if (t.size() < 12) {
    fail(l.file, l.number, "column " + std::to_string(col + 1) + " is too short to explain anything");
    return false;
  }
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '{') continue;
    std::size_t end = t.find('}', i);
    std::string name = end == std::string::npos ? "" : t.substr(i + 1, end - i - 1);
    if (!templated || !kPlaceholders.count(name)) {
      fail(l.file, l.number, "unknown placeholder {" + name + "} in column " + std::to_string(col + 1));
      return false;
    }
  }
  return true;
}

bool check_docs(const Line& l, std::size_t col) {
  const std::string& d = l.cols[col];
  if (d.empty() || d[0] != '/' || d.find(' ') != std::string::npos) {
    fail(l.file, l.number, "docs must be a docs.vapi.ai path starting with '/'");
    return false;
  }
  return true;
}

// The fault a tag in the code names ("vapifault" or "providerfault" as a whole word), or "".
std::string fault_tag(std::string_view code) {
  std::string tag;
  std::size_t start = 0;
  while (start <= code.size()) {
    std::size_t end = code.find_first_of("-.", start);
    if (end == std::string_view::npos) end = code.size();
    const std::string_view word = code.substr(start, end - start);
    if (word == "vapifault" || word == "providerfault") tag = std::string(word);
    start = end + 1;
  }
  return tag;
}

// The names written in backticks in the section of data/README.md that explains why a fault
// is left unknown; every row whose fault is unknown must be one of them.
std::set<std::string> unknown_fault_reasons(const std::string& dir) {
  std::set<std::string> names;
  std::ifstream in(dir + "/README.md");
  std::string text;
  bool in_section = false;
  while (std::getline(in, text)) {
    if (text.rfind("## ", 0) == 0) in_section = text.find("unknown") != std::string::npos;
    if (!in_section) continue;
    for (std::size_t i = text.find('`'); i != std::string::npos; i = text.find('`', i + 1)) {
      const std::size_t end = text.find('`', i + 1);
      if (end == std::string::npos) break;
      names.insert(text.substr(i + 1, end - i - 1));
      i = end;
    }
  }
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: vapidiag_gen DATA_DIR OUTPUT_FILE\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::string docs_host = "https://docs.vapi.ai";

  // Official and retired lists: the set every other file is checked against.
  std::map<std::string, std::string> known;  // code -> C++ initialiser
  std::set<std::string> official;
  std::map<std::string, std::string> successors;
  {
    const std::string path = dir + "/official-codes.txt";
    std::ifstream in(path);
    if (!in) fail(path, 0, "cannot open");
    std::string text;
    int number = 0;
    while (std::getline(in, text)) {
      ++number;
      if (text.empty() || text[0] == '#') continue;
      if (!valid_code(text, false))
        fail(path, number, "not a valid code: '" + text + "'");
      else if (!official.insert(text).second)
        fail(path, number, "duplicate code '" + text + "'");
    }
  }
  for (const std::string& c : official) known[c] = "{" + lit(c) + ", false, {}, {}, {}}";
  for (const Line& l : read_rows(dir, "retired-codes.tsv", 4)) {
    const std::string& c = l.cols[0];
    if (!valid_code(c, false))
      fail(l.file, l.number, "not a valid code: '" + c + "'");
    else if (known.count(c))
      fail(l.file, l.number, "'" + c + "' is listed twice or is still official");
    else if (l.cols[3] != "-" && !official.count(l.cols[3]))
      fail(l.file, l.number, "successor '" + l.cols[3] + "' is not an official code");
    else {
      known[c] = "{" + lit(c) + ", true, " + lit(l.cols[3] == "-" ? "" : l.cols[3]) + ", " + lit(l.cols[1]) +
                 ", " + lit(l.cols[2]) + "}";
      if (l.cols[3] != "-") successors[c] = l.cols[3];
    }
  }

  // Providers.
  std::map<std::string, std::string> providers;
  {
    auto rows = read_rows(dir, "providers.tsv", 10);
    std::set<std::string> slugs;
    for (const Line& l : rows) slugs.insert(l.cols[0]);
    for (const Line& l : rows) {
      const std::string& slug = l.cols[0];
      bool ok = valid_code(slug, false);
      if (!ok) fail(l.file, l.number, "not a valid slug: '" + slug + "'");
      const std::string& kind = l.cols[3];
      if (kind != "third-party" && kind != "own" && kind != "vapi")
        fail(l.file, l.number, "kind must be third-party, own or vapi: '" + kind + "'"), ok = false;
      std::stringstream comps(l.cols[4]);
      std::string comp;
      while (std::getline(comps, comp, ','))
        if (comp != "llm" && comp != "voice" && comp != "transcriber" && comp != "video")
          fail(l.file, l.number,
               "provider component must be llm, voice, transcriber or video: '" + comp + "'"),
              ok = false;
      if (l.cols[5] != "yes" && l.cols[5] != "no")
        fail(l.file, l.number, "model_fallback must be yes or no"), ok = false;
      const std::string& status = l.cols[7];
      if (status != "-" && (status.rfind("https://", 0) != 0 || status.find(' ') != std::string::npos))
        fail(l.file, l.number, "status_page must be an https:// URL or -"), ok = false;
      if ((status == "-") != (l.cols[8] == "-"))
        fail(l.file, l.number, "a status_page needs its status_source, and a source its page"), ok = false;
      if (l.cols[9] != "-" && !slugs.count(l.cols[9]))
        fail(l.file, l.number, "canonical slug '" + l.cols[9] + "' is not a provider"), ok = false;
      if (providers.count(slug)) fail(l.file, l.number, "duplicate provider '" + slug + "'"), ok = false;
      if (!ok) continue;
      auto opt = [](const std::string& s) { return lit(s == "-" ? "" : s); };
      const std::string kind_enum = kind == "own" ? "Own" : kind == "vapi" ? "Vapi" : "ThirdParty";
      providers[slug] = "{" + lit(slug) + ", " + lit(l.cols[1]) + ", " + lit(l.cols[2]) +
                        ", ProviderKind::" + kind_enum + ", " + lit(l.cols[4]) + ", " +
                        (l.cols[5] == "yes" ? "true" : "false") + ", " + opt(l.cols[6]) + ", " + opt(status) +
                        ", " + opt(l.cols[9]) + "}";
    }
  }

  // Exact rows.
  const std::set<std::string> unknown_ok = unknown_fault_reasons(dir);
  auto check_unknown = [&](const Line& l, const std::string& name, const std::string& fault) {
    if (fault != "unknown" || unknown_ok.count(name)) return true;
    fail(l.file, l.number,
         "fault of '" + name + "' is unknown: say why in the unknown-fault section of data/README.md");
    return false;
  };
  std::map<std::string, std::string> code_rows;
  std::map<std::string, std::pair<std::string, std::string>> row_fault_comp;  // code -> fault, component
  for (const Line& l : read_rows(dir, "codes.tsv", 9)) {
    const std::string& c = l.cols[0];
    Common cm;
    bool ok = check_common(l, 1, 2, 3, 4, false, &cm);
    // A fault tag in the code decides the fault; Vapi's own failures are not billed.
    if (const std::string tag = fault_tag(c); !tag.empty() && l.cols[2] != tag)
      fail(l.file, l.number, "'" + c + "' carries the tag " + tag + " but its fault is " + l.cols[2]),
          ok = false;
    else if (tag == "vapifault" && l.cols[5] != "no")
      fail(l.file, l.number, "'" + c + "' is a vapifault code: charged must be no"), ok = false;
    ok = check_unknown(l, c, l.cols[2]) && ok;
    row_fault_comp[c] = {l.cols[2], l.cols[3]};
    if (!known.count(c))
      fail(l.file, l.number, "'" + c + "' is neither an official nor a retired code"), ok = false;
    if (successors.count(c))
      fail(l.file, l.number, "'" + c + "' is retired with a successor: it takes the successor's row"),
          ok = false;
    if (code_rows.count(c)) fail(l.file, l.number, "duplicate row for '" + c + "'"), ok = false;
    if (l.cols[5] != "yes" && l.cols[5] != "no")
      fail(l.file, l.number, "charged must be yes or no"), ok = false;
    ok = check_docs(l, 6) && ok;
    ok = check_text(l, 7, false) && ok;
    ok = check_text(l, 8, false) && ok;
    if (!ok) continue;
    code_rows[c] = "{" + lit(c) + ", Symptom::" + cm.symptom + ", Fault::" + cm.fault + ", " +
                   lit(l.cols[3]) + ", Retry::" + cm.retry + ", " + (l.cols[5] == "yes" ? "true" : "false") +
                   ", " + lit(docs_host + l.cols[6]) + ", " + lit(l.cols[7]) + ", " + lit(l.cols[8]) + "}";
  }

  // Pattern rows, ordered for matching.
  struct Pat {
    bool decode;
    int specificity;
    int line;
    std::string pattern, init, fault, component;
  };
  std::vector<Pat> pats;
  std::set<std::string> seen_patterns;
  for (const Line& l : read_rows(dir, "patterns.tsv", 9)) {
    const std::string& p = l.cols[0];
    Common cm;
    bool ok = check_common(l, 2, 3, 4, 5, true, &cm);
    ok = check_unknown(l, p, l.cols[3]) && ok;
    if (!valid_code(p, true) || p.find("**") != std::string::npos)
      fail(l.file, l.number, "invalid pattern '" + p + "': use a-z 0-9 . - _ and the wildcards * ?"),
          ok = false;
    if (p.find_first_of("*?") == std::string::npos)
      fail(l.file, l.number, "pattern '" + p + "' has no wildcard: put it in codes.tsv"), ok = false;
    if (!seen_patterns.insert(p).second) fail(l.file, l.number, "duplicate pattern '" + p + "'"), ok = false;
    if (l.cols[1] != "pattern" && l.cols[1] != "decode")
      fail(l.file, l.number, "kind must be pattern or decode"), ok = false;
    ok = check_docs(l, 6) && ok;
    ok = check_text(l, 7, true) && ok;
    ok = check_text(l, 8, true) && ok;
    if (!ok) continue;
    const bool decode = l.cols[1] == "decode";
    pats.push_back({decode, glob_specificity(p), l.number, p,
                    "{" + lit(p) + ", " + (decode ? "true" : "false") + ", Symptom::" + cm.symptom +
                        ", Fault::" + cm.fault + ", " + lit(l.cols[4]) + ", Retry::" + cm.retry + ", " +
                        lit(docs_host + l.cols[6]) + ", " + lit(l.cols[7]) + ", " + lit(l.cols[8]) + ", " +
                        std::to_string(l.number) + "}",
                    l.cols[3], l.cols[4]});
  }
  std::stable_sort(pats.begin(), pats.end(), [](const Pat& a, const Pat& b) {
    if (a.decode != b.decode) return !a.decode;
    if (!a.decode && a.specificity != b.specificity) return a.specificity > b.specificity;
    return a.line < b.line;
  });

  // Wording of pattern rows for own servers and for Vapi's hosted models.
  std::vector<std::string> wordings;
  {
    std::set<std::string> seen;
    for (const Line& l : read_rows(dir, "kind-wording.tsv", 4)) {
      bool ok = true;
      if (!valid_code(l.cols[0], true) || l.cols[0].find("**") != std::string::npos)
        fail(l.file, l.number,
             "invalid pattern '" + l.cols[0] + "': use a-z 0-9 . - _ and the wildcards * ?"),
            ok = false;
      if (l.cols[1] != "own" && l.cols[1] != "vapi")
        fail(l.file, l.number, "kind must be own or vapi"), ok = false;
      if (!seen.insert(l.cols[0] + "\t" + l.cols[1]).second)
        fail(l.file, l.number, "duplicate wording for '" + l.cols[0] + "' and kind " + l.cols[1]), ok = false;
      ok = check_text(l, 2, true) && ok;
      ok = check_text(l, 3, true) && ok;
      if (ok)
        wordings.push_back("{" + lit(l.cols[0]) + ", ProviderKind::" + (l.cols[1] == "own" ? "Own" : "Vapi") +
                           ", " + lit(l.cols[2]) + ", " + lit(l.cols[3]) + "}");
    }
  }

  // Hints.
  std::map<std::string, std::string> hints;
  for (const Line& l : read_rows(dir, "hints.tsv", 2)) {
    const std::string& c = l.cols[0];
    bool ok = valid_code(c, false);
    if (!ok) fail(l.file, l.number, "not a valid code: '" + c + "'");
    if (known.count(c)) fail(l.file, l.number, "'" + c + "' is a real code, not a hint"), ok = false;
    std::stringstream ss(l.cols[1]);
    std::string s;
    int n = 0;
    while (std::getline(ss, s, ',')) {
      ++n;
      if (!official.count(s))
        fail(l.file, l.number, "suggestion '" + s + "' is not an official code"), ok = false;
    }
    if (n > 3) fail(l.file, l.number, "at most three suggestions"), ok = false;
    if (hints.count(c)) fail(l.file, l.number, "duplicate hint '" + c + "'"), ok = false;
    if (ok) hints[c] = "{" + lit(c) + ", " + lit(l.cols[1]) + "}";
  }

  // Findings and their thresholds.
  std::vector<std::string> findings, thresholds;
  {
    std::set<std::string> ids;
    for (const Line& l : read_rows(dir, "findings.tsv", 6)) {
      bool ok = valid_code(l.cols[0], false);
      if (!ok) fail(l.file, l.number, "invalid finding id '" + l.cols[0] + "'");
      if (!ids.insert(l.cols[0]).second)
        fail(l.file, l.number, "duplicate finding '" + l.cols[0] + "'"), ok = false;
      if (l.cols[1] != "info" && l.cols[1] != "warning" && l.cols[1] != "error")
        fail(l.file, l.number, "severity must be info, warning or error"), ok = false;
      std::stringstream ss(l.cols[2]);
      std::string g;
      while (std::getline(ss, g, ','))
        if (!valid_code(g, true)) fail(l.file, l.number, "invalid code glob '" + g + "'"), ok = false;
      int sym = l.cols[3] == "-" ? 6 : index_of(vapidiag::kSymptomNames, l.cols[3]);
      if (sym < 0) fail(l.file, l.number, "unknown symptom '" + l.cols[3] + "'"), ok = false;
      ok = check_text(l, 4, false) && check_text(l, 5, false) && ok;
      if (ok)
        findings.push_back("{" + lit(l.cols[0]) + ", " + lit(l.cols[1]) + ", " + lit(l.cols[2]) +
                           ", Symptom::" + std::string(kSymptomEnum[static_cast<std::size_t>(sym)]) + ", " +
                           lit(l.cols[4]) + ", " + lit(l.cols[5]) + "}");
    }
    std::set<std::string> names;
    for (const Line& l : read_rows(dir, "thresholds.tsv", 4)) {
      bool ok = valid_code(l.cols[0], false) && names.insert(l.cols[0]).second;
      if (!ok) fail(l.file, l.number, "invalid or duplicate threshold name '" + l.cols[0] + "'");
      char* end = nullptr;
      const double v = std::strtod(l.cols[1].c_str(), &end);
      if (!end || *end || !(v >= 0))
        fail(l.file, l.number, "default must be a non-negative number"), ok = false;
      if (ok)
        thresholds.push_back("{" + lit(l.cols[0]) + ", " + l.cols[1] + ", " + lit(l.cols[2]) + ", " +
                             lit(l.cols[3]) + "}");
    }
  }

  // Every published code must be explained by a row, an alias or a specific pattern.
  for (const auto& [code, init] : known) {
    if (code_rows.count(code)) continue;
    std::string target = successors.count(code) ? successors[code] : code;
    if (code_rows.count(target)) continue;
    bool matched = false;
    for (const Pat& p : pats)
      if (!p.decode && glob_match(p.pattern, target)) matched = true;
    if (!matched)
      fail(dir + "/codes.tsv", 0, "published code '" + code + "' has no row and matches no pattern row");
  }

  // Refusals at call start and every forwarding or warm-transfer outcome name who failed and
  // where: the row or the first specific pattern that explains them has a definite fault and
  // component (a pattern's `*` is filled in from the code).
  for (const std::string& code : official) {
    if (!glob_match("call.start.*", code) && !glob_match("call-start-*", code) &&
        !glob_match("call.forwarding.*", code) && !glob_match("*warm-transfer*", code))
      continue;
    std::pair<std::string, std::string> fc;
    if (row_fault_comp.count(code)) {
      fc = row_fault_comp[code];
    } else {
      for (const Pat& p : pats)
        if (!p.decode && glob_match(p.pattern, code)) {
          fc = {p.fault, p.component};
          break;
        }
    }
    if (fc.first == "unknown" || fc.second == "unknown")
      fail(dir + "/codes.tsv", 0, "'" + code + "' needs a definite fault and component, not unknown");
  }

  if (g_errors) {
    std::fprintf(stderr, "vapidiag_gen: %d error(s) in %s; table not generated\n", g_errors, dir.c_str());
    return 1;
  }

  std::ostringstream out;
  out << "// Generated by vapidiag_gen from data/. Do not edit.\n"
         "namespace generated {\n"
         "inline constexpr CodeRow kCodeRows[] = {\n";
  for (const auto& [c, init] : code_rows) out << "    " << init << ",\n";
  out << "};\ninline constexpr PatternRow kPatternRows[] = {\n";
  for (const Pat& p : pats) out << "    " << p.init << ",\n";
  out << "};\ninline constexpr Provider kProviders[] = {\n";
  for (const auto& [c, init] : providers) out << "    " << init << ",\n";
  out << "};\ninline constexpr KindWording kKindWordings[] = {\n";
  for (const std::string& w : wordings) out << "    " << w << ",\n";
  out << "};\ninline constexpr KnownCode kKnownCodes[] = {\n";
  for (const auto& [c, init] : known) {
    // The first pattern row that matches the code (KnownCode::first_pattern).
    std::size_t first = 0;
    while (first < pats.size() && !glob_match(pats[first].pattern, c)) ++first;
    out << "    " << init.substr(0, init.size() - 1) << ", " << first << "},\n";
  }
  out << "};\ninline constexpr Hint kHints[] = {\n";
  for (const auto& [c, init] : hints) out << "    " << init << ",\n";
  out << "};\ninline constexpr FindingDef kFindingDefs[] = {\n";
  for (const std::string& f : findings) out << "    " << f << ",\n";
  out << "};\ninline constexpr Threshold kThresholds[] = {\n";
  for (const std::string& t : thresholds) out << "    " << t << ",\n";
  out << "};\n}  // namespace generated\n";

  const std::string path = argv[2];
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f << out.str();
    if (!f) {
      std::fprintf(stderr, "vapidiag_gen: cannot write %s\n", tmp.c_str());
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::fprintf(stderr, "vapidiag_gen: cannot write %s\n", path.c_str());
    return 1;
  }
  return 0;
}
