#pragma once
// Runs the alert rules for the receiver: feeds each stored call to the library's
// AlertEngine, re-evaluates every second, prints each firing and resolving alert as one
// line on stderr (text or NDJSON) and runs the --on-alert command with the alert as JSON
// on stdin: at most a few at a time, each killed past its timeout.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vapidiag/alerts.hpp"
#include "vapidiag/live.hpp"

namespace vapidiag::serve {

struct AlerterOptions {
  bool json = false;
  std::string command;  // run with /bin/sh -c, the alert as JSON on stdin
  std::chrono::milliseconds command_timeout{10000};
  std::size_t max_running = 4;  // past that, a hook is skipped and counted
};

class Alerter {
 public:
  Alerter(std::vector<AlertRule> rules, const Thresholds& t, AlerterOptions o, std::FILE* out,
          LiveTally* tally);
  ~Alerter();
  void add_call(const CallRecord& rec, const CallDiagnosis& d);
  void evaluate_now();
  void stop();  // stops the ticker and waits for running hooks
  std::uint64_t hooks_skipped() const { return skipped_; }
  std::uint64_t events() const { return events_; }

 private:
  void emit(const std::vector<AlertEvent>& events);
  void run_hook(std::string json);

  AlertEngine engine_;
  AlerterOptions o_;
  std::FILE* out_;
  LiveTally* tally_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread ticker_;
  std::atomic<std::size_t> running_{0};
  std::atomic<std::uint64_t> skipped_{0}, events_{0};
};

}  // namespace vapidiag::serve
