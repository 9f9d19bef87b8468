#include "vapidiag/findings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "vapidiag/summary.hpp"
#include "vapidiag/time.hpp"

namespace vapidiag {

Thresholds::Thresholds() {
  for (const Threshold& t : thresholds()) values_.emplace_back(t.name, t.value);
}

double Thresholds::get(std::string_view name) const {
  for (const auto& [k, v] : values_)
    if (k == name) return v;
  return 0.0;  // unreachable for names of data/thresholds.tsv (tests check every name used)
}

bool Thresholds::set(std::string_view name, double value) {
  // Thresholds become millisecond integers: keep them where that conversion is defined.
  if (!(value >= 0)) value = 0;
  value = std::min(value, 1e9);
  for (auto& [k, v] : values_)
    if (k == name) {
      v = value;
      return true;
    }
  return false;
}

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string seconds(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(ms) / 1000.0);
  return buf;
}

constexpr std::size_t kMaskBits = 64;

class Collector {
 public:
  Collector(const Classification& c, std::vector<Finding>& out, bool detail, const FindingMask* applicable)
      : c_(c), out_(out), detail_(detail), applicable_(applicable) {}
  // Adds the finding if the code is one it refines, with message() as its message when
  // details are wanted. Returns the finding to add evidence to, or nullptr when the
  // finding does not apply or only its id is wanted (so nothing is formatted for it).
  template <typename MakeMessage>
  Finding* add(std::string_view id, MakeMessage&& message) {
    const FindingDef* def = find_finding(id);
    if (!def || !applies(*def)) return nullptr;
    out_.push_back({def, detail_ ? std::string(message()) : std::string(), {}});
    return detail_ ? &out_.back() : nullptr;
  }

 private:
  bool applies(const FindingDef& def) const {
    const auto i = static_cast<std::size_t>(&def - finding_defs().data());
    if (applicable_ && i < kMaskBits) return (*applicable_ >> i & 1) != 0;
    return applies_to(def.applies, c_.code);
  }
  const Classification& c_;
  std::vector<Finding>& out_;
  bool detail_;
  const FindingMask* applicable_;  // nullptr: match the globs
};

void ev(Finding* f, std::string field, std::string value) {
  if (f) f->evidence.push_back({std::move(field), std::move(value)});
}

}  // namespace

FindingMask applicable_findings(std::string_view code) {
  FindingMask mask = 0;
  const auto defs = finding_defs();
  for (std::size_t i = 0; i < defs.size() && i < kMaskBits; ++i)
    if (applies_to(defs[i].applies, code)) mask |= FindingMask{1} << i;
  return mask;
}

namespace {

void find_findings(const CallRecord& rec, const Classification& c, const Thresholds& t,
                   std::vector<Finding>& out, bool detail, const FindingMask* applicable) {
  out.clear();
  Collector col(c, out, detail, applicable);
  const bool connected = rec.started_at != kNoTime;
  const std::int64_t duration_ms =
      (connected && rec.ended_at != kNoTime) ? rec.ended_at - rec.started_at : -1;

  // The caller spoke last and nothing answered before the end. A caller who says goodbye
  // and hangs up also speaks last, so a hang-up needs a wait in silence first.
  const bool waited =
      rec.last_user_turn_end != kNoTime && rec.ended_at != kNoTime &&
      rec.ended_at - rec.last_user_turn_end >= static_cast<std::int64_t>(t.get("unanswered-wait-s") * 1000);
  if (rec.last_speaker == "user" && (c.code == "silence-timed-out" || waited)) {
    if (Finding* f = col.add("unanswered-caller", [&] {
          std::string msg = "the caller's last turn got no answer";
          if (rec.last_user_turn_end != kNoTime && rec.ended_at != kNoTime)
            msg += "; the call ended " + seconds(rec.ended_at - rec.last_user_turn_end) + " s after it";
          return msg;
        })) {
      ev(f, "messages[-1].role", "user");
      if (rec.last_user_turn_end != kNoTime && rec.ended_at != kNoTime)
        ev(f, "endedAt - last user endTime (s)", seconds(rec.ended_at - rec.last_user_turn_end));
      ev(f, "endedReason", rec.ended_reason);
    }
  }

  // A transfer that did not connect.
  for (std::size_t i = 0; i < rec.transfers.size(); ++i) {
    const std::string& st = rec.transfers[i].status;
    if (st == "no-answer" || st == "busy" || st == "failed" || st == "cancelled" || st == "voicemail") {
      if (Finding* f = col.add("transfer-not-completed", [&] {
            std::string msg = "the transfer";
            if (!rec.transfers[i].destination.empty()) msg += " to " + rec.transfers[i].destination;
            return msg + " ended " + st;
          })) {
        ev(f, "artifact.transfers[" + std::to_string(i) + "].status", st);
        if (!rec.transfers[i].destination.empty())
          ev(f, "artifact.transfers[" + std::to_string(i) + "].destination", rec.transfers[i].destination);
      }
      break;
    }
  }

  // Hung up within seconds without a word.
  if (duration_ms >= 0 && duration_ms < static_cast<std::int64_t>(t.get("quick-hangup-s") * 1000) &&
      rec.user_turns == 0) {
    if (Finding* f = col.add("immediate-hangup", [&] {
          return "the caller hung up after " + seconds(duration_ms) + " s without saying anything";
        })) {
      ev(f, "endedAt - startedAt (s)", seconds(duration_ms));
      ev(f, "user turns", "0");
    }
  }

  // A provider failure with a zero cost for that component: the customer's own key.
  if (!c.provider.empty()) {
    double cost = -1;
    std::string item;
    if (c.component == "llm")
      cost = rec.cost_model, item = "model";
    else if (c.component == "voice")
      cost = rec.cost_voice, item = "voice";
    else if (c.component == "transcriber")
      cost = rec.cost_transcriber, item = "transcriber";
    if (cost == 0.0) {
      if (Finding* f = col.add("own-provider-key", [&] {
            return "no " + item + " cost was billed through Vapi: your own " + std::string(c.provider) +
                   " key is in use";
          })) {
        ev(f, "costs[type=" + item + "].cost", "0");
      }
    }
  }

  // A Vapi-side failure that was billed anyway.
  if (!c.charged && rec.has_cost && rec.cost > 0) {
    if (Finding* f = col.add("credit-candidate", [&] {
          return "Vapi typically does not charge for this ending, but the call cost $" + num(rec.cost);
        })) {
      ev(f, "cost", num(rec.cost));
      ev(f, "endedReason", rec.ended_reason);
    }
  }

  // No startedAt on an outbound leg that failed: the phone never rang.
  if (!connected && (rec.type == "outboundPhoneCall" || rec.type.empty())) {
    if (Finding* f = col.add("never-connected",
                             [&] { return "no startedAt: media never connected, the phone never rang"; })) {
      ev(f, "startedAt", "absent");
      if (!rec.type.empty()) ev(f, "type", rec.type);
    }
  }

  // Slow turns before the caller gave up or went quiet.
  if (rec.turn_latency_count > 0 && rec.turn_latency_avg_ms > t.get("slow-turn-ms")) {
    if (Finding* f = col.add("slow-turns", [&] {
          return "average turn latency " + num(rec.turn_latency_avg_ms) + " ms (max " +
                 num(rec.turn_latency_max_ms) + " ms) over " + std::to_string(rec.turn_latency_count) +
                 " turns";
        })) {
      ev(f, "artifact.performanceMetrics turn latency avg (ms)", num(rec.turn_latency_avg_ms));
      ev(f, "artifact.performanceMetrics turn latency max (ms)", num(rec.turn_latency_max_ms));
    }
  }

  // Connected for a while, and the assistant never said anything.
  // A record without any messages says nothing either way: require the caller's turns.
  if (duration_ms >= static_cast<std::int64_t>(t.get("assistant-silent-s") * 1000) && rec.bot_turns == 0 &&
      rec.user_turns > 0) {
    if (Finding* f = col.add("assistant-never-spoke", [&] {
          return "connected for " + seconds(duration_ms) + " s with no assistant turn";
        })) {
      ev(f, "assistant turns", "0");
      ev(f, "endedAt - startedAt (s)", seconds(duration_ms));
    }
  }

  // The assistant talked to nobody.
  if (connected && rec.bot_turns > 0 && rec.user_turns == 0 &&
      !(duration_ms >= 0 && duration_ms < static_cast<std::int64_t>(t.get("quick-hangup-s") * 1000))) {
    if (Finding* f = col.add("caller-never-spoke", [&] {
          return std::to_string(rec.bot_turns) + " assistant turns and no caller turn";
        })) {
      ev(f, "user turns", "0");
      ev(f, "assistant turns", std::to_string(rec.bot_turns));
    }
  }

  // Normal ending, failed goal.
  if (rec.success_evaluation == "false" || rec.success_evaluation == "fail" ||
      rec.success_evaluation == "failed") {
    if (Finding* f = col.add("unsuccessful-normal-end",
                             [&] { return "analysis.successEvaluation is " + rec.success_evaluation; }))
      ev(f, "analysis.successEvaluation", rec.success_evaluation);
  }
}

}  // namespace

void find_call_findings(const CallRecord& rec, const Classification& c, const Thresholds& t,
                        std::vector<Finding>& out, bool detail) {
  find_findings(rec, c, t, out, detail, nullptr);
}

void find_call_findings(const CallRecord& rec, const Classification& c, const Thresholds& t,
                        std::vector<Finding>& out, bool detail, FindingMask applicable) {
  find_findings(rec, c, t, out, detail, &applicable);
}

Symptom evidence_symptom(const Classification& c, const std::vector<Finding>& findings) {
  for (const Finding& f : findings)
    if (f.def->evidence_symptom != Symptom::Unknown && f.def->evidence_symptom != c.symptom)
      return f.def->evidence_symptom;
  return c.symptom;
}

bool call_failed(const Classification& c, const std::vector<Finding>& findings) {
  if (c.fault != Fault::Normal) return true;
  for (const Finding& f : findings)
    if (f.def->severity == "error" && f.def->evidence_symptom != Symptom::Unknown &&
        f.def->evidence_symptom != c.symptom)
      return true;
  return false;
}

}  // namespace vapidiag

namespace vapidiag {

std::vector<std::string_view> evidence_findings(const Classification& c) {
  std::vector<std::string_view> out;
  if (!c.classified()) return out;
  for (const FindingDef& f : finding_defs()) {
    if (f.id.starts_with("summary.") || !applies_to(f.applies, c.code)) continue;
    // Only a call Vapi does not charge for can be billed by mistake.
    if (f.id == "credit-candidate" && c.charged) continue;
    // Vapi's own hosted models are not billed through a provider account of the customer.
    if (f.id == "own-provider-key" && c.provider_info && c.provider_info->kind == ProviderKind::Vapi)
      continue;
    out.push_back(f.id);
  }
  return out;
}

std::vector<CrossFinding> find_cross_findings(const Summary& s, const Thresholds& t) {
  std::vector<CrossFinding> out;
  // Bursts: the same failure at least burst-min times within one window or two adjacent ones.
  if (const FindingDef* def = find_finding("summary.burst")) {
    const auto min = static_cast<std::uint64_t>(std::max(1.0, t.get("burst-min")));
    std::string code;
    struct Best {
      std::uint64_t calls = 0;
      std::int64_t bucket = 0;
      bool pair = false;
    } best;
    auto flush = [&] {
      if (best.calls >= min) {
        const std::int64_t from = best.bucket * s.burst_window_ms;
        const std::int64_t to = from + (best.pair ? 2 : 1) * s.burst_window_ms;
        out.push_back({def,
                       std::to_string(best.calls) + " calls ended " + code + " between " +
                           format_iso8601(from).substr(11, 8) + " and " + format_iso8601(to).substr(11, 8) +
                           " UTC on " + format_iso8601(from).substr(0, 10),
                       code, best.calls});
      }
      best = {};
    };
    // failure_buckets is ordered by code, then by bucket as text; collect numerically per code.
    std::vector<std::pair<std::int64_t, std::uint64_t>> buckets;
    auto scan_code = [&] {
      std::sort(buckets.begin(), buckets.end());
      for (std::size_t i = 0; i < buckets.size(); ++i) {
        const auto [b, n] = buckets[i];
        if (n > best.calls) best = {n, b, false};
        if (i > 0 && buckets[i - 1].first == b - 1 && buckets[i - 1].second + n > best.calls)
          best = {buckets[i - 1].second + n, b - 1, true};
      }
      flush();
      buckets.clear();
    };
    for (const auto& [key, n] : s.failure_buckets) {
      std::string_view key_code;
      std::int64_t bucket = 0;
      if (!Summary::split_bucket_key(key, &key_code, &bucket)) continue;
      if (key_code != code) {
        if (!code.empty()) scan_code();
        code = std::string(key_code);
      }
      buckets.emplace_back(bucket, n);
    }
    if (!code.empty()) scan_code();
  }

  // Failures concentrated on one assistant or number.
  if (const FindingDef* def = find_finding("summary.concentrated")) {
    auto check = [&](const std::map<std::string, CountPair, std::less<>>& m, const char* what) {
      if (m.size() < 2) return;
      std::uint64_t total = 0;
      const std::pair<const std::string, CountPair>* top = nullptr;
      for (const auto& e : m) {
        total += e.second.failures;
        if (!top || e.second.failures > top->second.failures) top = &e;
      }
      if (!top || static_cast<double>(total) < t.get("concentration-min")) return;
      const double share = 100.0 * static_cast<double>(top->second.failures) / static_cast<double>(total);
      if (share < t.get("concentration-share")) return;
      out.push_back({def,
                     std::string(what) + " " + top->first + " has " + std::to_string(top->second.failures) +
                         " of " + std::to_string(total) + " failures (" + num(share) + "%) over " +
                         std::to_string(top->second.calls) + " calls",
                     top->first, top->second.failures});
    };
    check(s.assistants, "assistant");
    check(s.phone_numbers, "phone number");
  }

  // A failure rate that rose from the first third of the period to the last.
  if (const FindingDef* def = find_finding("summary.rising");
      def && s.first_time != kNoTime && s.last_time > s.first_time) {
    const std::int64_t span = s.last_time - s.first_time;
    CountPair first, last;
    for (const auto& [hour, v] : s.hours) {
      const std::int64_t t0 = parse_iso8601_ms(hour + ":00:00Z");
      if (t0 == kNoTime) continue;
      const std::int64_t mid = t0 + 1800000;  // the middle of the hour
      if (mid < s.first_time + span / 3)
        first.add(v);
      else if (mid > s.last_time - span / 3)
        last.add(v);
    }
    const double min_calls = t.get("rising-min-calls");
    if (static_cast<double>(first.calls) >= min_calls && static_cast<double>(last.calls) >= min_calls) {
      const double r1 = 100.0 * static_cast<double>(first.failures) / static_cast<double>(first.calls);
      const double r3 = 100.0 * static_cast<double>(last.failures) / static_cast<double>(last.calls);
      if (r3 >= t.get("rising-factor") * r1 && r3 - r1 >= 5.0)
        out.push_back({def,
                       "failure rate " + num(r1) + "% in the first third of the period, " + num(r3) +
                           "% in the last third",
                       "", last.failures});
    }
  }
  return out;
}

}  // namespace vapidiag
