// The live side of the library: the message probe, diagnose_call against the batch
// reader, the tally's summary against summarize-by-hand, the durable log (group commit,
// reopen, a torn last line taken back) and the alert rules.

#include "vapidiag/live.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "vapidiag/alerts.hpp"
#include "vapidiag/durable_log.hpp"

using namespace vapidiag;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string temp_path(const char* name) {
  return std::string(P_tmpdir) + "/vapidiag-live-test-" + std::to_string(getpid()) + "-" + name;
}
CallDiagnosis diagnosed(const std::string& body, ReadMessage* m) {
  *m = read_message(body);
  CallDiagnosis d;
  diagnose_call(m->rec, Thresholds{}, d);
  return d;
}
}  // namespace

TEST_CASE("probe_server_message tells endings, other messages and bad bodies apart") {
  CHECK(probe_server_message(R"({"message": {"type": "end-of-call-report"}})").kind == MessageKind::Ending);
  CHECK(probe_server_message(R"({"message": {"type": "status-update", "status": "ended"}})").kind ==
        MessageKind::Ending);
  CHECK(probe_server_message(R"({"type": "end-of-call-report"})").kind == MessageKind::Ending);
  const MessageProbe other = probe_server_message(R"({"message": {"type": "transcript"}})");
  CHECK(other.kind == MessageKind::Other);
  CHECK(other.type == "transcript");
  CHECK(probe_server_message("nope").kind == MessageKind::NotJson);
  CHECK(probe_server_message(R"({"message": {"type": "end-of-call-report"})").kind == MessageKind::NotJson);
  CHECK(probe_server_message(R"({"message": {}} {})").kind == MessageKind::NotJson);
  CHECK(probe_server_message("[1]").kind == MessageKind::NotMessage);
  CHECK(probe_server_message(R"({"id": "a call, not a message"})").kind == MessageKind::NotMessage);
  CHECK(message_type_label("transcript") == "transcript");
  CHECK(message_type_label("anything-new") == "other");
}

TEST_CASE("read_message and diagnose_call see what the batch reader sees") {
  const std::string body = slurp(std::string(VAPIDIAG_TEST_DATA) + "/end-of-call-report-2024-06.json");
  ReadMessage m;
  const CallDiagnosis d = diagnosed(body, &m);
  CHECK(m.stats.records == 1);
  CHECK(m.stats.calls == 1);
  CHECK(m.stats.bytes == body.size() + 1);
  CHECK(m.rec.ended_reason == "customer-ended-call");
  CHECK(m.rec.id == "00000000-0000-4000-8000-000000000002");
  CHECK(d.c.fault == Fault::Normal);
  REQUIRE(d.findings.size() == 1);
  CHECK(d.findings[0].def->id == "unsuccessful-normal-end");

  const ReadMessage bad = read_message(R"({"message": {"type": "end-of-call-report", "endedReason": 4}})");
  CHECK(bad.stats.unreadable == 1);
  CHECK_FALSE(bad.error.empty());
  const ReadMessage no_reason = read_message(R"({"message": {"type": "end-of-call-report"}})");
  // An end-of-call report always means the call ended, even when it says nowhere why.
  CHECK(no_reason.stats.calls == 1);
  CHECK(no_reason.rec.reason_missing);
}

TEST_CASE("LiveTally's summary is the Summary of the same calls, its metrics count them") {
  LiveTally tally{Thresholds{}};
  tally.add_log_file();
  Summary expect;
  expect.files = 1;
  for (const char* code :
       {"customer-ended-call", "call.in-progress.error-vapifault-worker-died", "no-such-code-x"}) {
    const std::string body = std::string(R"({"message": {"type": "end-of-call-report", "endedReason": ")") +
                             code + R"(", "call": {"id": "c-)" + code + R"("}}})";
    ReadMessage m;
    const CallDiagnosis d = diagnosed(body, &m);
    tally.add_logged(m, &d);
    expect.add_read_stats(m.stats, 0);
    expect.add_call(m.rec, d.c, d.findings);
  }
  CHECK(tally.summary_json() == expect.to_json());
  const std::string prom = tally.prometheus();
  CHECK(prom.find("vapidiag_calls_by_code_total{code=\"customer-ended-call\"} 1\n") != std::string::npos);
  CHECK(prom.find("vapidiag_calls_by_code_total{code=\"other\"} 1\n") != std::string::npos);
  CHECK(prom.find("no-such-code-x") == std::string::npos);  // never a label value from input
  CHECK(prom.find("vapidiag_calls_failed_total 2\n") != std::string::npos);
}

TEST_CASE("LiveTally hands each call to on_counted once, held status-updates when released") {
  DedupeOptions dd;
  dd.window_ms = 5000;
  LiveTally tally(Thresholds{}, dd);
  std::vector<std::string> seen;
  tally.on_counted = [&](const CallRecord& rec, const CallDiagnosis& d) {
    seen.push_back(rec.id + " " + std::string(to_string(d.c.fault)));
  };
  const auto add = [&](const std::string& body) {
    ReadMessage m;
    const CallDiagnosis d = diagnosed(body, &m);
    return tally.add_logged(m, &d);
  };
  // A report counts at once, and is handed over when the caller says (not under its lock).
  CHECK(add(R"({"message": {"type": "end-of-call-report", "endedReason": "customer-ended-call", )"
            R"("call": {"id": "r1"}}})"));
  CHECK(seen.empty());
  tally.deliver_counted();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == "r1 normal");
  // Its status-update afterwards is a duplicate: nothing more.
  CHECK_FALSE(add(R"({"message": {"type": "status-update", "status": "ended", "endedReason": )"
                  R"("customer-ended-call", "call": {"id": "r1"}}})"));
  tally.deliver_counted();
  CHECK(seen.size() == 1);
  // A status-update with no report is held; when its window passes it counts, and the rules
  // see it then, whoever released it (here the clock; a scrape or a later request alike).
  CHECK_FALSE(add(R"({"message": {"type": "status-update", "status": "ended", "endedReason": )"
                  R"("call.in-progress.error-vapifault-worker-died", "call": {"id": "s1"}}})"));
  tally.deliver_counted();
  CHECK(seen.size() == 1);
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  tally.release_due(now + 60000);
  REQUIRE(seen.size() == 2);
  CHECK(seen[1] == "s1 vapifault");
  tally.release_due(now + 120000);
  (void)tally.prometheus();
  CHECK(seen.size() == 2);  // once
}

TEST_CASE("DurableLog: lines in order, durable tickets, reopen to a fresh file") {
  const std::string path = temp_path("log");
  std::remove(path.c_str());
  std::remove((path + ".1").c_str());
  DurableLog log;
  std::string err;
  REQUIRE(log.open(path, &err));
  std::vector<std::thread> threads;
  std::vector<int> order;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const int n = t * 100 + i;
        std::string e;
        const std::uint64_t ticket = log.append(
            "{\"n\": " + std::to_string(n) + "}\n", [&] { order.push_back(n); }, &e);
        REQUIRE(ticket > 0);
        CHECK(log.wait_durable(ticket));
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(log.syncs() >= 1);
  std::istringstream lines(slurp(path));
  std::string line;
  std::size_t i = 0;
  while (std::getline(lines, line)) {
    REQUIRE(i < order.size());
    CHECK(line == "{\"n\": " + std::to_string(order[i++]) + "}");  // callbacks ran in file order
  }
  CHECK(i == 200);
  REQUIRE(std::rename(path.c_str(), (path + ".1").c_str()) == 0);
  REQUIRE(log.reopen(&err));
  CHECK(log.wait_durable(log.append("{\"after\": 1}\n", nullptr, &err)));
  log.close();
  CHECK(slurp(path) == "{\"after\": 1}\n");
  std::remove(path.c_str());
  std::remove((path + ".1").c_str());
}

TEST_CASE("DurableLog::open takes back a torn last line but keeps a whole one") {
  const std::string path = temp_path("torn");
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\"a\": 1}\n{\"b\": ";
  }
  DurableLog log;
  std::string err;
  REQUIRE(log.open(path, &err));
  log.close();
  CHECK(slurp(path) == "{\"a\": 1}\n");
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\"a\": 1}\n{\"b\": 2}";
  }
  REQUIRE(log.open(path, &err));
  log.close();
  CHECK(slurp(path) == "{\"a\": 1}\n{\"b\": 2}\n");
  std::remove(path.c_str());
}

TEST_CASE("parse_alert_rule takes the names check --fail-on takes") {
  AlertRule r;
  std::string err;
  REQUIRE(parse_alert_rule("vapifault>5%/10m", &r, &err));
  CHECK(r.kind == AlertRule::Kind::Fault);
  CHECK(r.fault == Fault::Vapi);
  CHECK(r.percent);
  CHECK_FALSE(r.or_equal);
  CHECK(r.threshold == 5);
  CHECK(r.window_ms == 600000);
  REQUIRE(parse_alert_rule("never-connected>=3/1m", &r, &err));
  CHECK(r.kind == AlertRule::Kind::Finding);
  CHECK(r.or_equal);
  CHECK_FALSE(r.percent);
  CHECK(r.window_ms == 60000);
  REQUIRE(parse_alert_rule("summary.burst", &r, &err));
  CHECK(r.kind == AlertRule::Kind::Cross);
  CHECK(r.window_ms == 600000);
  REQUIRE(parse_alert_rule("silent>10", &r, &err));
  CHECK(r.kind == AlertRule::Kind::Symptom);
  CHECK(r.window_ms == 300000);
  REQUIRE(parse_alert_rule("symptom:unknown>1/30s", &r, &err));
  CHECK(r.kind == AlertRule::Kind::Symptom);
  REQUIRE(parse_alert_rule("unknown-code>=1/1h", &r, &err));
  CHECK(r.kind == AlertRule::Kind::UnknownCode);
  for (const char* bad : {"unknown>1/1m", "nope>1/1m", "vapifault", "vapifault>", "vapifault>5%/10x",
                          "vapifault>101%/1m", "summary.burst>3", "vapifault>-1", "bogus:vapifault>1"}) {
    INFO(bad);
    CHECK_FALSE(parse_alert_rule(bad, &r, &err));
    CHECK_FALSE(err.empty());
  }
}

TEST_CASE("AlertEngine fires and resolves over its rolling window") {
  AlertRule rate, count;
  std::string err;
  REQUIRE(parse_alert_rule("vapifault>50%/10s", &rate, &err));
  REQUIRE(parse_alert_rule("vapifault>=2/10s", &count, &err));
  AlertEngine engine({rate, count}, Thresholds{});
  ReadMessage m;
  const CallDiagnosis bad = diagnosed(
      R"({"message": {"type": "end-of-call-report", "endedReason": "call.in-progress.error-vapifault-worker-died"}})",
      &m);
  const CallRecord bad_rec = m.rec;
  const CallDiagnosis good =
      diagnosed(R"({"message": {"type": "end-of-call-report", "endedReason": "customer-ended-call"}})", &m);
  const CallRecord good_rec = m.rec;
  const std::int64_t t0 = 1'700'000'000'000;
  engine.add_call(good_rec, good, t0);
  CHECK(engine.evaluate(t0).empty());
  engine.add_call(bad_rec, bad, t0 + 1000);  // 1 of 2: 50%, not above
  CHECK(engine.evaluate(t0 + 1000).empty());
  engine.add_call(bad_rec, bad, t0 + 2000);  // 2 of 3: both rules fire
  auto ev = engine.evaluate(t0 + 2000);
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].firing);
  CHECK(ev[0].rule == "vapifault>50%/10s");
  CHECK(ev[0].calls == 3);
  CHECK(ev[0].matched == 2);
  CHECK(ev[1].rule == "vapifault>=2/10s");
  CHECK(engine.evaluate(t0 + 5000).empty());  // still firing: no new event
  ev = engine.evaluate(t0 + 12500);           // the bad calls left the window
  REQUIRE(ev.size() == 2);
  CHECK_FALSE(ev[0].firing);
  CHECK(ev[0].to_json().find("\"state\":\"resolved\"") != std::string::npos);
}
