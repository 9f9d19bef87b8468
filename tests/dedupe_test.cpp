// One call, one count: the deduper's decisions for each pattern of records a call can
// arrive as (include/vapidiag/dedupe.hpp).
#include "vapidiag/dedupe.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "vapidiag/logs.hpp"

using namespace vapidiag;

namespace {

CallRecord rec(const std::string& id, RecordShape shape, std::int64_t t = kNoTime) {
  CallRecord r;
  r.id = id;
  r.shape = shape;
  r.message_time = t;
  r.has_ended_reason = true;
  r.ended_reason = shape == RecordShape::StatusUpdate ? "from-status-update" : "from-report";
  return r;
}

// Runs records through a deduper; returns the ids and reasons counted, in order.
struct Run {
  explicit Run(DedupeOptions o) : d(o) {}
  void add(const CallRecord& r) {
    std::vector<CallDeduper::Held> released;
    RecordPos pos;
    pos.record = ++n;
    const CallDeduper::Verdict v = d.offer(r, pos, "log", released);
    for (const auto& h : released) counted.push_back(h.rec.id + ":" + h.rec.ended_reason);
    if (v == CallDeduper::Verdict::Count) counted.push_back(r.id + ":" + r.ended_reason);
  }
  void end() {
    std::vector<CallDeduper::Held> released;
    d.release_all(released);
    for (const auto& h : released) counted.push_back(h.rec.id + ":" + h.rec.ended_reason);
  }
  CallDeduper d;
  std::uint64_t n = 0;
  std::vector<std::string> counted;
};

constexpr auto kReport = RecordShape::EndOfCallReport;
constexpr auto kStatus = RecordShape::StatusUpdate;
constexpr auto kCall = RecordShape::Call;

}  // namespace

TEST_CASE("a status-update then its report: the report counts once", "[dedupe]") {
  Run r({});
  r.add(rec("a", kStatus, 1000));
  r.add(rec("a", kReport, 2000));
  r.end();
  CHECK(r.counted == std::vector<std::string>{"a:from-report"});
  CHECK(r.d.duplicates() == 1);
}

TEST_CASE("a report twice, and a report then its status-update, count once", "[dedupe]") {
  Run r({});
  r.add(rec("a", kReport, 1000));
  r.add(rec("a", kReport, 1500));
  r.add(rec("b", kReport, 2000));
  r.add(rec("b", kStatus, 2500));
  r.end();
  CHECK(r.counted == std::vector<std::string>{"a:from-report", "b:from-report"});
  CHECK(r.d.duplicates() == 2);
}

TEST_CASE("a status-update whose report never comes counts when its window passes", "[dedupe]") {
  DedupeOptions o;
  o.window_ms = 120000;
  Run r(o);
  r.add(rec("a", kStatus, 0));
  r.add(rec("b", kReport, 60000));
  CHECK(r.counted == std::vector<std::string>{"b:from-report"});  // a is still held
  r.add(rec("c", kReport, 130000));                               // the window of a passed
  CHECK(r.counted == std::vector<std::string>{"b:from-report", "a:from-status-update", "c:from-report"});
  // Its report after the window merges into it: counted once, never retracted.
  r.add(rec("a", kReport, 140000));
  r.end();
  CHECK(r.counted.size() == 3);
  CHECK(r.d.duplicates() == 1);
}

TEST_CASE("without timestamps the window is counted in records, the end releases the rest", "[dedupe]") {
  DedupeOptions o;
  o.window_records = 3;
  Run r(o);
  r.add(rec("a", kStatus));
  r.add(rec("b", kReport));
  r.add(rec("c", kReport));
  r.add(rec("d", kReport));
  CHECK(r.counted == std::vector<std::string>{"b:from-report", "c:from-report", "d:from-report"});
  r.add(rec("e", kReport));  // 4 records after a: released before e
  CHECK(r.counted.back() == "e:from-report");
  CHECK(r.counted[3] == "a:from-status-update");
  r.add(rec("f", kStatus));
  r.end();
  CHECK(r.counted.back() == "f:from-status-update");
}

TEST_CASE("GET /call records are matched in exact mode only", "[dedupe]") {
  Run window({});
  window.add(rec("a", kCall));
  window.add(rec("a", kCall));
  window.end();
  CHECK(window.counted.size() == 2);
  DedupeOptions exact;
  exact.exact = true;
  Run r(exact);
  r.add(rec("a", kCall));
  r.add(rec("a", kReport));  // the same call in a webhook log
  r.add(rec("b", kStatus));
  r.add(rec("b", kCall));
  r.end();
  // A GET /call record is complete: it counts as the call record reads ("from-report" here).
  CHECK(r.counted == std::vector<std::string>{"a:from-report", "b:from-report"});
  CHECK(r.d.duplicates() == 2);
}

TEST_CASE("records without a call id always count", "[dedupe]") {
  Run r({});
  r.add(rec("", kReport));
  r.add(rec("", kReport));
  r.add(rec("", kStatus));
  r.end();
  CHECK(r.counted.size() == 3);
  CHECK(r.d.duplicates() == 0);
}

TEST_CASE("window mode remembers the window only, exact mode every call", "[dedupe]") {
  DedupeOptions o;
  Run r(o);
  for (int i = 0; i < 50000; ++i) r.add(rec("c" + std::to_string(i), kReport, i * 1000LL));
  CHECK(r.counted.size() == 50000);
  CHECK(r.d.remembered() <= 200);  // two minutes of one call a second
  DedupeOptions e;
  e.exact = true;
  Run x(e);
  for (int i = 0; i < 50000; ++i) x.add(rec("c" + std::to_string(i), kReport, i * 1000LL));
  CHECK(x.d.remembered() == 50000);
}

namespace {

// Which workers read the calls of a file with jobs = 2: a large NDJSON file is split.
// Calls in part 0 (the input's first range, or all of an input that is not split) and in
// the other parts (the later ranges of a split input).
struct WorkerCount final : CallSink {
  std::vector<std::uint64_t> calls = std::vector<std::uint64_t>(2, 0);
  void on_call(std::size_t part, const Diagnosis& /*d*/) override {
    // The first range's thread dawdles, so that the other one surely takes ranges.
    if (part == 0 && ++calls.at(0) % 64 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (part != 0) ++calls.at(1);
  }
};

std::vector<std::uint64_t> calls_per_worker(const std::string& line_pattern) {
  char path[] = "/tmp/vapidiag-split-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  std::string text;
  for (int i = 0; text.size() < (40u << 20); ++i) {
    std::string line = line_pattern;
    line.replace(line.find("ID"), 2, std::to_string(i));
    text += line + "\n";
  }
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  LogReadOptions o;
  o.jobs = 2;
  WorkerCount sink;
  LogEvents events;
  read_logs({path}, o, sink, events);
  ::unlink(path);
  return sink.calls;
}

}  // namespace

TEST_CASE("a large NDJSON call log is split over threads, a webhook log is not", "[dedupe][threads]") {
  // Call records hold "message" keys in their conversation: that is no webhook envelope.
  const std::string pad(2000, 'x');
  const auto calls =
      calls_per_worker(R"({"id":"ID","endedReason":"customer-ended-call","messages":[{"role":"bot",)"
                       R"("message":")" +
                       pad + R"("}]})");
  CHECK(calls[0] > 0);
  CHECK(calls[1] > 0);
  // A webhook log: the messages of one call must meet one deduper, in order.
  const auto hooks =
      calls_per_worker(R"({"message":{"type":"end-of-call-report","endedReason":"customer-ended-call",)"
                       R"("call":{"id":"ID"},"transcript":")" +
                       pad + R"("}})");
  CHECK(hooks[0] > 0);
  CHECK(hooks[1] == 0);
}
