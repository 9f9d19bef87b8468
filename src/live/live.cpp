#include "vapidiag/live.hpp"

#include <simdjson.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "vapidiag/matcher.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag {

MessageProbe probe_server_message(std::string_view body) {
  MessageProbe p;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto e = parser.parse(body.data(), body.size()).get(doc)) {
    p.kind = MessageKind::NotJson;
    p.error = std::string("not JSON: ") + simdjson::error_message(e);
    return p;
  }
  simdjson::dom::object top;
  if (doc.get_object().get(top)) {
    p.kind = MessageKind::NotMessage;
    p.error = "not a server message: the body is not a JSON object";
    return p;
  }
  std::string_view type;
  bool found = false;
  simdjson::dom::object msg;
  if (!top["message"].get_object().get(msg) && !msg["type"].get_string().get(type)) {
    found = true;
  } else if (!top["type"].get_string().get(type)) {
    found = true;  // a bare message, without the envelope
  }
  if (!found) {
    p.kind = MessageKind::NotMessage;
    p.error = "not a server message: no message.type";
    return p;
  }
  p.type.assign(type);
  p.kind = type == "end-of-call-report" || type == "status-update" ? MessageKind::Ending : MessageKind::Other;
  return p;
}

std::string_view message_type_label(std::string_view type) {
  // The types of Vapi's ServerMessage union.
  static constexpr std::array<std::string_view, 23> kTypes = {"assistant-request",
                                                              "conversation-update",
                                                              "end-of-call-report",
                                                              "function-call",
                                                              "hang",
                                                              "knowledge-base-request",
                                                              "language-change-detected",
                                                              "model-output",
                                                              "phone-call-control",
                                                              "speech-update",
                                                              "status-update",
                                                              "tool-calls",
                                                              "transcript",
                                                              "transfer-destination-request",
                                                              "transfer-update",
                                                              "user-interrupted",
                                                              "voice-input",
                                                              "voice-request",
                                                              "call.endpointing.request",
                                                              "chat.created",
                                                              "chat.deleted",
                                                              "session.created",
                                                              "assistant.started"};
  for (std::string_view t : kTypes)
    if (t == type) return t;
  return "other";
}

void diagnose_call(const CallRecord& rec, const Thresholds& t, CallDiagnosis& out, bool detail) {
  char buf[512];
  const std::string_view norm = normalize_code(rec.ended_reason, buf, sizeof buf);
  out.code.assign(norm);
  out.c = classify(out.code);
  find_call_findings(rec, out.c, t, out.findings, detail);
  out.by_evidence = evidence_symptom(out.c, out.findings);
}

namespace {
class OneRecordSink final : public RecordSink {
 public:
  explicit OneRecordSink(ReadMessage& m) : m_(m) {}
  void on_call(const CallRecord& rec, const RecordPos& /*pos*/) override { m_.rec = rec; }
  void on_bad_record(std::string_view /*file*/, const RecordPos& /*pos*/, std::string_view message) override {
    if (m_.error.empty()) m_.error.assign(message);
  }
  void on_file_error(std::string_view /*file*/, std::string_view message) override {
    if (m_.error.empty()) m_.error.assign(message);
  }

 private:
  ReadMessage& m_;
};
}  // namespace

ReadMessage read_message(std::string_view line) {
  ReadMessage m;
  OneRecordSink sink(m);
  m.stats = read_buffer(line, "request", sink);
  m.stats.bytes += 1;  // the newline that ends the stored line
  return m;
}

// ---------- LiveTally ----------

LiveTally::LiveTally(const Thresholds& t, DedupeOptions dedupe) : thresholds_(t), dedupe_(dedupe) {
  summary_.burst_window_ms = static_cast<std::int64_t>(t.get("burst-window-s") * 1000);
}

namespace {
std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

bool LiveTally::add_logged(const ReadMessage& m, const CallDiagnosis* d) {
  bool counted = false;
  {
    std::lock_guard lock(mu_);
    summary_.add_read_stats(m.stats, 0);
    if (!d) return false;
    const std::int64_t now = wall_ms();
    release_locked(now);
    const CallDeduper::Verdict v = dedupe_.offer(m.rec, RecordPos{}, "", released_, now);
    count_released();
    if (v == CallDeduper::Verdict::Count) count(m.rec, *d);
    summary_.duplicates = dedupe_.duplicates();
    counted = v == CallDeduper::Verdict::Count;
  }
  return counted;  // on_counted later: the caller may hold the log's lock (deliver_counted)
}

void LiveTally::release_due(std::int64_t now_ms) const {
  {
    std::lock_guard lock(mu_);
    release_locked(now_ms);
  }
  deliver_counted();
}

void LiveTally::deliver_counted() const {
  if (!on_counted) return;
  std::lock_guard order(deliver_mu_);
  std::vector<CallRecord> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
  }
  CallDiagnosis d;
  for (const CallRecord& rec : batch) {
    diagnose_call(rec, thresholds_, d);
    on_counted(rec, d);
  }
}

void LiveTally::release_locked(std::int64_t now_ms) const {
  dedupe_.release_before_wall(now_ms - dedupe_.window_ms(), released_);
  count_released();
}

void LiveTally::count_released() const {
  // A held record was kept without its diagnosis (it is a copy): diagnose it now.
  for (CallDeduper::Held& h : released_) {
    CallDiagnosis hd;
    diagnose_call(h.rec, thresholds_, hd);
    count(h.rec, hd);
  }
  released_.clear();
}

void LiveTally::count(const CallRecord& rec, const CallDiagnosis& d) const {
  summary_.add_call(rec, d.c, d.findings);
  if (on_counted) pending_.push_back(rec);
  std::string key(to_string(d.c.fault));
  key += '\t';
  key += to_string(d.c.symptom);
  key += '\t';
  key += d.c.component;
  ++calls_[key];
  // Bounded labels: a code Vapi publishes (current or retired), else "other".
  const std::string_view code = d.c.known ? d.c.code : std::string_view("other");
  auto it = codes_.find(code);
  if (it == codes_.end()) it = codes_.emplace(std::string(code), 0).first;
  ++it->second;
}

void LiveTally::add_log_file() {
  std::lock_guard lock(mu_);
  summary_.files += 1;
}

void LiveTally::add_message(std::string_view type_label) {
  std::lock_guard lock(mu_);
  auto it = messages_.find(type_label);
  if (it == messages_.end()) it = messages_.emplace(std::string(type_label), 0).first;
  ++it->second;
}

void LiveTally::add_rejection(Rejection r) {
  std::lock_guard lock(mu_);
  ++rejections_[static_cast<std::size_t>(r)];
}

void LiveTally::add_request(int status, double seconds) {
  std::lock_guard lock(mu_);
  ++statuses_[status];
  std::size_t i = 0;
  while (i < kLatencyBounds.size() && seconds > kLatencyBounds[i]) ++i;
  ++latency_[i];
  latency_sum_ += seconds;
  ++latency_count_;
}

void LiveTally::add_log_error() {
  std::lock_guard lock(mu_);
  ++log_errors_;
}

void LiveTally::add_alert_event(std::string_view rule, bool firing) {
  std::lock_guard lock(mu_);
  ++alerts_[std::string(rule) + (firing ? "\tfiring" : "\tresolved")];
}

void LiveTally::add_hook_skipped() {
  std::lock_guard lock(mu_);
  ++hooks_skipped_;
}

std::string LiveTally::summary_json() const {
  std::string out;
  {
    std::lock_guard lock(mu_);
    release_locked(wall_ms());
    out = summary_.to_json();
  }
  deliver_counted();
  return out;
}

Summary LiveTally::summary() const {
  Summary out;
  {
    std::lock_guard lock(mu_);
    release_locked(wall_ms());
    out = summary_;
  }
  deliver_counted();
  return out;
}

namespace {
// Label values come from the compiled-in table or fixed lists; escape anyway.
std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, std::string_view name, std::string_view labels, double v) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  char buf[48];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, " %.0f\n", v);
  else
    std::snprintf(buf, sizeof buf, " %.9g\n", v);
  out += buf;
}

std::string label(std::string_view k, std::string_view v) {
  return std::string(k) + "=\"" + escape_label(v) + "\"";
}
}  // namespace

std::string LiveTally::prometheus() const {
  std::string text = prometheus_locked();
  deliver_counted();
  return text;
}

std::string LiveTally::prometheus_locked() const {
  std::lock_guard lock(mu_);
  release_locked(wall_ms());
  std::string out;
  const auto u = [](std::uint64_t n) { return static_cast<double>(n); };

  family(out, "vapidiag_calls_total", "counter",
         "Ended calls diagnosed, by fault party, symptom and component of their endedReason.");
  for (const auto& [k, v] : calls_) {
    const std::size_t a = k.find('\t'), b = k.find('\t', a + 1);
    sample(out, "vapidiag_calls_total",
           label("fault", k.substr(0, a)) + "," + label("symptom", k.substr(a + 1, b - a - 1)) + "," +
               label("component", k.substr(b + 1)),
           u(v));
  }
  family(out, "vapidiag_calls_by_code_total", "counter",
         "Ended calls by endedReason: codes Vapi publishes, any other as \"other\".");
  for (const auto& [k, v] : codes_) sample(out, "vapidiag_calls_by_code_total", label("code", k), u(v));
  family(out, "vapidiag_calls_failed_total", "counter",
         "Failed ended calls: fault party not normal, or evidence the caller was not served.");
  sample(out, "vapidiag_calls_failed_total", "", u(summary_.failures()));
  family(out, "vapidiag_findings_total", "counter", "Ended calls by finding id (data/findings.tsv).");
  for (const FindingDef& f : finding_defs()) {
    if (f.id.starts_with("summary.")) continue;
    auto it = summary_.findings.find(f.id);
    sample(out, "vapidiag_findings_total", label("finding", f.id),
           it == summary_.findings.end() ? 0 : u(it->second));
  }
  family(out, "vapidiag_calls_symptom_changed_total", "counter",
         "Ended calls whose evidence points to another symptom than their endedReason.");
  sample(out, "vapidiag_calls_symptom_changed_total", "", u(summary_.symptom_changed()));
  family(out, "vapidiag_not_charged_calls_total", "counter",
         "Ended calls Vapi typically does not charge for.");
  sample(out, "vapidiag_not_charged_calls_total", "", u(summary_.not_charged_calls));
  family(out, "vapidiag_log_records_total", "counter",
         "Messages stored in the log, by how the reader counts them.");
  sample(out, "vapidiag_log_records_total", label("kind", "call"), u(summary_.stats.calls));
  sample(out, "vapidiag_log_records_total", label("kind", "not_ended"), u(summary_.stats.not_ended));
  sample(out, "vapidiag_log_records_total", label("kind", "skipped"), u(summary_.stats.skipped));
  family(out, "vapidiag_messages_total", "counter", "Server messages accepted, by message type.");
  for (const auto& [k, v] : messages_) sample(out, "vapidiag_messages_total", label("type", k), u(v));
  family(out, "vapidiag_requests_rejected_total", "counter",
         "Requests turned away; nothing of them is stored or counted as a call.");
  for (std::size_t i = 0; i < kRejectionNames.size(); ++i)
    sample(out, "vapidiag_requests_rejected_total", label("reason", kRejectionNames[i]), u(rejections_[i]));
  family(out, "vapidiag_http_responses_total", "counter", "HTTP responses by status code.");
  for (const auto& [k, v] : statuses_)
    sample(out, "vapidiag_http_responses_total", label("code", std::to_string(k)), u(v));
  family(out, "vapidiag_log_errors_total", "counter", "Failed writes or syncs of the log.");
  sample(out, "vapidiag_log_errors_total", "", u(log_errors_));
  family(out, "vapidiag_alert_events_total", "counter",
         "Alert rules that started (firing) or stopped (resolved) firing.");
  for (const auto& [k, v] : alerts_) {
    const std::size_t tab = k.find('\t');
    sample(out, "vapidiag_alert_events_total",
           label("rule", k.substr(0, tab)) + "," + label("state", k.substr(tab + 1)), u(v));
  }
  family(out, "vapidiag_alert_commands_skipped_total", "counter",
         "Alert commands not run because too many were still running.");
  sample(out, "vapidiag_alert_commands_skipped_total", "", u(hooks_skipped_));
  family(out, "vapidiag_request_duration_seconds", "histogram",
         "Time from a request's arrival to its answer.");
  std::uint64_t cum = 0;
  for (std::size_t i = 0; i < kLatencyBounds.size(); ++i) {
    cum += latency_[i];
    char le[32];
    std::snprintf(le, sizeof le, "%g", kLatencyBounds[i]);
    sample(out, "vapidiag_request_duration_seconds_bucket", label("le", le), u(cum));
  }
  cum += latency_.back();
  sample(out, "vapidiag_request_duration_seconds_bucket", label("le", "+Inf"), u(cum));
  sample(out, "vapidiag_request_duration_seconds_sum", "", latency_sum_);
  sample(out, "vapidiag_request_duration_seconds_count", "", u(latency_count_));
  return out;
}

}  // namespace vapidiag
