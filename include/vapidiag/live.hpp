#pragma once
// Live diagnosis of Vapi server messages, one at a time, as a webhook receiver gets them:
// what a message is, the diagnosis of an ended call (exactly what `diagnose` finds), and
// the running tally behind a live summary and Prometheus counters.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "vapidiag/call_record.hpp"
#include "vapidiag/classification.hpp"
#include "vapidiag/dedupe.hpp"
#include "vapidiag/findings.hpp"
#include "vapidiag/reader.hpp"
#include "vapidiag/summary.hpp"

namespace vapidiag {

// What a request body holds, from its envelope: {"message": {"type": ...}} or a bare
// message {"type": ...}.
enum class MessageKind : std::uint8_t {
  Ending,      // an end-of-call-report or a status-update: may carry a call's ending
  Other,       // any other server message type
  NotJson,     // not one complete JSON value
  NotMessage,  // JSON, but not a server message (no message type)
};
struct MessageProbe {
  MessageKind kind = MessageKind::NotJson;
  std::string type;   // message.type as sent
  std::string error;  // NotJson, NotMessage: why
};
MessageProbe probe_server_message(std::string_view body);

// The server message types Vapi documents; any other type is counted as "other" so that
// a label never takes an unbounded value from input.
std::string_view message_type_label(std::string_view type);

// One ended call diagnosed as `diagnose` does it: its classification, its findings and
// the symptom its evidence points to. The classification's views point into `code` (the
// normalised endedReason) or into the compiled-in table, so a CallDiagnosis must not be
// copied while in use.
struct CallDiagnosis {
  Classification c;
  std::vector<Finding> findings;
  Symptom by_evidence = Symptom::Unknown;
  std::string code;
};
void diagnose_call(const CallRecord& rec, const Thresholds& t, CallDiagnosis& out, bool detail = false);

// One webhook body read as a log line would be: the reader's accounting of it (one
// record) and, for an ended call, the call.
struct ReadMessage {
  ReadStats stats;
  CallRecord rec;
  std::string error;  // unreadable: the reader's message
};
// `line` is the body as it will be stored (one line, no newline); stats count the newline
// too, so that a summary of the stored log has the same byte count.
ReadMessage read_message(std::string_view line);

// Why a request was turned away; each a counter of its own.
enum class Rejection : std::uint8_t {
  Unauthorized,      // 401
  BadRequest,        // 400: not JSON, not a server message, unreadable record
  TooLarge,          // 413
  MethodNotAllowed,  // 405
  NotFound,          // 404
  Timeout,           // the whole-request deadline passed
  Busy,              // 503: too many connections waiting
  StorageError,      // 500: the log could not be written or synced
};
inline constexpr std::array<std::string_view, 8> kRejectionNames = {
    "unauthorized", "bad_request", "too_large", "method_not_allowed",
    "not_found",    "timeout",     "busy",      "storage_error"};

// The running tally of a receiver: a Summary of every logged message (the same one
// `summary` builds from the log) and Prometheus counters. Thread-safe. Counters only ever
// go up, so replicas sum correctly.
class LiveTally {
 public:
  explicit LiveTally(const Thresholds& t, DedupeOptions dedupe = {});

  // The one place a message the log now holds is counted: stats of its line and, when
  // it is an ended call, the call and its diagnosis. Call it in log order.
  // Returns whether this message's call counted now (false: held, or a duplicate).
  bool add_logged(const ReadMessage& m, const CallDiagnosis* d);
  void add_log_file();                            // a log file was opened (start, reopen)
  void add_message(std::string_view type_label);  // every accepted server message, by type
  void add_rejection(Rejection r);
  void add_request(int status, double seconds);  // every answered request
  void add_log_error();
  void add_alert_event(std::string_view rule, bool firing);  // rules come from the command line
  void add_hook_skipped();

  // Held status-updates whose window passed on the wall clock count now (also done by every
  // add_logged, summary and exposition): counters only count a call once it is final.
  void release_due(std::int64_t now_ms) const;

  // Called for each call when it counts, once, in the order calls counted, whichever request
  // or scrape released it (alert rules see a held status-update too when its window passes).
  // Called outside the tally's lock: it may call add_alert_event and add_hook_skipped, but
  // not summary(), summary_json() or prometheus(). Set before the first message.
  std::function<void(const CallRecord&, const CallDiagnosis&)> on_counted;
  // Hands the calls counted so far to on_counted. add_logged does not (its caller may hold the
  // log's lock): call this after it, once the report is durable. release_due, summary(),
  // summary_json() and prometheus() do it themselves.
  void deliver_counted() const;

  std::string summary_json() const;
  Summary summary() const;
  // Prometheus text exposition format 0.0.4.
  std::string prometheus() const;

  // Histogram bounds of request durations, in seconds.
  static constexpr std::array<double, 12> kLatencyBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1,   0.25,   0.5,   1.0,  2.5,   10.0};

 private:
  void count(const CallRecord& rec, const CallDiagnosis& d) const;  // mu_ held
  void release_locked(std::int64_t now_ms) const;                   // mu_ held
  void count_released() const;                                      // mu_ held; empties released_
  std::string prometheus_locked() const;

  mutable std::mutex mu_;
  Thresholds thresholds_;
  // One call, one count, as a batch summary of the log decides it (dedupe.hpp); mutable
  // because reading the counters first releases what is due.
  mutable CallDeduper dedupe_{DedupeOptions{}};
  mutable std::vector<CallDeduper::Held> released_;
  // Counted calls not yet handed to on_counted (diagnosed again when handed over: a
  // diagnosis holds views into its record).
  mutable std::vector<CallRecord> pending_;
  mutable std::mutex deliver_mu_;  // keeps on_counted in counting order across threads
  mutable Summary summary_;
  mutable std::map<std::string, std::uint64_t, std::less<>> calls_;  // "fault\tsymptom\tcomponent"
  mutable std::map<std::string, std::uint64_t, std::less<>> codes_;  // known code or "other"
  std::map<std::string, std::uint64_t, std::less<>> messages_;
  std::map<int, std::uint64_t> statuses_;
  std::array<std::uint64_t, kRejectionNames.size()> rejections_{};
  std::array<std::uint64_t, kLatencyBounds.size() + 1> latency_{};
  double latency_sum_ = 0.0;
  std::uint64_t latency_count_ = 0;
  std::uint64_t log_errors_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> alerts_;  // "rule\tfiring|resolved"
  std::uint64_t hooks_skipped_ = 0;
};

}  // namespace vapidiag
