// The verdict of check: JSON (docs/formats.md, docs/schema/verdict.json), text, GitHub
// Actions workflow commands and JUnit XML.

#include <cstdio>

#include "json.hpp"
#include "markup.hpp"
#include "vapidiag/check.hpp"
#include "vapidiag/report.hpp"
#include "vapidiag/summary.hpp"
#include "vapidiag/text.hpp"

namespace vapidiag {

namespace {

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", v);
  return buf;
}

std::string limit_text(const RuleResult& r) {
  if (r.threshold < 0) return "none allowed";
  char buf[48];
  std::snprintf(buf, sizeof buf, "at most %g%%", r.threshold);
  return buf;
}

// "fault:vapifault: 3 of 30 ended calls (10.00%), none allowed; top codes: X 2 (id, id), ..."
std::string rule_message(const RuleResult& r, std::uint64_t calls) {
  if (!r.detail.empty()) return r.name + ": " + r.detail;  // a finding across calls
  std::string s = r.name + ": " + with_commas(r.matched) + " of " + with_commas(calls) + " ended calls (" +
                  pct(r.value) + "), " + limit_text(r);
  if (!r.top_codes.empty()) {
    s += "; top codes:";
    for (std::size_t i = 0; i < r.top_codes.size(); ++i) {
      const auto& [code, cc] = r.top_codes[i];
      s += std::string(i ? ", " : " ") + code + " " + with_commas(cc.calls) + " (";
      for (std::size_t k = 0; k < cc.sample_ids.size(); ++k) s += (k ? ", " : "") + cc.sample_ids[k];
      s += ")";
    }
  }
  return s;
}

std::string min_calls_message(const CheckResult& r) {
  return "min-calls: " + with_commas(r.calls) + " ended calls, fewer than --min-calls " +
         with_commas(r.min_calls) + " (is the export or the webhook still running?)";
}

std::string window_text(const Verdict& v) {
  if (v.since == kNoTime && v.until == kNoTime) return "all times";
  return (v.since == kNoTime ? std::string("the start") : format_iso8601(v.since)) + " to " +
         (v.until == kNoTime ? std::string("the end") : format_iso8601(v.until));
}

std::string status_word(int rc) { return rc == 0 ? "pass" : rc == 1 ? "fail" : "error"; }

std::string summary_line(const Verdict& v) {
  const CheckResult& r = *v.result;
  std::size_t fired = 0;
  for (const RuleResult& x : r.rules) fired += x.fired;
  std::string s = "vapidiag check: " + status_word(v.exit_code) + ": " + std::to_string(fired) + " of " +
                  std::to_string(r.rules.size()) + (r.rules.size() == 1 ? " rule" : " rules") +
                  " fired over " + with_commas(r.calls) + (r.calls == 1 ? " ended call" : " ended calls") +
                  " (window: " + window_text(v) + ")";
  if (r.too_few_calls) s += "; too few calls";
  if (v.bad_input)
    s += "; input error: " + with_commas(v.stats.unreadable) + " unreadable records, " +
         with_commas(v.stats.file_errors) + " unreadable inputs";
  return s;
}

// Workflow command data: %, CR and LF escaped; properties also : and ,.
std::string gh_escape(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else if (property && c == ':')
      out += "%3A";
    else if (property && c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string render_verdict_json(const Verdict& v) {
  const CheckResult& r = *v.result;
  const auto time = [](std::int64_t t) { return t == kNoTime ? Json(nullptr) : Json(format_iso8601(t)); };
  Json j;
  j["schema_version"] = kSchemaVersion;
  j["kind"] = "verdict";
  j["status"] = status_word(v.exit_code);
  j["exit_code"] = v.exit_code;
  j["window"] = Json{{"since", time(v.since)}, {"until", time(v.until)}};
  j["calls"] = r.calls;
  Json rules = Json::array();
  for (const RuleResult& x : r.rules) {
    Json top = Json::array();
    for (const auto& [code, cc] : x.top_codes)
      top.push_back(Json{{"code", code}, {"calls", cc.calls}, {"sample_ids", cc.sample_ids}});
    rules.push_back(Json{{"name", x.name},
                         {"threshold", x.threshold < 0 ? Json(nullptr) : Json(x.threshold / 100.0)},
                         {"matched", x.matched},
                         {"value", share_of(x.matched, r.calls)},
                         {"fired", x.fired},
                         {"top_codes", top},
                         {"detail", x.detail.empty() ? Json(nullptr) : Json(x.detail)}});
  }
  j["rules"] = rules;
  j["min_calls"] = Json{{"min", r.min_calls}, {"fired", r.too_few_calls}};
  j["inputs"] = inputs_json(v.stats, v.files, r.summary.filtered_out, v.duplicates);
  return dump_json(j);
}

std::string render_verdict_text(const Verdict& v) {
  const CheckResult& r = *v.result;
  std::string out;
  for (const RuleResult& x : r.rules)
    if (x.fired) out += "FAIL " + rule_message(x, r.calls) + "\n";
  if (r.too_few_calls) out += "FAIL " + min_calls_message(r) + "\n";
  out += summary_line(v) + "\n";
  return out;
}

std::string render_verdict_github(const Verdict& v) {
  const CheckResult& r = *v.result;
  std::string out;
  for (const RuleResult& x : r.rules)
    if (x.fired)
      out += "::error title=" + gh_escape("vapidiag check: " + x.name, true) +
             "::" + gh_escape(rule_message(x, r.calls), false) + "\n";
  if (r.too_few_calls)
    out += "::error title=" + gh_escape("vapidiag check: min-calls", true) +
           "::" + gh_escape(min_calls_message(r), false) + "\n";
  if (v.stats.unreadable || v.stats.file_errors)
    out += "::warning title=" + gh_escape("vapidiag check: unreadable input", true) + "::" +
           gh_escape(with_commas(v.stats.unreadable) + " unreadable records and " +
                         with_commas(v.stats.file_errors) + " unreadable inputs (see the log above)",
                     false) +
           "\n";
  out += summary_line(v) + "\n";  // a plain log line: not a workflow command
  return out;
}

std::string render_verdict_step_summary(const Verdict& v) {
  const CheckResult& r = *v.result;
  std::string out = "## vapidiag check: " + status_word(v.exit_code) + "\n\n" + with_commas(r.calls) +
                    " ended calls, window: " + window_text(v) +
                    ".\n\n| rule | limit | matched | share | fired |\n"
                    "| --- | --- | --- | --- | --- |\n";
  for (const RuleResult& x : r.rules)
    out += "| `" + x.name + "` | " + limit_text(x) + " | " + with_commas(x.matched) + " | " + pct(x.value) +
           " | " + (x.fired ? "**yes**" : "no") + " |\n";
  if (r.min_calls)
    out += "| `min-calls` | at least " + with_commas(r.min_calls) + " | " + with_commas(r.calls) + " | | " +
           (r.too_few_calls ? "**yes**" : "no") + " |\n";
  return out + "\n";
}

std::string render_verdict_junit(const Verdict& v) {
  const CheckResult& r = *v.result;
  std::size_t tests = r.rules.size() + (r.min_calls ? 1 : 0) + (v.bad_input ? 1 : 0), failures = 0;
  std::string cases;
  const auto add = [&](const std::string& name, bool fired, const std::string& message) {
    cases += "    <testcase classname=\"vapidiag.check\" name=\"" + markup_escape(name) + "\" time=\"0\"";
    if (!fired) {
      cases += "/>\n";
      return;
    }
    ++failures;
    cases += ">\n      <failure message=\"" + markup_escape(message) + "\" type=\"rule\">" +
             markup_escape(message) + "</failure>\n    </testcase>\n";
  };
  for (const RuleResult& x : r.rules) add(x.name, x.fired, rule_message(x, r.calls));
  if (r.min_calls) add("min-calls", r.too_few_calls, min_calls_message(r));
  const std::string counts = "tests=\"" + std::to_string(tests) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" + std::to_string(v.bad_input ? 1 : 0) +
                             "\"";
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vapidiag check\" " +
                    counts + ">\n  <testsuite name=\"vapidiag check\" " + counts +
                    " skipped=\"0\" time=\"0\">\n";
  out += "    <properties>\n      <property name=\"calls\" value=\"" + std::to_string(r.calls) +
         "\"/>\n      <property name=\"window\" value=\"" + markup_escape(window_text(v)) +
         "\"/>\n    </properties>\n";
  out += cases;
  if (v.bad_input) {
    // Unreadable input is an error of the run, not of a rule.
    out += "    <testcase classname=\"vapidiag.check\" name=\"input\" time=\"0\">\n      <error message=\"" +
           markup_escape(with_commas(v.stats.unreadable) + " unreadable records, " +
                         with_commas(v.stats.file_errors) + " unreadable inputs") +
           "\" type=\"input\"/>\n    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace vapidiag
