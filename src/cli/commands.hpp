#pragma once
// One options struct, one setup and one run function per subcommand (cmd_*.cpp).

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "output.hpp"
#include "vapidiag/cli.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/text.hpp"

namespace vapidiag::cli {

struct Context {
  const CliEnv& env;
  Output out;
  Output err;
  Style style;      // for stdout
  Style err_style;  // for stderr
  std::string color = "auto";
};

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
  bool current = false, retired = false;  // only codes of the newest schema / only retired ones
};
void setup_codes(CLI::App& app, CodesOptions& o);
int run_codes(const CodesOptions& o, Context& ctx);

// What every log command takes: inputs, filters, limits, finding thresholds (log_options.hpp).
struct LogOptions {
  std::vector<std::string> files;
  std::string symptom, fault, component, code_glob, since, until;
  bool failures_only = false;
  bool dedupe_exact = false;     // --dedupe
  double dedupe_window_s = 120;  // --dedupe-window
  double max_record_mb = 32;
  std::size_t jobs = 1;                      // threads for one large NDJSON file (summary, check)
  std::map<std::string, double> thresholds;  // data/thresholds.tsv, one flag each
};

struct DiagnoseOptions {
  LogOptions log;
  std::string format = "text";
  bool line_buffered = false;  // flush after every call
};
void setup_diagnose(CLI::App& app, DiagnoseOptions& o);
int run_diagnose(const DiagnoseOptions& o, Context& ctx);

struct SummaryOptions {
  LogOptions log;
  std::string format = "text";
  std::string by = "day";
  std::size_t top = 10;
  bool ids = false;
  bool merge = false;
  std::string output;  // -o FILE: written whole or not at all ("" or "-": stdout)
};
void setup_summary(CLI::App& app, SummaryOptions& o);
int run_summary(const SummaryOptions& o, Context& ctx);

struct CheckOptions {
  LogOptions log;
  std::string fail_on = "failed";
  std::vector<std::string> max_rates;  // PCT or NAME=PCT
  std::uint64_t min_calls = 0;
  bool ignore_bad_records = false;
  bool quiet = false;
  std::string format = "text";
};
void setup_check(CLI::App& app, CheckOptions& o);
int run_check(const CheckOptions& o, Context& ctx);

// The log commands' options, filled by the parse, for whoever runs the command.
struct LogCommands {
  const DiagnoseOptions* diagnose;
  const SummaryOptions* summary;
  const CheckOptions* check;
};
// Before any parsing: a command line that starts with diagnose, summary or check goes to
// the program of the log commands at once, when that is another program (the quick front
// end's definition execs vapidiag-logs and returns only if it cannot); it parses, helps and
// reports usage errors exactly as this one would. The log program's definition does nothing.
void hand_over_log_command(int argc, char** argv);
// Runs the log command `name` (diagnose, summary or check) after run_cli parsed `args`. Each
// program links one definition: the log program runs it in this process (run_logs.cpp); the
// quick front end hands the same arguments to vapidiag-logs (src/front/logs_elsewhere.cpp),
// so that explain, codes and --version never load the log reader's libraries.
int run_log_command(const std::string& name, const LogCommands& o, const std::vector<std::string>& args,
                    Context& ctx);

}  // namespace vapidiag::cli
