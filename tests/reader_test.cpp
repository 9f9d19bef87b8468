// The call-log reader: input shapes, field extraction, framing of bad input, the block
// scanners against the byte-wise state machine, chunking, accounting.

#include "vapidiag/reader.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../src/reader/framer.hpp"  // kernel override (private to the library)
#include "../src/reader/source.hpp"  // the framing thread's policy
#include "vapidiag/logs.hpp"

using vapidiag::CallRecord;
using vapidiag::kNoTime;
using vapidiag::parse_iso8601_ms;
using vapidiag::ReadOptions;
using vapidiag::ReadStats;
using vapidiag::RecordPos;
using vapidiag::RecordShape;
using vapidiag::reader_detail::Kernel;

namespace {

std::string data_path(const std::string& name) { return std::string(VAPIDIAG_TEST_DATA) + "/" + name; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Bad {
  RecordPos pos;
  std::string message;
};

// Records everything, plus a log line per event for comparing runs.
class Collect final : public vapidiag::RecordSink {
 public:
  void on_call(const CallRecord& rec, const RecordPos& pos) override {
    calls.push_back(rec);
    positions.push_back(pos);
    log.push_back("call #" + std::to_string(pos.record) + " " + std::to_string(pos.line) + ":" +
                  std::to_string(pos.column) + " @" + std::to_string(pos.offset) + " id=" + rec.id +
                  " reason=" + rec.ended_reason + " users=" + std::to_string(rec.user_turns) +
                  " bots=" + std::to_string(rec.bot_turns));
    if (stop_after > 0 && calls.size() >= stop_after) stop = true;
  }
  void on_bad_record(std::string_view file, const RecordPos& pos, std::string_view message) override {
    bad.push_back({pos, std::string(message)});
    files.emplace_back(file);
    log.push_back("bad #" + std::to_string(pos.record) + " " + std::to_string(pos.line) + ":" +
                  std::to_string(pos.column) + " @" + std::to_string(pos.offset) + " " +
                  std::string(message));
  }
  void on_file_error(std::string_view file, std::string_view message) override {
    file_errors.push_back(std::string(file) + ": " + std::string(message));
    log.push_back("file " + std::string(message));
  }
  void on_text_lines(std::string_view /*file*/, std::uint64_t first_line, std::uint64_t lines,
                     std::string_view sample) override {
    text.push_back(std::to_string(lines) + " from line " + std::to_string(first_line) + ": " +
                   std::string(sample));
    log.push_back("text " + text.back());
  }
  void on_progress(std::uint64_t bytes, std::uint64_t /*calls*/) override { progress.push_back(bytes); }
  bool stop_requested() const override { return stop; }

  std::vector<CallRecord> calls;
  std::vector<RecordPos> positions;
  std::vector<Bad> bad;
  std::vector<std::string> files;
  std::vector<std::string> file_errors;
  std::vector<std::string> text;  // on_text_lines, as "N from line L: sample"
  std::vector<std::uint64_t> progress;
  std::vector<std::string> log;
  std::size_t stop_after = 0;
  bool stop = false;
};

std::string stats_text(const ReadStats& s) {
  return "records=" + std::to_string(s.records) + " calls=" + std::to_string(s.calls) +
         " not_ended=" + std::to_string(s.not_ended) + " skipped=" + std::to_string(s.skipped) +
         " unreadable=" + std::to_string(s.unreadable) + " bytes=" + std::to_string(s.bytes) +
         " file_errors=" + std::to_string(s.file_errors) +
         (s.text_lines ? " text_lines=" + std::to_string(s.text_lines) : std::string());
}

void check_accounting(const ReadStats& s) {
  CHECK(s.records == s.calls + s.not_ended + s.skipped + s.unreadable);
}

ReadStats read_text(std::string_view text, Collect& c, ReadOptions opts = {}) {
  const ReadStats s = vapidiag::read_buffer(text, "test", c, opts);
  check_accounting(s);
  CHECK(c.calls.size() == s.calls);
  CHECK(c.bad.size() == s.unreadable);
  return s;
}

// Everything a run reports, as text.
// pipeline: framing on a second thread (ReadOptions::pipeline). By the chunk size modulo 3,
// so that every way is taken whatever the timing: the framing thread parses every record
// it can (batches and whole lines), or none (whole lines are probed and sent), or those
// it sends while the caller is behind (the default).
// whole_lines: ReadOptions::whole_lines.
std::vector<std::string> run_log(std::string_view text, Kernel k, std::size_t chunk,
                                 std::size_t max_record = 64u << 20, bool pipeline = false,
                                 bool whole_lines = true) {
  vapidiag::reader_detail::set_kernel_override(k);
  Collect c;
  ReadOptions o;
  o.pipeline = pipeline;
  o.share_backlog = chunk % 3 == 0 ? 0 : chunk % 3 == 1 ? SIZE_MAX : o.share_backlog;
  o.whole_lines = whole_lines;
  o.chunk_bytes = chunk;
  o.max_record_bytes = max_record;
  const ReadStats s = vapidiag::read_buffer(text, "t", c, o);
  vapidiag::reader_detail::set_kernel_override(Kernel::Auto);
  c.log.push_back(stats_text(s));
  return c.log;
}

std::vector<Kernel> kernels() {
  std::vector<Kernel> ks = {Kernel::Scalar, Kernel::Portable};
  for (Kernel k : {Kernel::Sse, Kernel::Avx2}) {
    if (vapidiag::reader_detail::kernel_supported(k)) ks.push_back(k);
  }
  return ks;
}

// Small deterministic generator for random inputs.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  std::uint64_t next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  std::uint64_t s_;
};

std::string random_string(Rng& rng) {
  static const char* kPieces[] = {"abc", " ",    "\\\"", "\\\\", "\\n",        "\\u00e9",
                                  "é",   "東京", "😀",    "{",    "}",          "[",
                                  "]",   ",",    ":",    "\\/",  "x\\\\\\\"y", "\\\\\\\\"};
  std::string s = "\"";
  const std::size_t n = rng.below(12);
  for (std::size_t i = 0; i < n; ++i) s += kPieces[rng.below(sizeof kPieces / sizeof kPieces[0])];
  return s + "\"";
}

std::string random_value(Rng& rng, int depth, bool pretty, int indent);

std::string random_object(Rng& rng, int depth, bool pretty, int indent, bool call) {
  std::vector<std::string> members;
  if (call) {
    members.push_back("\"id\": \"c" + std::to_string(rng.next() % 100000) + "\"");
    if (!rng.chance(15)) members.push_back("\"endedReason\": " + random_string(rng));
    if (rng.chance(50)) {
      std::string msgs = "\"messages\": [";
      const std::size_t n = rng.below(5);
      for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) msgs += ", ";
        msgs += std::string("{\"role\": \"") + (rng.chance(50) ? "bot" : "user") +
                "\", \"time\": " + std::to_string(1719800000000 + rng.below(100000)) + "}";
      }
      members.push_back(msgs + "]");
    }
  }
  const std::size_t extra = depth > 0 ? rng.below(4) : 0;
  for (std::size_t i = 0; i < extra; ++i) {
    members.push_back(random_string(rng) + ": " + random_value(rng, depth - 1, pretty, indent + 2));
  }
  for (std::size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng.below(i)]);
  const std::string nl = pretty ? "\n" : "";
  const std::string pad = pretty ? std::string(static_cast<std::size_t>(indent + 2), ' ') : "";
  std::string out = "{" + nl;
  for (std::size_t i = 0; i < members.size(); ++i) {
    out += pad + members[i];
    if (i + 1 < members.size()) out += ",";
    out += nl;
  }
  return out + (pretty ? std::string(static_cast<std::size_t>(indent), ' ') : "") + "}";
}

std::string random_value(Rng& rng, int depth, bool pretty, int indent) {
  switch (rng.below(depth > 0 ? 6 : 4)) {
    case 0:
      return random_string(rng);
    case 1:
      return std::to_string(rng.next() % 1000) + (rng.chance(30) ? ".5" : "");
    case 2:
      return rng.chance(50) ? "true" : "null";
    case 3:
      return "\"plain\"";
    case 4:
      return random_object(rng, depth, pretty, indent, false);
    default: {
      std::string out = "[";
      const std::size_t n = rng.below(4);
      for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) out += ", ";
        out += random_value(rng, depth - 1, pretty, indent);
      }
      return out + "]";
    }
  }
}

// Mutations that exercise the framer's recovery: truncations, stray quotes, brackets,
// backslashes and newlines, garbage lines, bare scalars, deep nesting.
void mutate(Rng& rng, std::string& s) {
  const std::size_t n = rng.below(4);
  for (std::size_t i = 0; i < n && !s.empty(); ++i) {
    const std::size_t at = rng.below(s.size());
    switch (rng.below(7)) {
      case 0:
        s.erase(at, rng.below(20));
        break;
      case 1:
        s.insert(at, 1, "\"{}[]\\\n,"[rng.below(8)]);
        break;
      case 2:
        s.insert(at, "\nnot json at all\n");
        break;
      case 3:
        s.insert(at, "\n42\n");
        break;
      case 4:
        s.insert(at, std::string(70, '['));
        break;
      case 5:
        s.insert(at, "\\\\\\");
        break;
      default:
        s[at] = static_cast<char>(rng.below(256));
        break;
    }
  }
}

std::string random_input(Rng& rng) {
  const bool pretty = rng.chance(40);
  const std::size_t records = 1 + rng.below(12);
  std::string out;
  const std::size_t shape = rng.below(4);
  if (rng.chance(10)) out += "\xEF\xBB\xBF";
  if (shape == 1) out += "[";
  if (shape == 2)
    out += rng.chance(50) ? "{\"results\": [" : "{\"metadata\": {\"a\": [1, {\"b\": 2}]}, \"results\": [";
  for (std::size_t i = 0; i < records; ++i) {
    std::string rec = random_object(rng, 3, pretty, 0, true);
    if (rng.chance(20)) mutate(rng, rec);
    if (shape == 1 || shape == 2) {
      if (i > 0) out += pretty ? ",\n" : ",";
    } else {
      out += rng.chance(10) ? "\r\n" : "\n";
    }
    out += rec;
  }
  if (shape == 1) out += rng.chance(90) ? "]" : "";
  if (shape == 2) out += "], \"metadata\": {\"n\": 1}}";
  out += "\n";
  if (rng.chance(15)) mutate(rng, out);
  return out;
}

}  // namespace

// --- timestamps ------------------------------------------------------------------------

TEST_CASE("parse_iso8601_ms reads Vapi timestamps and common variants", "[reader][time]") {
  CHECK(parse_iso8601_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601_ms("2024-06-30T03:19:34.420Z") == 1719717574420);
  CHECK(parse_iso8601_ms("2024-06-30T03:19:34Z") == 1719717574000);
  CHECK(parse_iso8601_ms("2024-06-30T03:19:34.4Z") == 1719717574400);
  CHECK(parse_iso8601_ms("2024-06-30T03:19:34.420999999Z") == 1719717574420);
  CHECK(parse_iso8601_ms("2024-06-30T05:19:34.420+02:00") == 1719717574420);
  CHECK(parse_iso8601_ms("2024-06-29T22:49:34.420-04:30") == 1719717574420);
  CHECK(parse_iso8601_ms("2024-06-30T05:19:34.420+0200") == 1719717574420);
  CHECK(parse_iso8601_ms("2024-06-30 03:19:34.420z") == 1719717574420);
  CHECK(parse_iso8601_ms("2024-06-30T03:19:34.420") == 1719717574420);  // no offset: UTC
  CHECK(parse_iso8601_ms("2024-02-29T00:00:00Z") == 1709164800000);
  CHECK(parse_iso8601_ms("1969-12-31T23:59:59Z") == -1000);
  CHECK(parse_iso8601_ms("2000-03-01T00:00:00Z") == 951868800000);
  CHECK(parse_iso8601_ms("2024-06-30") == 1719705600000);
  CHECK(parse_iso8601_ms("") == kNoTime);
  CHECK(parse_iso8601_ms("yesterday") == kNoTime);
  CHECK(parse_iso8601_ms("2023-02-29T00:00:00Z") == kNoTime);
  CHECK(parse_iso8601_ms("2024-13-01T00:00:00Z") == kNoTime);
  CHECK(parse_iso8601_ms("2024-06-30T24:00:00Z") == kNoTime);
  CHECK(parse_iso8601_ms("2024-06-30T03:19:34.Z") == kNoTime);
  CHECK(parse_iso8601_ms("2024-06-30T03:19:34Zjunk") == kNoTime);
  CHECK(parse_iso8601_ms("2024-06-30T03:19:34+25:00") == kNoTime);
}

// --- the three real samples ----------------------------------------------------------------

TEST_CASE("GET /call sample: every field", "[reader][fields]") {
  Collect c;
  const ReadStats s = read_text(slurp(data_path("get-call-voicemail-2025-06.json")), c);
  REQUIRE(s.calls == 1);
  CHECK(s.records == 1);
  const CallRecord& r = c.calls[0];
  CHECK(r.shape == RecordShape::Call);
  CHECK(r.id == "00000000-0000-4000-8000-000000000004");
  CHECK(r.type == "outboundPhoneCall");
  CHECK(r.status == "ended");
  CHECK(r.has_ended_reason);
  CHECK(r.ended_reason == "voicemail");
  CHECK(r.ended_message.empty());
  CHECK(r.created_at == parse_iso8601_ms("2025-06-17T18:09:13.351Z"));
  CHECK(r.started_at == parse_iso8601_ms("2025-06-17T18:09:30.485Z"));
  CHECK(r.ended_at == parse_iso8601_ms("2025-06-17T18:10:21.316Z"));
  CHECK(r.assistant_id == "00000000-0000-4000-8000-0000000000a1");
  CHECK(r.phone_number_id == "00000000-0000-4000-8000-0000000000b1");
  CHECK(r.phone_call_provider == "vapi");
  CHECK(r.customer_number == "+15550000001");
  CHECK(r.transfer_destination.empty());
  CHECK(r.has_cost);
  CHECK(r.cost == Approx(0.069));
  CHECK(r.cost_transcriber == Approx(0.00912396));
  CHECK(r.cost_model == Approx(0.003122));
  CHECK(r.cost_voice == 0.0);
  CHECK(r.cost_vapi == Approx(0.04236));
  CHECK(r.cost_transport < 0);
  CHECK(r.user_turns == 2);
  CHECK(r.bot_turns == 2);
  CHECK(r.tool_calls == 0);
  CHECK(r.last_speaker == "bot");
  CHECK(r.last_user_turn_end == 1750183780707);
  CHECK(r.last_bot_turn_end == 1750183821457);
  CHECK(r.first_bot_seconds == Approx(3.7));
  CHECK(r.transfers.empty());
  CHECK(r.turn_latency_avg_ms < 0);
  CHECK(r.turn_latency_max_ms < 0);
  CHECK(r.turn_latency_count == 0);
  CHECK(r.success_evaluation == "false");
  CHECK(c.positions[0].record == 1);
  CHECK(c.positions[0].line == 1);
  CHECK(c.positions[0].column == 1);
  CHECK(c.positions[0].offset == 0);
}

TEST_CASE("end-of-call-report sample (2024 layout): reason from the message, identity from message.call",
          "[reader][fields][webhook]") {
  Collect c;
  const ReadStats s = read_text(slurp(data_path("end-of-call-report-2024-06.json")), c);
  REQUIRE(s.calls == 1);
  const CallRecord& r = c.calls[0];
  CHECK(r.shape == RecordShape::EndOfCallReport);
  CHECK(r.id == "00000000-0000-4000-8000-000000000002");
  CHECK(r.type == "webCall");
  CHECK(r.status == "ended");  // not the stale "queued" of message.call
  CHECK(r.ended_reason == "customer-ended-call");
  CHECK(r.created_at == parse_iso8601_ms("2024-06-30T03:19:34.420Z"));
  CHECK(r.started_at == kNoTime);
  CHECK(r.assistant_id == "00000000-0000-4000-8000-0000000000a1");
  CHECK(r.phone_number_id.empty());
  CHECK_FALSE(r.has_cost);
  // messages at the top of message (4 entries) beat the empty artifact.messages.
  CHECK(r.user_turns == 1);
  CHECK(r.bot_turns == 2);
  CHECK(r.last_speaker == "bot");
  CHECK(r.last_user_turn_end == 1719717584647);
  CHECK(r.last_bot_turn_end == 1719717590067);
  CHECK(r.first_bot_seconds == Approx(1.36));
  CHECK(r.success_evaluation == "false");
}

TEST_CASE("status-update sample: ended, messages from artifact", "[reader][fields][webhook]") {
  Collect c;
  const ReadStats s = read_text(slurp(data_path("status-update-ended-2024-06.json")), c);
  REQUIRE(s.calls == 1);
  const CallRecord& r = c.calls[0];
  CHECK(r.shape == RecordShape::StatusUpdate);
  CHECK(r.id == "00000000-0000-4000-8000-000000000001");
  CHECK(r.type == "webCall");
  CHECK(r.ended_reason == "silence-timed-out");
  CHECK(r.created_at == parse_iso8601_ms("2024-06-30T02:52:51.090Z"));
  CHECK(r.bot_turns == 1);
  CHECK(r.user_turns == 0);
  CHECK(r.last_speaker == "bot");
  CHECK(r.last_bot_turn_end == 1719715978596);
  CHECK(r.last_user_turn_end == kNoTime);
  CHECK(r.first_bot_seconds == Approx(1.28));
}

TEST_CASE("call with transfers, latencies, tool calls and odd field types", "[reader][fields]") {
  Collect c;
  const ReadStats s = read_text(slurp(data_path("reader/call-details.json")), c);
  REQUIRE(s.calls == 1);
  const CallRecord& r = c.calls[0];
  CHECK(r.id == "11111111-0000-4000-8000-000000000001");
  CHECK(r.type == "inboundPhoneCall");
  CHECK(r.ended_reason == "assistant-forwarded-call");
  CHECK(r.ended_message == "Transfer to \"front desk\" \\ done");
  CHECK(r.created_at == 1719799999500);
  CHECK(r.started_at == 1719800000000);  // +02:00 offset
  CHECK(r.ended_at == 1719800012345);    // epoch ms number
  CHECK(r.assistant_id == "assistant-from-object");
  CHECK(r.phone_number_id == "phone-1");
  CHECK(r.phone_call_provider == "twilio");
  CHECK(r.customer_number == "+15550000002");
  CHECK(r.transfer_destination == "sip:desk@example.com");
  CHECK(r.cost == Approx(0.1234));
  CHECK(r.cost_model == Approx(0.03));  // two model items summed
  CHECK(r.cost_voice == Approx(0.005));
  CHECK(r.cost_transcriber == 0.0);
  CHECK(r.cost_transport == Approx(0.003));
  CHECK(r.cost_vapi == Approx(0.05));
  CHECK(r.user_turns == 2);
  CHECK(r.bot_turns == 2);
  CHECK(r.tool_calls == 2);  // tool_calls and tool_call_result
  CHECK(r.last_speaker == "user");
  CHECK(r.last_user_turn_end == 1719800011000);  // no endTime: time
  CHECK(r.last_bot_turn_end == 1719800010000);
  CHECK(r.first_bot_seconds == Approx(1.5));
  REQUIRE(r.transfers.size() == 3);
  CHECK(r.transfers[0].status == "no-answer");
  CHECK(r.transfers[0].destination == "+15550001111");
  CHECK(r.transfers[1].status == "connected");
  CHECK(r.transfers[1].destination == "sip:backup@example.com");
  CHECK(r.transfers[2].status == "failed");
  CHECK(r.transfers[2].destination == "+15550002222");
  CHECK(r.turn_latency_count == 3);
  CHECK(r.turn_latency_avg_ms == Approx((1200 + 800.5 + 2000) / 3.0));
  CHECK(r.turn_latency_max_ms == Approx(2000));
  CHECK(r.success_evaluation == "8");
}

// --- shapes ------------------------------------------------------------------------------

TEST_CASE("JSON array of calls (GET /call), pretty-printed", "[reader][shape]") {
  Collect c;
  const ReadStats s = read_text(slurp(data_path("reader/calls-array.json")), c);
  CHECK(s.records == 3);
  CHECK(s.calls == 2);
  CHECK(s.not_ended == 1);
  REQUIRE(c.calls.size() == 2);
  CHECK(c.calls[0].ended_reason == "customer-did-not-answer");
  CHECK(c.calls[0].cost == Approx(0.01));
  CHECK(c.calls[1].id == "22222222-0000-4000-8000-000000000003");
  CHECK(c.calls[1].ended_message == "OpenAI returned 429");
  CHECK(c.positions[0].record == 1);
  CHECK(c.positions[0].line == 2);
  CHECK(c.positions[0].column == 3);
  CHECK(c.positions[1].record == 3);
  CHECK(c.positions[1].line == 16);
}

TEST_CASE("{results, metadata} exports in either key order", "[reader][shape]") {
  for (const char* name : {"reader/results-first.json", "reader/results-metadata-first.json"}) {
    INFO(name);
    Collect c;
    const ReadStats s = read_text(slurp(data_path(name)), c);
    CHECK(s.records == 3);
    CHECK(s.calls == 2);
    CHECK(s.not_ended == 1);
    CHECK(s.unreadable == 0);
    REQUIRE(c.calls.size() == 2);
    CHECK(c.calls[0].id == "33333333-0000-4000-8000-000000000001");
    CHECK(c.calls[1].ended_reason == "silence-timed-out");
  }
}

TEST_CASE("NDJSON with blank lines and not-ended calls", "[reader][shape]") {
  Collect c;
  const ReadStats s = read_text(slurp(data_path("reader/calls.ndjson")), c);
  CHECK(s.records == 5);
  CHECK(s.calls == 3);
  CHECK(s.not_ended == 2);  // "endedReason": null, and no endedReason
  REQUIRE(c.calls.size() == 3);
  CHECK(c.calls[0].cost == Approx(0.02));
  CHECK(c.calls[1].ended_reason == "assistant-ended-call");
  CHECK(c.positions[1].line == 3);
  CHECK(c.positions[2].line == 6);
  CHECK(c.positions[2].record == 5);
}

TEST_CASE("concatenated pretty-printed objects", "[reader][shape]") {
  Collect c;
  const ReadStats s = read_text(slurp(data_path("reader/calls-pretty-concat.json")), c);
  CHECK(s.records == 3);
  CHECK(s.calls == 2);
  CHECK(s.not_ended == 1);
  REQUIRE(c.calls.size() == 2);
  CHECK(c.calls[0].ended_reason == "customer-busy");
  CHECK(c.calls[0].bot_turns == 1);
  CHECK(c.positions[1].line == 12);
  CHECK(c.positions[1].column == 1);
}

TEST_CASE("webhook NDJSON: endings read from the message, other messages skipped",
          "[reader][shape][webhook]") {
  Collect c;
  const ReadStats s = read_text(slurp(data_path("reader/webhooks.ndjson")), c);
  CHECK(s.records == 7);
  // Line 6 is an ended status-update that says nowhere why: an ended call, reason missing.
  CHECK(s.calls == 3);
  CHECK(s.skipped == 3);
  CHECK(s.not_ended == 0);
  CHECK(s.unreadable == 1);
  REQUIRE(c.calls.size() == 3);
  CHECK(c.calls[2].reason_missing);
  CHECK(c.calls[2].ended_reason == vapidiag::kMissingReason);
  const CallRecord& su = c.calls[0];
  CHECK(su.shape == RecordShape::StatusUpdate);
  CHECK(su.ended_reason == "customer-ended-call");  // not message.call's stale value
  CHECK(su.id == "66666666-0000-4000-8000-000000000001");
  CHECK(su.assistant_id == "asst-1");
  CHECK(su.created_at == parse_iso8601_ms("2024-06-30T02:52:51.090Z"));
  const CallRecord& eocr = c.calls[1];
  CHECK(eocr.shape == RecordShape::EndOfCallReport);
  CHECK(eocr.id == "66666666-0000-4000-8000-000000000002");
  CHECK(eocr.type == "outboundPhoneCall");
  CHECK(eocr.status == "ended");
  CHECK(eocr.created_at == 1719800000000);
  CHECK(eocr.started_at == parse_iso8601_ms("2024-07-01T02:13:20.000Z"));
  CHECK(eocr.ended_at == parse_iso8601_ms("2024-07-01T02:14:20.000Z"));
  CHECK(eocr.cost == Approx(0.05));
  CHECK(eocr.assistant_id == "asst-from-message");
  CHECK(eocr.phone_number_id == "pn-2");
  CHECK(eocr.customer_number == "+15550000003");
  CHECK(eocr.phone_call_provider == "vonage");
  CHECK(eocr.success_evaluation == "true");
  CHECK(eocr.user_turns == 1);
  CHECK(eocr.bot_turns == 1);
  CHECK(eocr.last_speaker == "user");
  CHECK(eocr.last_user_turn_end == 1719800004000);
  CHECK(eocr.first_bot_seconds == Approx(0.8));
  REQUIRE(c.bad.size() == 1);
  CHECK(c.bad[0].message == "endedReason is a number, expected a string");
  CHECK(c.bad[0].pos.line == 7);
  CHECK(c.bad[0].pos.record == 7);
}

TEST_CASE("webhook envelopes in an array, and a bare message", "[reader][shape][webhook]") {
  Collect c;
  const ReadStats s = read_text(slurp(data_path("reader/webhooks-array.json")), c);
  CHECK(s.records == 3);
  CHECK(s.calls == 2);
  CHECK(s.skipped == 1);
  REQUIRE(c.calls.size() == 2);
  CHECK(c.calls[0].shape == RecordShape::EndOfCallReport);
  CHECK(c.calls[0].id == "88888888-0000-4000-8000-000000000001");
  CHECK(c.calls[1].shape == RecordShape::EndOfCallReport);
  CHECK(c.calls[1].ended_reason == "silence-timed-out");
  CHECK(c.calls[1].id == "88888888-0000-4000-8000-000000000002");
}

TEST_CASE("byte order mark and CRLF line ends", "[reader][shape]") {
  Collect c;
  const ReadStats s = read_text(slurp(data_path("reader/bom-crlf.ndjson")), c);
  CHECK(s.records == 3);
  CHECK(s.calls == 2);
  CHECK(s.not_ended == 1);
  REQUIRE(c.calls.size() == 2);
  CHECK(c.positions[0].line == 1);
  CHECK(c.positions[0].column == 1);  // the BOM is not a column
  CHECK(c.positions[0].offset == 3);
  CHECK(c.positions[1].line == 3);
  CHECK(c.positions[1].column == 3);
  CHECK(c.calls[1].ended_reason == "twilio-failed-to-connect-call");
}

TEST_CASE("single object, keys in any order, unknown fields, escapes, duplicates", "[reader][fields]") {
  Collect c;
  // Duplicate keys: the last one wins (like jq).
  read_text(R"({"zzz": {"a": [1, {"b": "}"}]}, "endedReason": "first", "id": "x\"y\u00e9",
                "endedReason": "customer-ended-call", "type": "webCall", "type": "inboundPhoneCall",
                "costs": [{"type": "model", "cost": 1}], "costs": [{"type": "voice", "cost": 2}]})",
            c);
  REQUIRE(c.calls.size() == 1);
  CHECK(c.calls[0].ended_reason == "customer-ended-call");
  CHECK(c.calls[0].id == "x\"y\xC3\xA9");
  CHECK(c.calls[0].type == "inboundPhoneCall");
  CHECK(c.calls[0].cost_model < 0);
  CHECK(c.calls[0].cost_voice == 2.0);

  Collect d;  // a later null endedReason un-ends the call
  const ReadStats s = read_text(R"({"endedReason": "x", "endedReason": null})", d);
  CHECK(s.not_ended == 1);
}

TEST_CASE("the record is reused: fields of one call never leak into the next", "[reader][fields]") {
  Collect c;
  read_text(
      "{\"id\":\"a\",\"endedReason\":\"x\",\"cost\":1,\"customer\":{\"number\":\"+1\"},"
      "\"artifact\":{\"transfers\":[{\"status\":\"busy\"}]},\"messages\":[{\"role\":\"user\"}]}\n"
      "{\"id\":\"b\",\"endedReason\":\"y\"}\n",
      c);
  REQUIRE(c.calls.size() == 2);
  CHECK(c.calls[0].transfers.size() == 1);
  CHECK(c.calls[0].user_turns == 1);
  CHECK(c.calls[1].id == "b");
  CHECK_FALSE(c.calls[1].has_cost);
  CHECK(c.calls[1].customer_number.empty());
  CHECK(c.calls[1].transfers.empty());
  CHECK(c.calls[1].user_turns == 0);
  CHECK(c.calls[1].last_speaker.empty());
}

TEST_CASE("endedReason of the wrong type is unreadable, missing or null is not ended", "[reader][fields]") {
  Collect c;
  const ReadStats s = read_text(
      "{\"id\":\"1\",\"endedReason\":7}\n{\"id\":\"2\",\"endedReason\":{\"a\":1}}\n"
      "{\"id\":\"3\",\"endedReason\":[\"x\"]}\n{\"id\":\"4\",\"endedReason\":true}\n"
      "{\"id\":\"5\",\"endedReason\":null}\n{\"id\":\"6\"}\n{\"id\":\"7\",\"endedReason\":\"ok\"}\n",
      c);
  CHECK(s.records == 7);
  CHECK(s.unreadable == 4);
  CHECK(s.not_ended == 2);
  CHECK(s.calls == 1);
  REQUIRE(c.bad.size() == 4);
  CHECK(c.bad[0].message == "endedReason is a number, expected a string");
  CHECK(c.bad[1].message == "endedReason is an object, expected a string");
  CHECK(c.bad[2].message == "endedReason is an array, expected a string");
  CHECK(c.bad[3].message == "endedReason is a boolean, expected a string");
  CHECK(c.bad[3].pos.line == 4);
}

TEST_CASE("numbers out of range or of the wrong type count as absent", "[reader][fields]") {
  Collect c;
  read_text(R"({"endedReason": "x", "cost": 1e999, "startedAt": 1e400, "endedAt": "not a date",
               "createdAt": -99999999999999999999999,
               "messages": [{"role": "user", "time": 99999999999999999999999, "endTime": "soon"},
                            {"role": "bot", "secondsFromStart": "late", "endTime": 1e308}],
               "costs": [{"type": "model", "cost": "cheap"}, {"type": "voice", "cost": -1e999}],
               "artifact": {"performanceMetrics": {"turnLatencies": [{"turnLatency": "fast"}, 1e999],
                                                   "turnLatencyAverage": 1e999}},
               "customer": "not an object", "id": 12})",
            c);
  REQUIRE(c.calls.size() == 1);
  const CallRecord& r = c.calls[0];
  CHECK_FALSE(r.has_cost);
  CHECK(r.started_at == kNoTime);
  CHECK(r.ended_at == kNoTime);
  CHECK(r.created_at == kNoTime);
  CHECK(r.last_user_turn_end == kNoTime);
  CHECK(r.last_bot_turn_end == kNoTime);
  CHECK(r.first_bot_seconds < 0);
  CHECK(r.cost_model < 0);
  CHECK(r.cost_voice < 0);
  CHECK(r.turn_latency_count == 0);
  CHECK(r.turn_latency_avg_ms < 0);
  CHECK(r.customer_number.empty());
  CHECK(r.id.empty());
  CHECK(r.user_turns == 1);
  CHECK(r.bot_turns == 1);
}

TEST_CASE("messages and artifact.messages: the larger wins", "[reader][fields]") {
  Collect c;
  read_text(R"({"endedReason": "x",
               "artifact": {"messages": [{"role": "user"}, {"role": "bot", "secondsFromStart": 2},
                                         {"role": "user", "endTime": 5}]},
               "messages": [{"role": "bot", "secondsFromStart": 1}]}
{"endedReason": "y", "messages": [{"role": "bot"}, {"role": "assistant"}],
 "artifact": {"messages": [{"role": "user"}]}}
{"endedReason": "z", "messages": [{"role": "bot", "secondsFromStart": 1}],
 "artifact": {"messages": [{"role": "user"}, {"role": "bot", "secondsFromStart": 2},
                           {"role": "user", "endTime": 5}]}, "id": "after"})",
            c);
  REQUIRE(c.calls.size() == 3);
  CHECK(c.calls[0].user_turns == 2);
  CHECK(c.calls[0].bot_turns == 1);
  CHECK(c.calls[0].first_bot_seconds == Approx(2));
  CHECK(c.calls[0].last_user_turn_end == 5);
  CHECK(c.calls[0].last_speaker == "user");
  CHECK(c.calls[1].bot_turns == 2);  // "assistant" counts as bot
  CHECK(c.calls[1].user_turns == 0);
  // The larger array comes second: read in detail too (the record is read again).
  CHECK(c.calls[2].user_turns == 2);
  CHECK(c.calls[2].bot_turns == 1);
  CHECK(c.calls[2].first_bot_seconds == Approx(2));
  CHECK(c.calls[2].last_user_turn_end == 5);
  CHECK(c.calls[2].last_speaker == "user");
  CHECK(c.calls[2].id == "after");
}

// --- bad input -----------------------------------------------------------------------------

TEST_CASE("a raw newline inside a string cuts the record off at that line", "[reader][bad]") {
  Collect c;
  const ReadStats s = read_text(
      "{\"id\":\"a\",\"endedReason\":\"x\"}\n{\"id\":\"b\",\"endedReason\":\"cut\n"
      "{\"id\":\"c\",\"endedReason\":\"z\"}\n",
      c);
  CHECK(s.records == 3);
  CHECK(s.calls == 2);
  REQUIRE(c.bad.size() == 1);
  CHECK(c.bad[0].message == "truncated or broken record: its line ends inside a string");
  CHECK(c.bad[0].pos.line == 2);
  CHECK(c.bad[0].pos.column == 1);
  CHECK(c.bad[0].pos.record == 2);
  CHECK(c.calls[1].id == "c");
  CHECK(c.positions[1].record == 3);
}

TEST_CASE("line-delimited input: a line that ends inside a record is reported", "[reader][bad]") {
  Collect c;
  const ReadStats s = read_text(
      "{\"id\":\"a\",\"endedReason\":\"x\"}\n{\"id\":\"b\",\"artifact\":{\"messages\":[\n"
      "{\"id\":\"c\",\"endedReason\":\"z\"}\n",
      c);
  CHECK(s.records == 3);
  CHECK(s.calls == 2);
  REQUIRE(c.bad.size() == 1);
  CHECK(c.bad[0].message == "truncated or unbalanced record: its line ends inside an object");
  CHECK(c.bad[0].pos.line == 2);
  CHECK(c.calls[1].id == "c");
}

TEST_CASE("pretty-printed input: '{' in column 1 ends a truncated record", "[reader][bad]") {
  Collect c;
  const ReadStats s = read_text(
      "{\n  \"id\": \"a\",\n  \"endedReason\": \"x\"\n}\n"
      "{\n  \"id\": \"b\",\n  \"artifact\": {\n    \"x\": 1\n"
      "{\n  \"id\": \"c\",\n  \"endedReason\": \"z\"\n}\n",
      c);
  CHECK(s.records == 3);
  CHECK(s.calls == 2);
  REQUIRE(c.bad.size() == 1);
  CHECK(c.bad[0].message ==
        "truncated record: the next record starts on line 5 of the record, before it ended");
  CHECK(c.bad[0].pos.line == 5);
  CHECK(c.calls[1].id == "c");
  CHECK(c.positions[1].line == 9);
}

TEST_CASE("pretty-printed input: a broken string skips the rest of its record", "[reader][bad]") {
  Collect c;
  const ReadStats s = read_text(
      "{\n  \"id\": \"a\",\n  \"endedReason\": \"x\"\n}\n"
      "{\n  \"id\": \"b\n  \"endedReason\": \"y\",\n  \"messages\": [\n    {\n      \"role\": \"bot\"\n    "
      "}\n  ]\n}\n"
      "{\n  \"id\": \"c\",\n  \"endedReason\": \"z\"\n}\n",
      c);
  CHECK(s.records == 3);
  CHECK(s.calls == 2);
  REQUIRE(c.bad.size() == 1);
  CHECK(c.bad[0].message ==
        "truncated or broken record: line 2 of the record ends inside a string (skipped 7 more lines of it)");
  CHECK(c.bad[0].pos.line == 5);
  CHECK(c.calls[1].id == "c");
}

TEST_CASE("input that is not JSON at all is one file error", "[reader][bad]") {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n",
       "not JSON: starts with '<' (an HTML page?)"},
      {"\n  id,endedReason\n1,voicemail\n", "not JSON: starts with 'i'"},
      {std::string("\x1F\x8B\x08\x00", 4),
       "read error: gzip data is truncated: the input ended inside a compressed stream"},
      {"\xFF\xFE{\x00", "not JSON: starts with byte 0xFF (UTF-16 text? save it as UTF-8)"},
      {"42\n", "not JSON: starts with '4' (a bare value, not a call object or array)"},
  };
  for (const Case& k : cases) {
    Collect c;
    const ReadStats s = read_text(k.text, c);
    CHECK(s.records == 0);
    CHECK(s.file_errors == 1);
    REQUIRE(c.file_errors.size() == 1);
    CHECK(c.file_errors[0] == "test: " + k.message);
  }
}

TEST_CASE("garbage inside a JSON input: one report per run, the rest is read", "[reader][bad]") {
  Collect c;
  const ReadStats s = read_text(
      "{\"id\":\"a\",\"endedReason\":\"x\"}\n<html>\n<body>oops</body>\n\n</html>\n"
      "{\"id\":\"b\",\"endedReason\":\"y\"}\nERROR: upstream timed "
      "out\n{\"id\":\"c\",\"endedReason\":\"z\"}\n"
      "42\n\"just a string\"\n",
      c);
  // A line of text between the values is skipped and counted, once for the input, not as a
  // record; markup (an error page pasted in) is an unreadable record.
  CHECK(s.records == 6);
  CHECK(s.calls == 3);
  CHECK(s.unreadable == 3);
  CHECK(s.text_lines == 1);
  REQUIRE(c.text.size() == 1);
  CHECK(c.text[0] == "1 from line 7: ERROR: upstream timed out");
  REQUIRE(c.bad.size() == 3);
  CHECK(c.bad[0].message == "not JSON: skipped 3 lines starting with \"<html>\"");
  CHECK(c.bad[0].pos.line == 2);
  CHECK(c.bad[0].pos.record == 2);
  CHECK(c.bad[1].message == "record is a number, expected an object");
  CHECK(c.bad[1].pos.line == 9);
  CHECK(c.bad[2].message == "record is a string, expected an object");
  CHECK(c.positions[2].record == 4);
}

TEST_CASE("garbage inside an array is an unreadable record, not text", "[reader][bad]") {
  Collect c;
  const ReadStats s =
      read_text("[{\"id\":\"a\",\"endedReason\":\"x\"},\noops\n{\"id\":\"b\",\"endedReason\":\"y\"}]\n", c);
  CHECK(s.calls == 2);
  CHECK(s.text_lines == 0);
  CHECK(s.unreadable == 1);
  CHECK(c.text.empty());
}

TEST_CASE("what the vapi CLI prints around its JSON is skipped as text", "[reader][text]") {
  // `vapi call list`: a line, then a pretty-printed array; `vapi call get`: a line, then an object.
  const std::string list =
      "Listing calls...\n[\n  {\n    \"id\": \"a\",\n    \"endedReason\": \"voicemail\"\n  },\n"
      "  {\n    \"id\": \"b\",\n    \"endedReason\": \"customer-busy\"\n  }\n]\nDone.\n";
  const std::string get =
      "Getting call with ID: a\n{\n  \"id\": \"a\",\n  \"endedReason\": \"voicemail\"\n}\n";
  for (std::size_t chunk : {1, 3, 7, 64, 4096}) {
    for (bool pipeline : {false, true}) {
      ReadOptions o;
      o.chunk_bytes = chunk;
      o.pipeline = pipeline;
      o.share_backlog = chunk % 2 ? 0 : SIZE_MAX;
      Collect c;
      const ReadStats s = read_text(list, c, o);
      CHECK(s.calls == 2);
      CHECK(s.records == 2);
      CHECK(s.text_lines == 2);
      CHECK(s.file_errors == 0);
      REQUIRE(c.text.size() == 1);
      CHECK(c.text[0] == "2 from line 1: Listing calls...");
      Collect g;
      const ReadStats t = read_text(get, g, o);
      CHECK(t.calls == 1);
      CHECK(t.text_lines == 1);
      REQUIRE(g.calls.size() == 1);
      CHECK(g.calls[0].id == "a");
      CHECK(g.positions[0].line == 2);
    }
  }
}

TEST_CASE("text and no JSON at all is still not JSON", "[reader][text]") {
  for (const char* text :
       {"Listing calls...\n", "Listing calls...\nNo calls found.\n\n", "note: 42\n1,2\n"}) {
    Collect c;
    const ReadStats s = read_text(text, c);
    CHECK(s.records == 0);
    CHECK(s.text_lines == 0);
    CHECK(s.file_errors == 1);
    CHECK(c.text.empty());
    REQUIRE(c.file_errors.size() == 1);
    CHECK(c.file_errors[0].find("test: not JSON: starts with") == 0);
  }
}

TEST_CASE("truncated last record", "[reader][bad]") {
  {
    Collect c;
    const ReadStats s = read_text("{\"id\":\"a\",\"endedReason\":\"x\"}\n{\"id\":\"b\",\"endedRea", c);
    CHECK(s.calls == 1);
    REQUIRE(c.bad.size() == 1);
    CHECK(c.bad[0].message == "truncated: input ended inside a string");
    CHECK(c.bad[0].pos.line == 2);
    CHECK(c.bad[0].pos.offset == 29);
  }
  {
    Collect c;
    const ReadStats s = read_text("{\"id\":\"a\",\"endedReason\":\"x\"}\n{\"id\":\"b\",\"x\":{}", c);
    CHECK(s.calls == 1);
    REQUIRE(c.bad.size() == 1);
    CHECK(c.bad[0].message == "truncated: input ended inside an object");
  }
}

TEST_CASE("malformed records are reported with simdjson's message", "[reader][bad]") {
  Collect c;
  using namespace std::string_literals;
  const ReadStats s = read_text(
      "{\"id\":\"a\" \"endedReason\":\"x\"}\n"                       // missing comma
      "{\"id\":\"b\",\"endedReason\":\"bad \\x escape\"}\n"          // invalid escape
      "{\"id\":\"c\",\"endedReason\":\"nul \0 byte\"}\n"             // raw NUL in a string
      "{\"id\":\"d\",\"endedReason\":\"\xC3\x28 invalid utf-8\"}\n"  // invalid UTF-8
      "{\"id\":\"e\",\"endedReason\":\"fine\"}\n"s,
      c);
  CHECK(s.records == 5);
  CHECK(s.calls == 1);
  REQUIRE(c.bad.size() == 4);
  for (const Bad& b : c.bad) CHECK(b.message.rfind("invalid JSON: ", 0) == 0);
  CHECK(c.bad[2].message.find("unescaped") != std::string::npos);
  CHECK(c.bad[3].message == "invalid JSON: the input is not valid UTF-8");
  CHECK(c.bad[3].pos.line == 4);
  CHECK(c.calls[0].id == "e");
}

TEST_CASE("what follows a malformed record does not change its verdict", "[reader][bad]") {
  // Found by fuzzing: simdjson looked past the end of `{"":}` and accepted it when a '}'
  // followed in the buffer.
  for (std::size_t chunk : {std::size_t{1}, std::size_t{5}, std::size_t{6}, std::size_t{1u << 20}}) {
    INFO(chunk);
    Collect c;
    ReadOptions o;
    o.chunk_bytes = chunk;
    const ReadStats s = read_text("{\"\":}}", c, o);
    CHECK(s.records == 2);
    CHECK(s.unreadable == 2);
  }
}

TEST_CASE("arrays with a stray comma or without their closing bracket", "[reader][bad]") {
  {
    Collect c;
    const ReadStats s = read_text("[{\"endedReason\":\"a\"},,{\"endedReason\":\"b\"},]", c);
    CHECK(s.calls == 2);
    REQUIRE(c.bad.size() == 2);
    CHECK(c.bad[0].message == "stray ',' in an array (an empty element)");
    CHECK(c.bad[0].pos.column == 22);
    CHECK(c.bad[1].message == "stray ',' before ']'");
  }
  {
    Collect c;
    const ReadStats s = read_text("[\n{\"endedReason\":\"a\"},\n{\"endedReason\":\"b\"}\n", c);
    CHECK(s.calls == 2);
    REQUIRE(c.bad.size() == 1);
    CHECK(c.bad[0].message == "truncated: input ended inside an array (missing ']')");
    CHECK(c.bad[0].pos.line == 4);
  }
  {
    Collect c;
    const ReadStats s = read_text("{\"results\":[{\"endedReason\":\"a\"},{\"endedReason\":\"b\"}", c);
    CHECK(s.calls == 2);
    REQUIRE(c.bad.size() == 1);
    CHECK(c.bad[0].message == "truncated: input ended inside the \"results\" array (missing ']')");
  }
}

TEST_CASE("an export whose metadata exceeds the record limit is still an export, at any chunk size",
          "[reader][bad]") {
  const std::string text = "{\"metadata\": {\"note\": \"" + std::string(400, 'm') +
                           "\"}, \"results\": [{\"endedReason\": \"a\"}, {\"endedReason\": \"b\"}]}";
  for (Kernel k : kernels()) {
    const std::vector<std::string> reference = run_log(text, Kernel::Scalar, 1u << 20, 100);
    REQUIRE(reference.back() == "records=2 calls=2 not_ended=0 skipped=0 unreadable=0 bytes=" +
                                    std::to_string(text.size()) + " file_errors=0");
    for (std::size_t chunk = 1; chunk <= 97; ++chunk) REQUIRE(run_log(text, k, chunk, 100) == reference);
  }
}

TEST_CASE("empty, blank and BOM-only inputs hold no records and no errors", "[reader][bad]") {
  for (const std::string& text : {std::string(), std::string(" \n\r\n\t "), std::string("\xEF\xBB\xBF"),
                                  std::string("\xEF\xBB\xBF\r\n")}) {
    Collect c;
    const ReadStats s = read_text(text, c);
    CHECK(s.records == 0);
    CHECK(s.file_errors == 0);
    CHECK(c.log.empty());
  }
}

TEST_CASE("nesting 100,000 levels deep is reported, not a crash", "[reader][bad]") {
  const std::string deep_value = std::string(100000, '[') + std::string(100000, ']');
  for (Kernel k : kernels()) {
    INFO(vapidiag::reader_detail::kernel_name(k));
    vapidiag::reader_detail::set_kernel_override(k);
    Collect c;
    const ReadStats s =
        read_text("{\"endedReason\":\"a\"}\n{\"x\":" + deep_value + "}\n{\"endedReason\":\"b\"}\n", c);
    CHECK(s.calls == 2);
    REQUIRE(c.bad.size() == 1);
    CHECK(c.bad[0].message == "record nested deeper than 1024 levels");
    CHECK(c.bad[0].pos.line == 2);

    Collect d;  // a top-level array holding the deep value
    const ReadStats t = read_text("[" + deep_value + "]", d);
    CHECK(t.records == 1);
    CHECK(t.unreadable == 1);

    Collect e;  // unbalanced
    const ReadStats u = read_text("[{\"a\":" + std::string(100000, '['), e);
    CHECK(u.unreadable == 2);
    vapidiag::reader_detail::set_kernel_override(Kernel::Auto);
  }
}

TEST_CASE("records larger than max_record_bytes are skipped and reported", "[reader][bad]") {
  const std::string big = "{\"endedReason\":\"big\",\"pad\":\"" + std::string(5000, 'x') + "\"}";
  const std::string text = "{\"endedReason\":\"a\"}\n" + big + "\n{\"endedReason\":\"b\"}\n";
  for (std::size_t chunk :
       {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{1000}, std::size_t{1u << 20}}) {
    INFO(chunk);
    Collect c;
    ReadOptions o;
    o.max_record_bytes = 4096;
    o.chunk_bytes = chunk;
    // The front end's hint rides along; the library names no option of its own.
    if (chunk == 7) o.too_large_hint = "raise the limit";
    const ReadStats s = read_text(text, c, o);
    CHECK(s.calls == 2);
    REQUIRE(c.bad.size() == 1);
    CHECK(c.bad[0].message ==
          (chunk == 7 ? "record larger than 4 KiB (raise the limit)" : "record larger than 4 KiB"));
    CHECK(c.bad[0].pos.line == 2);
  }
  Collect c;
  ReadOptions o;
  o.max_record_bytes = 64u << 20;
  CHECK(vapidiag::reader_detail::format_limit(o.max_record_bytes) == "64 MiB");
  CHECK(vapidiag::reader_detail::format_limit(1536u << 10) == "1.5 MiB");
  CHECK(vapidiag::reader_detail::format_limit(1000) == "1000 bytes");
}

TEST_CASE("accounting: N records with K broken", "[reader][accounting]") {
  Rng rng(7);
  std::string text;
  std::size_t ok = 0;
  std::size_t not_ended = 0;
  std::size_t broken = 0;
  std::size_t skipped = 0;
  for (int i = 0; i < 500; ++i) {
    switch (rng.below(6)) {
      case 0:
        text +=
            "{\"id\":\"" + std::to_string(i) + "\",\"endedReason\":\"x\",\"cut\":\"";  // cut by the newline
        ++broken;
        break;
      case 1:
        text += "{\"id\":\"" + std::to_string(i) + "\",\"status\":\"queued\"}";
        ++not_ended;
        break;
      case 2:
        text += "{\"message\":{\"type\":\"transcript\"}}";
        ++skipped;
        break;
      case 3:
        text += "{\"endedReason\":[]}";
        ++broken;
        break;
      default:
        text += "{\"id\":\"" + std::to_string(i) + "\",\"endedReason\":\"customer-ended-call\"}";
        ++ok;
    }
    text += "\n";
  }
  Collect c;
  const ReadStats s = read_text(text, c);
  CHECK(s.records == 500);
  CHECK(s.calls == ok);
  CHECK(s.not_ended == not_ended);
  CHECK(s.skipped == skipped);
  CHECK(s.unreadable == broken);
  CHECK(s.bytes == text.size());
}

// --- the framer: kernels and chunking --------------------------------------------------------

TEST_CASE("block scanners agree with the state machine on random inputs, every chunk size",
          "[reader][framer]") {
  const std::vector<Kernel> ks = kernels();
  Rng rng(2024);
  for (int round = 0; round < 40; ++round) {
    const std::string text = random_input(rng);
    INFO("round " << round << ": " << text);
    const std::vector<std::string> reference = run_log(text, Kernel::Scalar, 1u << 20);
    for (Kernel k : ks) {
      INFO(vapidiag::reader_detail::kernel_name(k));
      for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{1u << 20}})
        REQUIRE(run_log(text, k, chunk, 64u << 20, true) == reference);
      for (std::size_t chunk = 1; chunk <= 97; ++chunk) {
        INFO("chunk " << chunk);
        const std::vector<std::string> got = run_log(text, k, chunk);
        REQUIRE(got == reference);
      }
    }
  }
}

TEST_CASE("block scanners agree on larger random inputs and a small record limit", "[reader][framer]") {
  const std::vector<Kernel> ks = kernels();
  Rng rng(99);
  for (int round = 0; round < 30; ++round) {
    std::string text;
    for (int i = 0; i < 20; ++i) text += random_input(rng);
    const std::size_t limit = rng.chance(50) ? 300 : (64u << 20);
    const std::vector<std::string> reference = run_log(text, Kernel::Scalar, 1u << 20, limit);
    for (Kernel k : ks) {
      INFO("round " << round << " " << vapidiag::reader_detail::kernel_name(k));
      for (std::size_t chunk : {std::size_t{64}, std::size_t{100}, std::size_t{333}, std::size_t{4096},
                                std::size_t{1u << 20}, 1 + rng.below(5000)}) {
        REQUIRE(run_log(text, k, chunk, limit) == reference);
        REQUIRE(run_log(text, k, chunk, limit, true) == reference);
      }
    }
  }
}

TEST_CASE("every fixture reads the same at every chunk size and with every kernel", "[reader][framer]") {
  const std::vector<Kernel> ks = kernels();
  for (const char* name :
       {"get-call-voicemail-2025-06.json", "end-of-call-report-2024-06.json",
        "status-update-ended-2024-06.json", "reader/call-details.json", "reader/calls-array.json",
        "reader/results-first.json", "reader/results-metadata-first.json", "reader/calls.ndjson",
        "reader/calls-pretty-concat.json", "reader/webhooks.ndjson", "reader/webhooks-array.json",
        "reader/bom-crlf.ndjson"}) {
    INFO(name);
    const std::string text = slurp(data_path(name));
    const std::vector<std::string> reference = run_log(text, Kernel::Scalar, 1u << 20);
    CHECK(reference.size() > 1);
    for (Kernel k : ks) {
      INFO(vapidiag::reader_detail::kernel_name(k));
      for (std::size_t chunk = 1; chunk <= 97; ++chunk) REQUIRE(run_log(text, k, chunk) == reference);
      for (std::size_t chunk : {std::size_t{1}, std::size_t{33}, std::size_t{1u << 20}})
        REQUIRE(run_log(text, k, chunk, 64u << 20, true) == reference);
    }
  }
}

TEST_CASE("escapes across block boundaries", "[reader][framer]") {
  // Runs of backslashes of every length ending at every offset of a 64-byte block.
  const std::vector<Kernel> ks = kernels();
  for (std::size_t run = 1; run <= 5; ++run) {
    for (std::size_t pad = 0; pad < 70; ++pad) {
      const std::string value =
          std::string(pad, 'a') + std::string(run, '\\') + (run % 2 == 1 ? "\"" : "") + "b";
      const std::string text = "{\"endedReason\":\"" + value + "\"}\n{\"endedReason\":\"next\"}\n";
      const std::vector<std::string> reference = run_log(text, Kernel::Scalar, 1u << 20);
      for (Kernel k : ks) {
        for (std::size_t chunk :
             {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{4096}}) {
          REQUIRE(run_log(text, k, chunk) == reference);
        }
      }
      REQUIRE(reference.size() == 3);
      CHECK(reference[1].find("reason=next") != std::string::npos);
    }
  }
}

// --- I/O --------------------------------------------------------------------------------------

TEST_CASE("read_file: missing files and directories are file errors", "[reader][io]") {
  Collect c;
  ReadStats s = vapidiag::read_file(data_path("reader/no-such-file.json"), c);
  CHECK(s.file_errors == 1);
  CHECK(s.records == 0);
  REQUIRE(c.file_errors.size() == 1);
  CHECK(c.file_errors[0].find("No such file or directory") != std::string::npos);
  Collect d;
  s = vapidiag::read_file(data_path("reader"), d);
  CHECK(s.file_errors == 1);
  REQUIRE(d.file_errors.size() == 1);
  CHECK(d.file_errors[0].find("Is a directory") != std::string::npos);
}

TEST_CASE("read_file and read_fd over a pipe read like read_buffer", "[reader][io]") {
  const std::string path = data_path("reader/webhooks.ndjson");
  const std::string text = slurp(path);
  Collect from_buffer;
  const ReadStats a = vapidiag::read_buffer(text, "x", from_buffer);
  Collect from_file;
  const ReadStats b = vapidiag::read_file(path, from_file);
  CHECK(stats_text(a) == stats_text(b));
  CHECK(from_buffer.log == from_file.log);
  CHECK(from_file.files.at(0) == path);

  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::thread writer([&] {
    // Dribble the input in small writes so reads return partial chunks.
    for (std::size_t i = 0; i < text.size(); i += 13) {
      const std::size_t n = std::min<std::size_t>(13, text.size() - i);
      REQUIRE(::write(fds[1], text.data() + i, n) == static_cast<ssize_t>(n));
    }
    ::close(fds[1]);
  });
  Collect from_pipe;
  const ReadStats p = vapidiag::read_fd(fds[0], "pipe", from_pipe);
  writer.join();
  ::close(fds[0]);
  CHECK(stats_text(a) == stats_text(p));
  CHECK(from_buffer.log == from_pipe.log);
}

TEST_CASE("stop_requested stops between records, progress is reported", "[reader][io][threads]") {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "{\"id\":\"" + std::to_string(i) + "\",\"endedReason\":\"x\"}\n";
  Collect c;
  c.stop_after = 3;
  vapidiag::read_buffer(text, "t", c);
  CHECK(c.calls.size() == 3);

  const std::string line =
      "{\"endedReason\":\"customer-ended-call\",\"pad\":\"" + std::string(1000, 'p') + "\"}\n";
  std::string big;
  while (big.size() < (20u << 20)) big += line;
  Collect d;
  ReadOptions o;
  o.chunk_bytes = 1u << 20;
  const ReadStats s = vapidiag::read_buffer(big, "big", d, o);
  CHECK(s.calls == big.size() / line.size());
  CHECK(d.progress.size() >= 2);
  for (std::size_t i = 1; i < d.progress.size(); ++i) CHECK(d.progress[i] > d.progress[i - 1]);

  // The same with framing on a second thread: the stop is seen between records, and the
  // framing thread ends (no hang, nothing counted past the stop).
  for (std::size_t chunk : {std::size_t{64}, std::size_t{4096}}) {
    Collect e;
    e.stop_after = 3;
    ReadOptions p;
    p.pipeline = true;
    p.chunk_bytes = chunk;
    const ReadStats ps = vapidiag::read_buffer(text, "t", e, p);
    CHECK(e.calls.size() == 3);
    CHECK(ps.calls == 3);
  }
  Collect f;
  o.pipeline = true;
  const ReadStats fs = vapidiag::read_buffer(big, "big", f, o);
  CHECK(fs.calls == s.calls);
  CHECK(fs.bytes == big.size());
  CHECK(f.progress.size() >= 2);
  for (std::size_t i = 1; i < f.progress.size(); ++i) CHECK(f.progress[i] > f.progress[i - 1]);
}

TEST_CASE("whole lines read well-formed input exactly as framing every line does", "[reader][framer]") {
  // Whole lines (ReadOptions::whole_lines) save framing the lines of NDJSON; on anything
  // well formed, and on the bad input of the fixtures, nothing may change.
  std::vector<std::string> texts;
  for (const char* name : {"reader/calls.ndjson", "reader/webhooks.ndjson", "reader/bom-crlf.ndjson",
                           "reader/calls-pretty-concat.json", "reader/calls-array.json"})
    texts.push_back(slurp(data_path(name)));
  Rng rng(5);
  for (int round = 0; round < 20; ++round) {
    std::string text;
    for (int i = 0; i < 30; ++i)
      text += random_object(rng, 0, false, 0, true) + (rng.chance(20) ? " \r\n" : "\n");
    texts.push_back(text);
  }
  for (const std::string& text : texts) {
    INFO(text.substr(0, 200));
    const std::vector<std::string> framed = run_log(text, Kernel::Scalar, 1u << 20, 64u << 20, false, false);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{61}, std::size_t{1u << 20}}) {
      REQUIRE(run_log(text, Kernel::Auto, chunk) == framed);
      REQUIRE(run_log(text, Kernel::Auto, chunk, 64u << 20, true) == framed);
    }
  }
}

TEST_CASE("whole lines: a line simdjson reads as one object is one record", "[reader][framer]") {
  // simdjson skips the values it is not asked for without checking them, so it reads
  // this malformed line as one object ending at the last brace; framing it byte by byte
  // ends the record at the brace before. With whole lines, the line is one record (not
  // ended: it has no endedReason), on one thread and on two, at every chunk size.
  // (Twice: with framing on a second thread, that thread parses every other line itself
  // and frames the others first.)
  const std::string lenient =
      "{\"destination\": {\"t\": , \"s\": \"u, \"m\": \"p\", \"t\": 1\"x\", \"c\":0\"}}}\n";
  const std::string text =
      "{\"id\":\"a\",\"endedReason\":\"x\"}\n" + lenient + lenient + "{\"id\":\"b\",\"endedReason\":\"y\"}\n";
  const std::vector<std::string> framed = run_log(text, Kernel::Scalar, 1u << 20, 64u << 20, false, false);
  const std::vector<std::string> whole = run_log(text, Kernel::Scalar, 1u << 20);
  CHECK(framed != whole);
  CHECK(whole.back() == "records=4 calls=2 not_ended=2 skipped=0 unreadable=0 bytes=" +
                            std::to_string(text.size()) + " file_errors=0");
  for (Kernel k : kernels()) {
    for (std::size_t chunk = 1; chunk <= 97; ++chunk) REQUIRE(run_log(text, k, chunk) == whole);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{50}, std::size_t{1u << 20}})
      REQUIRE(run_log(text, k, chunk, 64u << 20, true) == whole);
  }
  // A line where simdjson met a value of the wrong kind (here ':' for a string) is not
  // taken whole: after such an error its walk may not end where the object does.
  const std::string colon = "{\"endedReason\":\"x\"}\n{\"message\":{\"type\"::\"speech-update\"}}}\n";
  CHECK(run_log(colon, Kernel::Auto, 1u << 20) ==
        run_log(colon, Kernel::Scalar, 1u << 20, 64u << 20, false, false));
  for (std::size_t chunk = 1; chunk <= 40; ++chunk)
    REQUIRE(run_log(colon, Kernel::Auto, chunk) == run_log(colon, Kernel::Auto, 1u << 20));
  // A line simdjson does not read whole is framed: a stray brace after the object.
  const std::string stray = "{\"endedReason\":\"x\"}\n{\"endedReason\":\"y\"}}\n";
  const std::vector<std::string> got = run_log(stray, Kernel::Auto, 1u << 20);
  CHECK(got == run_log(stray, Kernel::Scalar, 1u << 20, 64u << 20, false, false));
  CHECK(got.back().rfind("records=3 calls=2 not_ended=0 skipped=0 unreadable=1", 0) == 0);
}

TEST_CASE("framing on a second thread: long inputs, where that thread also parses records",
          "[reader][io][threads]") {
  // Batches close at 1,024 events, so these inputs take several batches, and the framing
  // thread parses some of them itself (all, none or as timing has it, by the chunk size
  // modulo 3: see run_log); every report must still come out in input order.
  Rng rng(77);
  for (int round = 0; round < 6; ++round) {
    std::string text;
    while (text.size() < 400000) text += random_input(rng);
    INFO("round " << round);
    const std::vector<std::string> reference = run_log(text, Kernel::Scalar, 1u << 20);
    for (std::size_t chunk : {std::size_t{4095}, std::size_t{4096}, std::size_t{4097}, std::size_t{65535}})
      REQUIRE(run_log(text, Kernel::Auto, chunk, 64u << 20, true) == reference);
  }
  // A stop inside a batch the framing thread parsed (share_backlog 0: it parses them all).
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += i % 7 == 3 ? "{\"id\":\"" + std::to_string(i) + "\",\"endedReason\":[]}\n"
                       : "{\"id\":\"" + std::to_string(i) + "\",\"endedReason\":\"x\"}\n";
  }
  for (std::size_t share : {ReadOptions{}.share_backlog, std::size_t{0}}) {
    for (std::size_t stop : {std::size_t{1}, std::size_t{1500}, std::size_t{2600}}) {
      INFO("share_backlog " << share << ", stop after " << stop);
      Collect c;
      c.stop_after = stop;
      ReadOptions o;
      o.pipeline = true;
      o.chunk_bytes = 8192;
      o.share_backlog = share;
      const ReadStats s = vapidiag::read_buffer(text, "t", c, o);
      CHECK(c.calls.size() == stop);
      CHECK(s.calls == stop);
      REQUIRE(!c.calls.empty());
      // The last call is the stop-th good record of the input.
      std::size_t good = 0, id = 0;
      for (; id < 5000 && good < stop; ++id)
        if (id % 7 != 3) ++good;
      CHECK(c.calls.back().id == std::to_string(id - 1));
      CHECK(c.bad.size() == s.unreadable);
    }
  }
}

TEST_CASE("framing on a second thread: not JSON, read errors and large records", "[reader][io][threads]") {
  ReadOptions p;
  p.pipeline = true;
  p.chunk_bytes = 16;
  {
    Collect c;
    const ReadStats s =
        vapidiag::read_buffer("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>\n", "h", c, p);
    CHECK(s.file_errors == 1);
    REQUIRE(c.file_errors.size() == 1);
    CHECK(c.file_errors[0].find("not JSON") != std::string::npos);
  }
  {
    // A record over the batch size travels alone; one over the limit is reported.
    const std::string big =
        "{\"id\":\"big\",\"endedReason\":\"voicemail\",\"s\":\"" + std::string(3u << 20, 'x') + "\"}";
    const std::string text = big + "\n{\"id\":\"a\",\"endedReason\":\"voicemail\"}\n" + big + "\n";
    Collect c;
    p.chunk_bytes = 100000;
    const ReadStats s = vapidiag::read_buffer(text, "b", c, p);
    CHECK(s.calls == 3);
    p.max_record_bytes = 1u << 20;
    Collect d;
    const ReadStats t = vapidiag::read_buffer(text, "b", d, p);
    CHECK(t.calls == 1);
    CHECK(t.unreadable == 2);
  }
  {
    // A descriptor that fails to read (a directory) is one file error, as without the thread.
    const int fd = ::open(".", O_RDONLY | O_DIRECTORY);
    REQUIRE(fd >= 0);
    Collect c;
    const ReadStats s = vapidiag::read_fd(fd, "dir", c, p);
    ::close(fd);
    CHECK(s.file_errors == 1);
    REQUIRE(c.file_errors.size() == 1);
    CHECK(c.file_errors[0].find("read error") != std::string::npos);
  }
}

TEST_CASE("ReadStats::add sums every counter", "[reader]") {
  ReadStats a{1, 2, 3, 4, 5, 6, 7};
  const ReadStats b{10, 20, 30, 40, 50, 60, 70};
  a.add(b);
  CHECK(a.records == 11);
  CHECK(a.calls == 22);
  CHECK(a.not_ended == 33);
  CHECK(a.skipped == 44);
  CHECK(a.unreadable == 55);
  CHECK(a.bytes == 66);
  CHECK(a.file_errors == 77);
}

TEST_CASE("CallRecord::clear resets every field", "[reader]") {
  CallRecord r;
  r.shape = RecordShape::StatusUpdate;
  r.id = "x";
  r.has_ended_reason = true;
  r.ended_reason = "y";
  r.created_at = 5;
  r.has_cost = true;
  r.cost = 2;
  r.cost_model = 1;
  r.user_turns = 3;
  r.last_speaker = "bot";
  r.first_bot_seconds = 1;
  r.transfers.push_back({"busy", "+1"});
  r.turn_latency_count = 4;
  r.success_evaluation = "true";
  r.clear();
  CHECK(r.shape == RecordShape::Call);
  CHECK(r.id.empty());
  CHECK_FALSE(r.has_ended_reason);
  CHECK(r.ended_reason.empty());
  CHECK(r.created_at == kNoTime);
  CHECK_FALSE(r.has_cost);
  CHECK(r.cost == 0.0);
  CHECK(r.cost_model < 0);
  CHECK(r.user_turns == 0);
  CHECK(r.last_speaker.empty());
  CHECK(r.first_bot_seconds < 0);
  CHECK(r.transfers.empty());
  CHECK(r.turn_latency_count == 0);
  CHECK(r.success_evaluation.empty());
}

namespace {

std::string gzip(std::string_view text, int level = 6) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));  // NOLINT
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string zstd(std::string_view text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  REQUIRE(!ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::string calls_ndjson(int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += "{\"id\":\"c" + std::to_string(i) + "\",\"endedReason\":\"voicemail\",\"transcript\":\"" +
         std::string(static_cast<std::size_t>(i % 97) * 37, 'x') + "\"}\n";
  return s;
}

}  // namespace

TEST_CASE("gzip and zstd input reads as the data it holds", "[reader][compressed][threads]") {
  const std::string plain = calls_ndjson(3000);  // several output buffers' worth
  Collect want;
  const ReadStats ws = read_text(plain, want);
  REQUIRE(ws.calls == 3000);
  const std::string gz = gzip(plain);
  for (const std::string& packed :
       {gz, zstd(plain), gz + gzip("{\"id\":\"more\",\"endedReason\":\"x\"}\n")}) {
    for (std::size_t chunk : {std::size_t{7}, std::size_t{4096}, std::size_t{1u << 20}}) {
      for (bool pipeline : {false, true}) {
        ReadOptions o;
        o.chunk_bytes = chunk;
        o.pipeline = pipeline;
        Collect c;
        const ReadStats s = read_text(packed, c, o);
        CHECK(s.file_errors == 0);
        const bool two = packed.size() > gz.size() && packed.compare(0, gz.size(), gz) == 0;
        CHECK(s.calls == (two ? 3001u : 3000u));  // concatenated gzip members are one input
        REQUIRE(c.calls.size() >= 3000);
        CHECK(c.calls[2999].id == "c2999");
        CHECK(c.positions[2999].line == want.positions[2999].line);
        CHECK(c.positions[2999].offset == want.positions[2999].offset);
      }
    }
  }
}

TEST_CASE("bad or truncated compressed data is an error that keeps what came before",
          "[reader][compressed][threads]") {
  const std::string plain = calls_ndjson(3000);
  for (const std::string& packed : {gzip(plain, 1), zstd(plain)}) {
    Collect c;
    const ReadStats s = read_text(packed.substr(0, packed.size() * 2 / 3), c);
    CHECK(s.file_errors == 1);
    CHECK(s.calls > 100);
    CHECK(s.calls < 3000);
    REQUIRE(c.file_errors.size() == 1);
    CHECK(c.file_errors[0].find("truncated") != std::string::npos);
    // The record the end cut off is counted and reported, after the calls before it.
    CHECK(s.unreadable == 1);
    CHECK(s.records == s.calls + s.unreadable);
    REQUIRE(c.bad.size() == 1);
    CHECK(c.bad[0].message.rfind("truncated: input ended inside", 0) == 0);
    CHECK(c.bad[0].pos.record == s.records);
    std::string broken = packed;
    for (std::size_t i = broken.size() / 2; i < broken.size() / 2 + 64; ++i)
      broken[i] = static_cast<char>(~broken[i]);
    Collect b;
    const ReadStats t = read_text(broken, b);
    CHECK(t.file_errors == 1);
    CHECK(t.calls < 3000);
    REQUIRE(b.file_errors.size() == 1);
    CHECK((b.file_errors[0].find("gzip:") != std::string::npos ||
           b.file_errors[0].find("zstd:") != std::string::npos));
  }
}

TEST_CASE("compressed data from a pipe, detected by its bytes", "[reader][compressed][io][threads]") {
  const std::string packed = zstd(calls_ndjson(500));
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::thread writer([&] {
    std::size_t off = 0;
    while (off < packed.size()) {
      const ssize_t n =
          ::write(fds[1], packed.data() + off, std::min<std::size_t>(1000, packed.size() - off));
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
  });
  Collect c;
  const ReadStats s = vapidiag::read_fd(fds[0], "<stdin>", c);
  writer.join();
  ::close(fds[0]);
  CHECK(s.calls == 500);
  CHECK(s.file_errors == 0);
}

TEST_CASE("webhook shapes: the ending's fallbacks, flattened and bare messages", "[reader][webhook]") {
  Collect c;
  const ReadStats s = read_text(
      // The ending only in message.call (Vapi's doc examples).
      "{\"message\":{\"type\":\"end-of-call-report\",\"timestamp\":1719700000000,"
      "\"call\":{\"id\":\"a\",\"status\":\"ended\",\"endedReason\":\"silence-timed-out\"}}}\n"
      // message.endedReason wins over the snapshot's.
      "{\"message\":{\"type\":\"end-of-call-report\",\"endedReason\":\"voicemail\","
      "\"call\":{\"id\":\"b\",\"endedReason\":\"customer-busy\"}}}\n"
      // No reason anywhere: still an ended call.
      "{\"message\":{\"type\":\"end-of-call-report\",\"call\":{\"id\":\"c\"}}}\n"
      // Flattened by a middleware: the report at the top, the message holds type and timestamp.
      "{\"endedReason\":\"pipeline-error-openai-llm-failed\",\"call\":{\"id\":\"d\"},\"type\":\"webCall\","
      "\"message\":{\"type\":\"end-of-call-report\",\"timestamp\":\"2024-06-30T00:00:05Z\"},\"cost\":0.5}\n"
      // Bare: no envelope.
      "{\"type\":\"end-of-call-report\",\"endedReason\":\"customer-ended-call\",\"call\":{\"id\":\"e\"}}\n"
      // An ended status-update with its reason only in the snapshot.
      "{\"message\":{\"type\":\"status-update\",\"status\":\"ended\",\"call\":{\"id\":\"f\",\"endedReason\":"
      "\"voicemail\"}}}\n"
      // Not ended: a status-update in progress.
      "{\"message\":{\"type\":\"status-update\",\"status\":\"in-progress\",\"call\":{\"id\":\"g\"}}}\n",
      c);
  CHECK(s.calls == 6);
  CHECK(s.skipped == 1);
  REQUIRE(c.calls.size() == 6);
  CHECK(c.calls[0].ended_reason == "silence-timed-out");
  CHECK(c.calls[0].message_time == 1719700000000);
  CHECK(c.calls[0].shape == vapidiag::RecordShape::EndOfCallReport);
  CHECK(c.calls[1].ended_reason == "voicemail");
  CHECK(c.calls[2].ended_reason == vapidiag::kMissingReason);
  CHECK(c.calls[2].reason_missing);
  CHECK(c.calls[3].ended_reason == "pipeline-error-openai-llm-failed");
  CHECK(c.calls[3].id == "d");
  CHECK(c.calls[3].type == "webCall");
  CHECK(c.calls[3].has_cost);
  CHECK(c.calls[3].message_time == 1719705605000);
  CHECK(c.calls[3].shape == vapidiag::RecordShape::EndOfCallReport);
  CHECK(c.calls[4].ended_reason == "customer-ended-call");
  CHECK(c.calls[4].id == "e");
  CHECK(c.calls[5].ended_reason == "voicemail");
  CHECK(c.calls[5].shape == vapidiag::RecordShape::StatusUpdate);
}

TEST_CASE("binary garbage that starts with a letter is unreadable, not text", "[reader][text]") {
  Collect c;
  const ReadStats s =
      read_text(std::string("{\"id\":\"a\",\"endedReason\":\"x\"}\nr\x16\xB9\xEF"
                            "8\x90tO\x1Fv\n"
                            "{\"id\":\"b\",\"endedReason\":\"y\"}\nListing calls\xE2\x80\xA6 done\n"),
                c);
  CHECK(s.calls == 2);
  CHECK(s.unreadable == 1);
  CHECK(s.text_lines == 1);  // UTF-8 text (an ellipsis) is text
  REQUIRE(c.bad.size() == 1);
  CHECK(c.bad[0].pos.line == 2);
}

TEST_CASE("PartFolds folds parts in part order, whichever thread finishes them when", "[logs][threads]") {
  constexpr std::size_t kParts = 16;
  for (int round = 0; round < 20; ++round) {
    vapidiag::PartFolds folds(kParts);
    std::vector<std::size_t> folded;  // written by one folding thread at a time
    std::vector<std::size_t> order(kParts);
    for (std::size_t i = 0; i < kParts; ++i) order[i] = (i * 7 + static_cast<std::size_t>(round)) % kParts;
    // Two threads mark the parts done in a scrambled order; the last two parts are left
    // to finish(), as after a join.
    const auto mark = [&](std::size_t from) {
      for (std::size_t i = from; i < kParts; i += 2)
        if (order[i] < kParts - 2) folds.done(order[i], [&](std::size_t k) { folded.push_back(k); });
    };
    std::thread other(mark, 1);
    mark(0);
    other.join();
    // Parts 0 .. kParts - 3 are done, so every one of them is folded already.
    REQUIRE(folded.size() == kParts - 2);
    folds.finish([&](std::size_t k) { folded.push_back(k); });
    std::vector<std::size_t> expect(kParts);
    for (std::size_t i = 0; i < kParts; ++i) expect[i] = i;
    REQUIRE(folded == expect);
    // A new round starts at part 0.
    folded.clear();
    folds.done(1, [&](std::size_t k) { folded.push_back(k); });
    REQUIRE(folded.empty());
    folds.done(0, [&](std::size_t k) { folded.push_back(k); });
    REQUIRE(folded == std::vector<std::size_t>{0, 1});
  }
}

TEST_CASE("PartFolds: a thread that finishes a part while another folds does not wait", "[logs][threads]") {
  for (int round = 0; round < 5; ++round) {
    vapidiag::PartFolds folds(3);
    std::atomic<bool> fold0_started{false}, done1_returned{false};
    std::vector<std::size_t> folded;  // by the folding thread
    bool waited_out = false;
    std::thread folder([&] {
      folds.done(0, [&](std::size_t k) {
        if (k == 0) {
          fold0_started = true;
          // Part 0's fold lasts until the other thread's done(1) has returned (or 20 s).
          const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
          while (!done1_returned && std::chrono::steady_clock::now() < until) std::this_thread::yield();
          waited_out = !done1_returned;
        }
        folded.push_back(k);
      });
    });
    while (!fold0_started) std::this_thread::yield();
    bool folded_here = false;
    folds.done(1, [&](std::size_t) { folded_here = true; });
    done1_returned = true;
    folder.join();
    CHECK_FALSE(waited_out);
    CHECK_FALSE(folded_here);
    REQUIRE(folded == std::vector<std::size_t>{0, 1});  // part 1 by the thread folding then
    folds.finish([&](std::size_t k) { folded.push_back(k); });
    REQUIRE(folded == std::vector<std::size_t>{0, 1, 2});
  }
}

TEST_CASE("a second framing thread only where it pays", "[reader]") {
  using vapidiag::reader_detail::Compression;
  using vapidiag::reader_detail::framing_thread_pays;
  // Files and buffers: uncompressed input, whatever its shape.
  CHECK(framing_thread_pays(Compression::None, true, "{\"id"));
  CHECK(framing_thread_pays(Compression::None, true, "[\n  "));
  CHECK(framing_thread_pays(Compression::None, true, ""));
  // Pipes: arrays only (a byte order mark and blanks before the bracket are fine).
  CHECK(framing_thread_pays(Compression::None, false, "[{\"i"));
  CHECK(framing_thread_pays(Compression::None, false, "\xEF\xBB\xBF["));
  CHECK(framing_thread_pays(Compression::None, false, " \r\n["));
  CHECK_FALSE(framing_thread_pays(Compression::None, false, "{\"id"));
  CHECK_FALSE(framing_thread_pays(Compression::None, false, "    "));
  CHECK_FALSE(framing_thread_pays(Compression::None, false, ""));
  // Compressed data never (a thread inflates it already).
  CHECK_FALSE(framing_thread_pays(Compression::Gzip, true, "\x1F\x8B\x08\x00"));
  CHECK_FALSE(framing_thread_pays(Compression::Zstd, false, "\x28\xB5\x2F\xFD"));
}

TEST_CASE("pipeline_where_it_pays reads the same as either way", "[reader][threads]") {
  // The policy only picks a way of reading: what is reported is what one thread reports.
  const std::string lines = calls_ndjson(400);
  std::string array = "[" + lines + "]";
  for (std::size_t i = 1; i + 2 < array.size(); ++i)
    if (array[i] == '\n') array[i] = ',';
  for (const std::string& in : {lines, array, gzip(lines, 1)}) {
    Collect one, chosen;
    read_text(in, one);
    ReadOptions o;
    o.pipeline = true;
    o.pipeline_where_it_pays = true;
    read_text(in, chosen, o);
    CHECK(one.calls.size() == 400);
    CHECK(one.log == chosen.log);
  }
}
