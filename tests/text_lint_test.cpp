// The content lint: every official, retired and synthetic code rendered by
// `explain --format json`, checked against the rules in text_lint.hpp. It prints every
// violation and fails on any. A second case feeds deliberately broken rows through the
// real renderer to show the lint catches each kind of mistake.

#include "text_lint.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "vapidiag/cli.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/table.hpp"

using namespace vapidiag;

namespace {

const std::string kData = std::string(VAPIDIAG_SOURCE_DIR) + "/data";

std::vector<std::vector<std::string>> rows_of(const std::string& file) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(kData + "/" + file);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') rows.push_back(lint::split_tabs(line));
  return rows;
}

// A code of the pattern's family: the leading * becomes a prefix and a provider slug, a
// later * a word, each ? a digit.
std::string instantiate(const std::string& pattern, const std::string& head) {
  std::string body = pattern;
  if (!head.empty()) {
    body = body.substr(1);
    if (!body.empty() && body[0] != '-') body = "-" + body;
    body = head + body;
  }
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '?')
      out += '0';
    else if (body[i] == '*')
      out += i + 1 == body.size() ? "" : "word";
    else
      out += body[i];
  }
  if (!out.empty() && out.back() == '-') out += "word";
  return out;
}

std::vector<std::string> lint_codes() {
  std::vector<std::string> codes;
  for (const auto& r : rows_of("official-codes.txt")) codes.push_back(r[0]);
  for (const auto& r : rows_of("retired-codes.tsv")) codes.push_back(r[0]);
  // Synthetic codes: every pattern family with every provider slug of every kind (third
  // party, the customer's own server, Vapi) and two slugs no table knows, under each prefix.
  std::vector<std::string> slugs = {"acme-ai", "nova"};
  for (const auto& r : rows_of("providers.tsv")) slugs.push_back(r[0]);
  for (const auto& r : rows_of("patterns.tsv")) {
    const std::string& p = r[0];
    if (p[0] != '*') {
      codes.push_back(instantiate(p, ""));
      continue;
    }
    for (const char* prefix :
         {"pipeline-error-", "call.in-progress.error-vapifault-", "call.in-progress.error-providerfault-"})
      for (const std::string& slug : slugs) codes.push_back(instantiate(p, prefix + slug));
  }
  return codes;
}

nlohmann::json explain_json(const std::vector<std::string>& codes) {
  std::FILE* in = std::tmpfile();
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  REQUIRE((in && out && err));
  for (const std::string& c : codes) std::fprintf(in, "%s\n", c.c_str());
  std::rewind(in);
  CliEnv env;
  env.in = in;
  env.out = out;
  env.err = err;
  env.in_fd = fileno(in);
  const int status = run_cli({"explain", "-", "--format", "json"}, env);
  std::fflush(out);
  std::rewind(out);
  std::string text;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, out)) > 0) text.append(buf, n);
  std::fclose(in);
  std::fclose(out);
  std::fclose(err);
  CHECK(status == kExitOk);
  return nlohmann::json::parse(text);
}

}  // namespace

TEST_CASE("lint: every explanation reads right", "[lint]") {
  const lint::Context ctx = lint::load_context(kData);
  const std::vector<std::string> codes = lint_codes();
  const nlohmann::json all = explain_json(codes);
  REQUIRE(all.size() == codes.size());
  std::size_t violations = 0;
  for (const auto& e : all) {
    for (const std::string& v : lint::lint_entry(e, ctx)) {
      std::cout << "lint: " << e["code"].get<std::string>() << ": " << v << "\n";
      ++violations;
    }
  }
  std::cout << "lint: " << all.size() << " codes rendered, " << violations << " violations\n";
  CHECK(violations == 0);
}

TEST_CASE("lint: model fallback providers in data agree with NOTES §12", "[lint]") {
  std::set<std::string> with_fallback;
  for (const auto& r : rows_of("providers.tsv"))
    if (r.size() >= 10 && r[5] == "yes") with_fallback.insert(r[0]);
  CHECK(with_fallback == std::set<std::string>{"anthropic-bedrock", "openai"});
}

TEST_CASE("lint: status pages only with a named source", "[lint]") {
  for (const auto& r : rows_of("providers.tsv")) {
    INFO(r[0]);
    REQUIRE(r.size() >= 10);
    CHECK((r[7] == "-") == (r[8] == "-"));
  }
}

namespace {

// Renders a hand-made (broken) row the way explain does and lints the result.
std::vector<std::string> lint_row(const Classification& c) {
  static const lint::Context ctx = lint::load_context(kData);
  nlohmann::json e;
  e["code"] = std::string(c.code);
  e["provider"] = c.provider.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::string(c.provider));
  e["fault"] = std::string(to_string(c.fault));
  e["retry"] = std::string(to_string(c.retry));
  e["meaning"] = render_meaning(c);
  e["fix"] = render_fix(c);
  return lint::lint_entry(e, ctx);
}

bool has(const std::vector<std::string>& v, const std::string& needle) {
  for (const std::string& s : v)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

Classification from(const PatternRow& row, const Provider* p, std::string_view slug) {
  Classification c;
  c.code = "pipeline-error-broken-row";
  c.matched_by = MatchKind::Pattern;
  c.rule = row.pattern;
  c.pattern = &row;
  c.symptom = row.symptom;
  c.fault = row.fault;
  c.retry = row.retry;
  c.component = row.component;
  c.provider = slug;
  c.provider_info = p;
  return c;
}

}  // namespace

TEST_CASE("lint: deliberately broken rows are caught", "[lint]") {
  const std::string_view docs = "https://docs.vapi.ai/calls/call-ended-reason";
  // providers.tsv rows as someone might get them wrong.
  const Provider custom_as_third_party{"custom-llm",
                                       "your custom LLM server",
                                       "your custom LLM server's",
                                       ProviderKind::ThirdParty,
                                       "llm",
                                       false,
                                       "your server",
                                       "",
                                       ""};
  const Provider xai_misspelt{"xai", "XAI", "XAI's",           ProviderKind::ThirdParty,
                              "llm", false, "the xAI console", "https://status.x.ai.example",
                              ""};
  const Provider* groq = find_provider("groq");
  REQUIRE(groq);

  SECTION("an own server written as a third party reads 'the your'") {
    const PatternRow row{"*-429-broken",
                         false,
                         Symptom::Silent,
                         Fault::Customer,
                         "llm",
                         Retry::FixFirst,
                         docs,
                         "The {Provider} account has exhausted its quota.",
                         "Add credit in {console}.",
                         1};
    CHECK(has(lint_row(from(row, &custom_as_third_party, "custom-llm")), "the your"));
  }
  SECTION("a display name spelled two ways, and a status page no source names") {
    const PatternRow row{"*-500-broken",
                         false,
                         Symptom::Silent,
                         Fault::Provider,
                         "llm",
                         Retry::Retry,
                         docs,
                         "{Provider} failed.",
                         "Retry; check {status_page}.",
                         1};
    const auto v = lint_row(from(row, &xai_misspelt, "xai"));
    CHECK(has(v, "'XAI' where the display name is 'xAI'"));
    CHECK(has(v, "URL 'https://status.x.ai.example' is not written anywhere in data/"));
  }
  SECTION("model fallback recommended for a provider without it") {
    const PatternRow row{"*-503-broken",
                         false,
                         Symptom::Silent,
                         Fault::Provider,
                         "llm",
                         Retry::Retry,
                         docs,
                         "{Provider} was overloaded.",
                         "Retry; set assistant.model.fallbackModels.",
                         1};
    CHECK(has(lint_row(from(row, groq, "groq")), "fallbackModels for provider 'groq'"));
  }
  SECTION("a fix that starts with a retry on a fix-first row") {
    const PatternRow row{"*-401-broken",
                         false,
                         Symptom::Silent,
                         Fault::Customer,
                         "llm",
                         Retry::FixFirst,
                         docs,
                         "{Provider} refused the key.",
                         "Retry, and send repeated cases to support.",
                         1};
    CHECK(has(lint_row(from(row, groq, "groq")), "disagrees with retry 'fix-first'"));
  }
  SECTION("customer fault for Vapi's own models") {
    const PatternRow row{"*-429-broken",
                         false,
                         Symptom::Silent,
                         Fault::Customer,
                         "llm",
                         Retry::RetryLater,
                         docs,
                         "Vapi's own model was throttled.",
                         "Retry later.",
                         1};
    CHECK(has(lint_row(from(row, find_provider("vapi"), "vapi")), "customer for provider vapi"));
  }
  SECTION("a placeholder left, a doubled word and an empty expansion") {
    const PatternRow row{"*-400-broken",
                         false,
                         Symptom::Silent,
                         Fault::Customer,
                         "llm",
                         Retry::FixFirst,
                         docs,
                         "{Provider} rejected the the request.",
                         "Check {setting ; then test a call .",
                         1};
    const auto v = lint_row(from(row, groq, "groq"));
    CHECK(has(v, "doubled word 'the'"));
    CHECK(has(v, "placeholder is left"));
    CHECK(has(v, "empty expansion"));
  }
  SECTION("a hand-written code row: retry-later fix that never says later") {
    const CodeRow row{"customer-busy",
                      Symptom::NoAnswer,
                      Fault::Normal,
                      "telephony",
                      Retry::RetryLater,
                      true,
                      docs,
                      "The number was busy.",
                      "Expected outcome. Retry later."};
    Classification c;
    c.code = row.code;
    c.matched_by = MatchKind::Exact;
    c.row = &row;
    c.fault = row.fault;
    c.retry = row.retry;
    CHECK(has(lint_row(c), "disagrees with retry 'retry-later'"));
  }
}
