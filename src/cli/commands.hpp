#pragma once
// One options struct, one setup and one run function per subcommand.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "output.hpp"
#include "vapidiag/cli.hpp"
#include "vapidiag/matcher.hpp"

namespace vapidiag::cli {

struct Context {
  const CliEnv& env;
  Output out;
  Output err;
  Style style;      // for stdout
  Style err_style;  // for stderr
  std::string color = "auto";
};

// The JSON object of one classification, with the keys of `explain --format json`.
nlohmann::ordered_json classification_json(const Classification& c);

struct ExplainOptions {
  std::vector<std::string> codes;
  std::string format = "text";
};
void setup_explain(CLI::App& app, ExplainOptions& o);
int run_explain(const ExplainOptions& o, Context& ctx);

struct CodesOptions {
  std::string symptom, fault, component, provider, search;
  std::string format = "text";
  bool patterns = false;
};
void setup_codes(CLI::App& app, CodesOptions& o);
int run_codes(const CodesOptions& o, Context& ctx);

}  // namespace vapidiag::cli
