#pragma once
// The call-log commands: diagnose, summary, check. They share input handling,
// filters and error reporting (cmd_logs.cpp).

#include <map>
#include <string>
#include <vector>

#include "commands.hpp"

namespace vapidiag::cli {

struct LogOptions {
  std::vector<std::string> files;
  std::string format = "text";
  // Filters (all commands).
  std::string symptom, fault, component, code_glob, since, until;
  bool failures_only = false;
  double max_record_mb = 32;
  std::size_t jobs = 1;                      // summary and check: threads for one large NDJSON file
  std::map<std::string, double> thresholds;  // data/thresholds.tsv, one flag each
  bool finding_details = true;               // false: findings by id only (summary and check count them)
  // summary
  std::string by = "day";
  std::size_t top = 10;
  bool ids = false;
  bool merge = false;
  // check
  std::string fail_on = "vapifault,providerfault,customer";
  double max_rate = -1;
  bool ignore_bad_records = false;
  bool quiet = false;
};

void setup_diagnose(CLI::App& app, LogOptions& o);
void setup_summary(CLI::App& app, LogOptions& o);
void setup_check(CLI::App& app, LogOptions& o);
int run_diagnose(const LogOptions& o, Context& ctx);
int run_summary(const LogOptions& o, Context& ctx);
int run_check(const LogOptions& o, Context& ctx);

}  // namespace vapidiag::cli
