#include "vapidiag/check.hpp"

#include <algorithm>
#include <cstdlib>

namespace vapidiag {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parse_percent(std::string_view s, double* out) {
  s = trim(s);
  if (!s.empty() && s.back() == '%') s.remove_suffix(1);
  if (s.empty()) return false;
  const std::string t(s);
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || !(v >= 0 && v <= 100)) return false;
  *out = v;
  return true;
}

bool make_rule(std::string_view name, CheckRule* r, std::string* err) {
  name = trim(name);
  if (name.empty()) {
    *err = "an empty rule name (two commas, or a comma at an end)";
    return false;
  }
  if (name == "failed") {
    r->failed = true;
    r->name = "failed";
    return true;
  }
  if (!resolve_rule_name(name, &r->target, err)) return false;
  switch (r->target.kind) {
    case AlertRule::Kind::Fault:
      r->name = "fault:" + std::string(to_string(r->target.fault));
      break;
    case AlertRule::Kind::Symptom:
      r->name = "symptom:" + std::string(to_string(r->target.symptom));
      break;
    case AlertRule::Kind::Finding:
      r->name = "finding:" + r->target.finding;
      break;
    case AlertRule::Kind::UnknownCode:
      r->name = "unknown-code";
      break;
    case AlertRule::Kind::Cross:
      r->name = r->target.finding;
      break;
  }
  return true;
}

// Per part (logs.hpp): the calls' summary and, per rule, the codes of its matching calls.
class CheckSink final : public CallSink {
 public:
  CheckSink(const CheckSpec& spec, std::size_t parts, std::int64_t burst_window_ms)
      : spec_(spec), parts_(parts), folds_(parts) {
    for (Part& p : parts_) {
      p.summary.burst_window_ms = burst_window_ms;
      p.codes.resize(spec.rules.size());
    }
    total.burst_window_ms = burst_window_ms;
    codes.resize(spec.rules.size());
  }
  void on_call(std::size_t w, const Diagnosis& d) override {
    Part& p = parts_[w];
    p.summary.add_call(d.rec, d.c, d.findings);
    for (std::size_t i = 0; i < spec_.rules.size(); ++i) {
      const CheckRule& r = spec_.rules[i];
      if (r.target.kind == AlertRule::Kind::Cross && !r.failed) continue;
      if (r.failed ? !d.failed : !rule_matches_call(r.target, d.c, d.by_evidence, d.findings)) continue;
      CodeCount& cc = p.codes[i][d.rec.ended_reason];
      ++cc.calls;
      cc.add_sample(d.rec.id.empty() ? std::string_view("(no id)") : std::string_view(d.rec.id));
    }
  }
  void on_part_done(std::size_t part) override {
    folds_.done(part, [this](std::size_t k) { fold(k); });
  }
  void on_workers_joined() override {
    folds_.finish([this](std::size_t k) { fold(k); });
  }
  Summary total;
  std::vector<std::map<std::string, CodeCount, std::less<>>> codes;  // per rule

 private:
  struct Part {
    Summary summary;
    std::vector<std::map<std::string, CodeCount, std::less<>>> codes;
  };
  void fold(std::size_t k) {
    Part& p = parts_[k];
    total.merge(p.summary);
    p.summary = Summary{};
    p.summary.burst_window_ms = total.burst_window_ms;
    for (std::size_t i = 0; i < p.codes.size(); ++i) {
      for (const auto& [code, cc] : p.codes[i]) codes[i][code].add(cc);
      p.codes[i].clear();
    }
  }
  const CheckSpec& spec_;
  std::vector<Part> parts_;
  PartFolds folds_;
};

}  // namespace

bool parse_check_spec(std::string_view fail_on, const std::vector<std::string>& max_rates,
                      std::uint64_t min_calls, CheckSpec* out, std::string* err) {
  CheckSpec spec;
  spec.min_calls = min_calls;
  std::string_view rest = fail_on;
  for (;;) {
    const std::size_t comma = rest.find(',');
    CheckRule r;
    if (!make_rule(rest.substr(0, comma), &r, err)) {
      *err = "fail-on: " + *err;
      return false;
    }
    if (std::none_of(spec.rules.begin(), spec.rules.end(),
                     [&](const CheckRule& x) { return x.name == r.name; }))
      spec.rules.push_back(r);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  double all = -1;
  for (const std::string& m : max_rates) {
    const std::size_t eq = m.find('=');
    double pct = 0;
    if (!parse_percent(eq == std::string::npos ? std::string_view(m) : std::string_view(m).substr(eq + 1),
                       &pct)) {
      *err = "max-rate: '" + m + "' is not PCT or NAME=PCT with a percentage from 0 to 100";
      return false;
    }
    if (eq == std::string::npos) {
      all = pct;
      continue;
    }
    CheckRule r;
    if (!make_rule(std::string_view(m).substr(0, eq), &r, err)) {
      *err = "max-rate: " + *err;
      return false;
    }
    if (!r.failed && r.target.kind == AlertRule::Kind::Cross) {
      *err = "max-rate: " + r.name + " is a finding across calls: it fires or not, it has no rate";
      return false;
    }
    r.max_rate = pct;
    auto it = std::find_if(spec.rules.begin(), spec.rules.end(),
                           [&](const CheckRule& x) { return x.name == r.name; });
    if (it == spec.rules.end())
      spec.rules.push_back(r);
    else
      it->max_rate = pct;
  }
  if (all >= 0)
    for (CheckRule& r : spec.rules)
      if (r.max_rate < 0 && (r.failed || r.target.kind != AlertRule::Kind::Cross)) r.max_rate = all;
  *out = std::move(spec);
  return true;
}

bool CheckResult::fired() const {
  if (too_few_calls) return true;
  return std::any_of(rules.begin(), rules.end(), [](const RuleResult& r) { return r.fired; });
}

CheckResult run_check_rules(const CheckSpec& spec, const std::vector<std::string>& inputs,
                            const LogReadOptions& o, LogEvents& events, LogResult* result) {
  const std::size_t jobs = std::max<std::size_t>(1, o.jobs);
  CheckSink sink(spec, call_parts(jobs),
                 static_cast<std::int64_t>(o.thresholds.get("burst-window-s") * 1000));
  const LogResult r = read_logs(inputs, o, sink, events);
  sink.on_workers_joined();
  add_run_result(sink.total, r);
  if (result) *result = r;

  CheckResult out;
  out.calls = sink.total.calls();
  out.min_calls = spec.min_calls;
  out.too_few_calls = out.calls < spec.min_calls;
  const std::vector<CrossFinding> cross = find_cross_findings(sink.total, o.thresholds);
  for (std::size_t i = 0; i < spec.rules.size(); ++i) {
    const CheckRule& rule = spec.rules[i];
    RuleResult rr;
    rr.name = rule.name;
    rr.threshold = rule.max_rate;
    if (!rule.failed && rule.target.kind == AlertRule::Kind::Cross) {
      for (const CrossFinding& f : cross) {
        if (f.def->id != rule.target.finding) continue;
        rr.fired = true;
        rr.matched += f.calls;
        if (rr.detail.empty()) rr.detail = f.message;
      }
      rr.value = out.calls ? 100.0 * static_cast<double>(rr.matched) / static_cast<double>(out.calls) : 0.0;
    } else {
      for (const auto& [code, cc] : sink.codes[i]) rr.matched += cc.calls;
      rr.value = out.calls ? 100.0 * static_cast<double>(rr.matched) / static_cast<double>(out.calls) : 0.0;
      rr.fired = rule.max_rate >= 0 ? rr.value > rule.max_rate : rr.matched > 0;
      std::vector<std::pair<std::string, CodeCount>> top(sink.codes[i].begin(), sink.codes[i].end());
      std::stable_sort(top.begin(), top.end(),
                       [](const auto& a, const auto& b) { return a.second.calls > b.second.calls; });
      if (top.size() > 3) top.resize(3);
      rr.top_codes = std::move(top);
    }
    out.rules.push_back(std::move(rr));
  }
  out.summary = std::move(sink.total);
  return out;
}

}  // namespace vapidiag
