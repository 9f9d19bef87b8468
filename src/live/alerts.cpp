#include "vapidiag/alerts.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "vapidiag/live.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag {

namespace {

bool parse_number(std::string_view s, double* out) {
  if (s.empty()) return false;
  std::string tmp(s);
  char* end = nullptr;
  const double v = std::strtod(tmp.c_str(), &end);
  if (end != tmp.c_str() + tmp.size() || !std::isfinite(v) || v < 0) return false;
  *out = v;
  return true;
}

bool parse_window(std::string_view s, std::int64_t* ms) {
  if (s.size() < 2) return false;
  const char unit = s.back();
  const std::int64_t scale = unit == 's' ? 1000 : unit == 'm' ? 60000 : unit == 'h' ? 3600000 : 0;
  double v = 0;
  if (!scale || !parse_number(s.substr(0, s.size() - 1), &v) || v <= 0) return false;
  *ms = static_cast<std::int64_t>(v * static_cast<double>(scale));
  return *ms >= 1000 && *ms <= 7 * 24 * 3600000LL;
}

}  // namespace

// Resolves a name the way `check --fail-on` does.
bool resolve_rule_name(std::string_view name, AlertRule* r, std::string* err) {
  std::string_view qual;
  if (const std::size_t colon = name.find(':'); colon != std::string_view::npos) {
    qual = name.substr(0, colon);
    name = name.substr(colon + 1);
    if (qual != "fault" && qual != "symptom" && qual != "finding") {
      *err = "'" + std::string(qual) + ":' is not a qualifier (fault:, symptom:, finding:)";
      return false;
    }
  }
  const auto fault = parse_fault(name);
  const auto symptom = parse_symptom(name);
  const FindingDef* finding = find_finding(name);
  if (qual.empty() && fault && symptom) {
    *err = "'" + std::string(name) +
           "' is both a fault party and a symptom: write fault:" + std::string(name) +
           " or symptom:" + std::string(name);
    return false;
  }
  if ((qual.empty() || qual == "fault") && fault) {
    r->kind = AlertRule::Kind::Fault;
    r->fault = *fault;
    return true;
  }
  if ((qual.empty() || qual == "symptom") && symptom) {
    r->kind = AlertRule::Kind::Symptom;
    r->symptom = *symptom;
    return true;
  }
  if ((qual.empty() || qual == "finding") && finding) {
    r->kind = finding->id.starts_with("summary.") ? AlertRule::Kind::Cross : AlertRule::Kind::Finding;
    r->finding = std::string(finding->id);
    return true;
  }
  if (qual.empty() && name == "unknown-code") {
    r->kind = AlertRule::Kind::UnknownCode;
    return true;
  }
  // The nearest names, for a "did you mean".
  std::vector<std::string> all;
  for (auto n : kFaultNames) all.emplace_back(n);
  for (auto n : kSymptomNames) all.emplace_back(n);
  for (const FindingDef& f : finding_defs()) all.emplace_back(f.id);
  all.emplace_back("unknown-code");
  all.emplace_back("failed");
  std::string best;
  int best_d = 4;
  for (const std::string& n : all)
    if (const int d = edit_distance(n, name); d < best_d) best_d = d, best = n;
  *err = "'" + std::string(name) + "' is not a fault party, symptom, finding id or unknown-code" +
         (best.empty() ? std::string(" (see `vapidiag codes` and data/findings.tsv)")
                       : "; did you mean " + best + "?");
  return false;
}

namespace {

std::string format_value(double v, bool percent) {
  char buf[48];
  if (percent)
    std::snprintf(buf, sizeof buf, "%.1f%%", v);
  else
    std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

}  // namespace

bool parse_alert_rule(std::string_view text, AlertRule* out, std::string* err) {
  AlertRule r;
  r.text = std::string(text);
  std::string_view s = text;
  std::string_view window;
  if (const std::size_t slash = s.rfind('/'); slash != std::string_view::npos) {
    window = s.substr(slash + 1);
    s = s.substr(0, slash);
    if (!parse_window(window, &r.window_ms)) {
      *err = "'" + std::string(window) + "' is not a window (30s, 10m, 1h; from 1s to 7 days)";
      return false;
    }
  }
  const std::size_t op = s.find('>');
  const std::string_view name = s.substr(0, op);
  if (!resolve_rule_name(name, &r, err)) return false;
  if (r.kind == AlertRule::Kind::Cross) {
    if (op != std::string_view::npos) {
      *err = "a cross-call finding fires or not: write '" + std::string(name) + "' or '" + std::string(name) +
             "/30m', with no threshold";
      return false;
    }
    if (window.empty()) r.window_ms = 10 * 60 * 1000;
    *out = r;
    return true;
  }
  if (op == std::string_view::npos) {
    *err = "a threshold is missing: write NAME>PCT% or NAME>=COUNT, then /WINDOW (e.g. vapifault>5%/10m)";
    return false;
  }
  std::string_view value = s.substr(op + 1);
  if (!value.empty() && value.front() == '=') {
    r.or_equal = true;
    value.remove_prefix(1);
  }
  if (!value.empty() && value.back() == '%') {
    r.percent = true;
    value.remove_suffix(1);
  }
  if (!parse_number(value, &r.threshold) || (r.percent && r.threshold > 100)) {
    *err = "'" + std::string(s.substr(op + 1)) +
           "' is not a threshold (a count, or a percentage from 0 to 100%)";
    return false;
  }
  *out = r;
  return true;
}

std::string AlertEvent::to_json() const {
  nlohmann::ordered_json j;
  j["alert"] = rule;
  j["state"] = firing ? "firing" : "resolved";
  j["at"] = format_iso8601(at_ms);
  j["value"] = value;
  j["calls"] = calls;
  j["matched"] = matched;
  if (!detail.empty()) j["detail"] = detail;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AlertEvent::to_text() const {
  std::string s = "alert " + std::string(firing ? "FIRING" : "resolved") + " " + rule + " at " +
                  format_iso8601(at_ms) + ": ";
  if (!detail.empty()) return s + detail;
  const bool percent = rule.find('%') != std::string::npos;
  return s + format_value(value, percent) + " (" + std::to_string(matched) + " of " + std::to_string(calls) +
         " ended calls in the window)";
}

AlertEngine::AlertEngine(std::vector<AlertRule> rules, const Thresholds& t)
    : rules_(std::move(rules)), thresholds_(t), states_(rules_.size()) {}

bool rule_matches_call(const AlertRule& r, const Classification& c, Symptom by_evidence,
                       const std::vector<Finding>& findings) {
  switch (r.kind) {
    case AlertRule::Kind::Fault:
      return c.fault == r.fault;
    case AlertRule::Kind::Symptom:
      return by_evidence == r.symptom;  // what the caller experienced, as summaries count it
    case AlertRule::Kind::Finding:
      for (const Finding& f : findings)
        if (f.def->id == r.finding) return true;
      return false;
    case AlertRule::Kind::UnknownCode:
      return !c.classified();
    case AlertRule::Kind::Cross:
      return false;
  }
  return false;
}

bool AlertEngine::matches(const AlertRule& r, const CallDiagnosis& d) const {
  return rule_matches_call(r, d.c, d.by_evidence, d.findings);
}

void AlertEngine::add_call(const CallRecord& rec, const CallDiagnosis& d, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  const std::int64_t second = now_ms / 1000;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const AlertRule& r = rules_[i];
    State& st = states_[i];
    if (r.kind == AlertRule::Kind::Cross) {
      const std::int64_t width = std::max<std::int64_t>(1000, r.window_ms / 20);
      const std::int64_t start = now_ms / width * width;
      if (st.summaries.empty() || st.summaries.back().start != start) {
        st.summaries.push_back({start, {}});
        st.summaries.back().summary.burst_window_ms =
            static_cast<std::int64_t>(thresholds_.get("burst-window-s") * 1000);
      }
      Summary& s = st.summaries.back().summary;
      s.stats.calls += 1;
      s.add_call(rec, d.c, d.findings);
      continue;
    }
    if (st.buckets.empty() || st.buckets.back().second != second) st.buckets.push_back({second, 0, 0});
    ++st.buckets.back().calls;
    if (matches(r, d)) ++st.buckets.back().matched;
  }
}

std::vector<AlertEvent> AlertEngine::evaluate(std::int64_t now_ms, bool with_cross) {
  std::lock_guard lock(mu_);
  std::vector<AlertEvent> events;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const AlertRule& r = rules_[i];
    State& st = states_[i];
    if (r.kind == AlertRule::Kind::Cross && !with_cross) continue;
    AlertEvent ev;
    ev.rule = r.text;
    ev.at_ms = now_ms;
    bool firing = false;
    if (r.kind == AlertRule::Kind::Cross) {
      while (!st.summaries.empty() && st.summaries.front().start <= now_ms - r.window_ms)
        st.summaries.pop_front();
      Summary merged;
      merged.burst_window_ms = static_cast<std::int64_t>(thresholds_.get("burst-window-s") * 1000);
      for (const SummaryBucket& b : st.summaries) merged.merge(b.summary);
      ev.calls = merged.stats.calls;
      for (const CrossFinding& f : find_cross_findings(merged, thresholds_)) {
        if (f.def->id != r.finding) continue;
        firing = true;
        ev.matched = f.calls;
        ev.value = static_cast<double>(f.calls);
        ev.detail = f.message;
        break;
      }
    } else {
      const std::int64_t oldest = (now_ms - r.window_ms) / 1000;
      while (!st.buckets.empty() && st.buckets.front().second <= oldest) st.buckets.pop_front();
      for (const Bucket& b : st.buckets) ev.calls += b.calls, ev.matched += b.matched;
      ev.value =
          r.percent
              ? (ev.calls ? 100.0 * static_cast<double>(ev.matched) / static_cast<double>(ev.calls) : 0.0)
              : static_cast<double>(ev.matched);
      firing = ev.calls > 0 && (r.or_equal ? ev.value >= r.threshold : ev.value > r.threshold);
    }
    if (firing != st.firing) {
      st.firing = firing;
      ev.firing = firing;
      events.push_back(std::move(ev));
    }
  }
  return events;
}

}  // namespace vapidiag
