#pragma once
// The content lint of explanations: rules every rendered meaning and fix must keep.
// It reads data/providers.tsv and the URLs written anywhere in data/ on its own, so a
// wrong row or a URL typed into the renderer shows up as a violation.

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace vapidiag::lint {

struct ProviderFacts {
  std::string name, kind, canonical;
};

struct Context {
  std::map<std::string, ProviderFacts> providers;  // by slug
  std::set<std::string> names;                     // display names of third parties and Vapi
  std::map<std::string, std::string> variants;     // lower-case other spelling -> display name
  std::set<std::string> urls;                      // every URL and host name written in data/
};

inline std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

inline bool word_char(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; }

// Host-like tokens: http(s) URLs and bare names such as status.x.ai or platform.openai.com.
inline std::vector<std::string> urls_in(const std::string& text) {
  static const char* kTlds[] = {"com", "ai", "io", "co", "ht", "microsoft", "net", "org", "dev", "app"};
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const char ch = text[i];
    if (!(std::isalnum(static_cast<unsigned char>(ch)))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) && text[j] != ')' &&
           text[j] != '(' && text[j] != ',' && text[j] != ';' && text[j] != '"' && text[j] != '`' &&
           text[j] != '[')
      ++j;
    std::string tok = text.substr(i, j - i);
    while (!tok.empty() && (tok.back() == '.' || tok.back() == ':')) tok.pop_back();
    i = j;
    if (tok.rfind("http://", 0) == 0 || tok.rfind("https://", 0) == 0) {
      out.push_back(tok);
      continue;
    }
    // A bare host: dotted labels ending in a top-level domain, no slash before the host.
    const std::size_t slash = tok.find('/');
    const std::string host = tok.substr(0, slash);
    const std::size_t dot = host.rfind('.');
    if (dot == std::string::npos || host.find('.') == 0) continue;
    const std::string tld = host.substr(dot + 1);
    bool is_tld = false;
    for (const char* t : kTlds) is_tld = is_tld || tld == t;
    bool lower_only = true;
    for (char c : host) lower_only = lower_only && !std::isupper(static_cast<unsigned char>(c));
    if (is_tld && lower_only) out.push_back(host);
  }
  return out;
}

inline std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cols;
  std::size_t start = 0, tab;
  while ((tab = line.find('\t', start)) != std::string::npos) {
    cols.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  cols.push_back(line.substr(start));
  return cols;
}

inline Context load_context(const std::string& data_dir) {
  Context ctx;
  std::ifstream in(data_dir + "/providers.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto c = split_tabs(line);
    if (c.size() < 10) continue;
    ctx.providers[c[0]] = {c[1], c[3], c[9] == "-" ? c[0] : c[9]};
    if (c[3] != "own") ctx.names.insert(c[1]);
  }
  // Other spellings seen in the wild: the slug with spaces, and the old ElevenLabs slug.
  for (const auto& [slug, p] : ctx.providers) {
    if (p.kind == "own") continue;
    std::string spaced = slug;
    std::replace(spaced.begin(), spaced.end(), '-', ' ');
    if (spaced != slug && lower(p.name) != spaced) ctx.variants[spaced] = p.name;
  }
  ctx.variants["11labs"] = "ElevenLabs";
  ctx.variants["eleven labs"] = "ElevenLabs";
  for (const char* f :
       {"codes.tsv", "patterns.tsv", "providers.tsv", "kind-wording.tsv", "findings.tsv", "README.md"}) {
    std::ifstream d(data_dir + "/" + f);
    std::stringstream ss;
    ss << d.rdbuf();
    for (const std::string& u : urls_in(ss.str())) ctx.urls.insert(u);
  }
  ctx.urls.insert("docs.vapi.ai");
  return ctx;
}

inline std::string first_sentence(const std::string& fix) {
  const std::size_t end = fix.find(". ");
  return end == std::string::npos ? fix : fix.substr(0, end + 1);
}

inline bool says_retry(const std::string& lower_text) {
  for (const char* w : {"retry", "try again", "call back", "call the person back"})
    if (lower_text.find(w) != std::string::npos) return true;
  return false;
}

inline bool starts_with_any(const std::string& lower_text, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (lower_text.rfind(w, 0) == 0) return true;
  return false;
}

// Where a display name is spelled otherwise in text (case differs), or a known variant is used.
inline void check_spelling(const std::string& text, const Context& ctx, std::vector<std::string>& out,
                           const std::string& field) {
  const std::string low = lower(text);
  auto boundary_before = [&](std::size_t pos) {
    return pos == 0 || !(word_char(text[pos - 1]) || text[pos - 1] == '-' || text[pos - 1] == '.' ||
                         text[pos - 1] == '/');
  };
  auto boundary_after = [&](std::size_t end) {
    if (end >= text.size()) return true;
    const char ch = text[end];
    if (word_char(ch) || ch == '-' || ch == '/') return false;
    if (ch == '.' && end + 1 < text.size() && word_char(text[end + 1])) return false;  // a host name
    return true;
  };
  auto scan = [&](const std::string& needle, auto&& on_hit) {
    for (std::size_t pos = low.find(needle); pos != std::string::npos; pos = low.find(needle, pos + 1))
      if (boundary_before(pos) && boundary_after(pos + needle.size())) on_hit(pos);
  };
  for (const std::string& name : ctx.names) {
    if (name.size() < 3) continue;
    scan(lower(name), [&](std::size_t pos) {
      const std::string seen = text.substr(pos, name.size());
      if (seen != name) out.push_back(field + ": '" + seen + "' where the display name is '" + name + "'");
    });
  }
  // Named copies, not structured bindings: clang 14 cannot capture those in a lambda.
  for (const auto& entry : ctx.variants) {
    const std::string& variant = entry.first;
    const std::string& name = entry.second;
    scan(variant, [&](std::size_t pos) {
      out.push_back(field + ": '" + text.substr(pos, variant.size()) + "' where the display name is '" +
                    name + "'");
    });
  }
}

inline void check_text(const std::string& text, const Context& ctx, std::vector<std::string>& out,
                       const std::string& field) {
  if (text.find('{') != std::string::npos || text.find('}') != std::string::npos)
    out.push_back(field + ": a template placeholder is left: " + text);
  const std::string low = lower(text);
  for (const char* bad : {"the your ", "your your ", "the vapi's", "a your ", "vapi's vapi"})
    if (low.find(bad) != std::string::npos) out.push_back(field + ": reads '" + std::string(bad) + "'");
  for (const char* bad : {"  ", " .", " ;", " ,", " )", "( "})
    if (text.find(bad) != std::string::npos)
      out.push_back(field + ": an empty expansion left '" + std::string(bad) + "'");
  // Doubled words ("the the", "fails fails"), not across a sentence or clause break.
  std::istringstream words(text);
  std::string prev, word;
  while (words >> word) {
    const bool ends_clause = !word.empty() && !word_char(word.back()) && word.back() != '\'';
    if (!word.empty() && (word[0] == '(' || word[0] == '"')) prev.clear();
    std::string w;
    for (char ch : word)
      if (word_char(ch) || ch == '\'') w += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!w.empty() && w == prev && !std::isdigit(static_cast<unsigned char>(w[0])))
      out.push_back(field + ": doubled word '" + w + "'");
    prev = ends_clause ? std::string() : w;
  }
  check_spelling(text, ctx, out, field);
}

// Every violation of one rendered entry (an element of `explain --format json`).
inline std::vector<std::string> lint_entry(const nlohmann::json& e, const Context& ctx) {
  std::vector<std::string> out;
  const std::string meaning = e.value("meaning", "");
  const std::string fix = e.value("fix", "");
  const std::string slug = e["provider"].is_string() ? e["provider"].get<std::string>() : "";
  const std::string fault = e.value("fault", "");
  const std::string retry = e["retry"].is_string() ? e["retry"].get<std::string>() : "";
  check_text(meaning, ctx, out, "meaning");
  check_text(fix, ctx, out, "fix");

  // Model fallback exists for OpenAI and Anthropic Bedrock only (NOTES §12).
  auto it = ctx.providers.find(slug);
  const std::string canonical = it == ctx.providers.end() ? slug : it->second.canonical;
  if ((meaning + fix).find("fallbackModels") != std::string::npos && canonical != "openai" &&
      canonical != "anthropic-bedrock")
    out.push_back("fix: recommends assistant.model.fallbackModels for provider '" +
                  (slug.empty() ? std::string("(none)") : slug) + "', which has no model fallback");

  // The fix's first action agrees with the retry field.
  const std::string first = lower(first_sentence(fix));
  bool agrees = true;
  if (retry == "retry")
    agrees = says_retry(first) && first.find("later") == std::string::npos;
  else if (retry == "retry-later")
    agrees = says_retry(first) &&
             (first.find("later") != std::string::npos || first.find("after") != std::string::npos ||
              first.find("once") != std::string::npos || first.find("back-off") != std::string::npos ||
              first.find("backoff") != std::string::npos || first.find("wait") != std::string::npos);
  else if (retry == "fix-first")
    agrees = !starts_with_any(first, {"retry", "try again", "call back", "expected", "nothing to"}) &&
             first.find("retry now") == std::string::npos;
  else if (retry == "none")
    agrees = !starts_with_any(first, {"retry", "try again", "call back"});
  if (!agrees)
    out.push_back("fix: first action '" + first_sentence(fix) + "' disagrees with retry '" + retry + "'");

  if (canonical == "vapi" && fault == "customer")
    out.push_back("fault: customer for provider vapi (Vapi's own models: no customer key or billing)");

  for (const std::string& u : urls_in(meaning + " " + fix))
    if (!ctx.urls.count(u)) out.push_back("fix: URL '" + u + "' is not written anywhere in data/");
  return out;
}

}  // namespace vapidiag::lint
