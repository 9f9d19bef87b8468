#include "vapidiag/summary.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "json.hpp"
#include "vapidiag/findings.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/table.hpp"
#include "vapidiag/time.hpp"

namespace vapidiag {

namespace {

constexpr std::string_view kOther = "(other)";

std::uint64_t key_hash(std::string_view key) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

void CodeCount::add_sample(std::string_view id) {
  const std::pair<std::uint64_t, std::string_view> mine{key_hash(id), id};
  if (sample_ids.size() >= kSamples) {
    const std::string& last = sample_ids.back();
    if (!(mine < std::pair<std::uint64_t, std::string_view>{key_hash(last), last})) return;
  }
  auto at = sample_ids.begin();
  for (; at != sample_ids.end(); ++at) {
    const std::pair<std::uint64_t, std::string_view> other{key_hash(*at), *at};
    if (mine == other) return;  // the same call read twice
    if (mine < other) break;
  }
  sample_ids.insert(at, std::string(id));
  if (sample_ids.size() > kSamples) sample_ids.pop_back();
}

bool Summary::split_bucket_key(std::string_view key, std::string_view* code, std::int64_t* bucket) {
  const std::size_t tab = key.find('\t');
  if (tab == std::string_view::npos) return false;
  *code = key.substr(0, tab);
  *bucket = 0;  // as std::to_string wrote it
  std::from_chars(key.data() + tab + 1, key.data() + key.size(), *bucket);
  return true;
}

std::pair<std::string_view, std::string_view> Summary::split_provider_key(std::string_view key) {
  const std::size_t tab = key.find('\t');
  if (tab == std::string_view::npos) return {key, {}};
  return {key.substr(0, tab), key.substr(tab + 1)};
}

void CodeCount::add(const CodeCount& o) {
  if (!has_class && o.has_class) {
    has_class = true;
    classified = o.classified;
    symptom = o.symptom;
    fault = o.fault;
  }
  calls += o.calls;
  for (const std::string& id : o.sample_ids) add_sample(id);
}

namespace {

void add_to(std::uint64_t& a, std::uint64_t b) { a += b; }
void add_to(CountPair& a, const CountPair& b) { a.add(b); }
void add_to(HourCounts& a, const HourCounts& b) { a.add(b); }
void add_to(CodeCount& a, const CodeCount& b) { a.add(b); }

}  // namespace

template <typename Map, typename V>
void Summary::bump(Map& m, KeyRank& rank, std::string_view key, const V& v) {
  auto it = m.find(key);
  if (it != m.end()) {
    add_to(it->second, v);
    return;
  }
  auto other = m.find(kOther);
  const std::size_t kept = m.size() - (other == m.end() ? 0 : 1);
  if (key == kOther || kept < kMaxKeys) {
    add_to(m.emplace(std::string(key), typename Map::mapped_type{}).first->second, v);
    return;
  }
  // Full: of this key and the kept ones, the one that ranks last goes under (other).
  truncated = true;
  if (rank.keys.empty()) {
    for (const auto& entry : m)
      if (entry.first != kOther) rank.keys.emplace(key_hash(entry.first), entry.first);
  }
  if (other == m.end()) other = m.emplace(std::string(kOther), typename Map::mapped_type{}).first;
  const std::pair<std::uint64_t, std::string_view> mine{key_hash(key), key};
  const auto last = std::prev(rank.keys.end());
  if (!(mine < *last)) {
    add_to(other->second, v);
    return;
  }
  const auto out = m.find(last->second);
  add_to(other->second, out->second);
  rank.keys.erase(last);
  m.erase(out);
  it = m.emplace(std::string(key), typename Map::mapped_type{}).first;
  add_to(it->second, v);
  rank.keys.emplace(mine.first, it->first);
}

void Summary::add_call(const CallRecord& rec, const Classification& c, const std::vector<Finding>& found) {
  const bool failure = call_failed(c, found);
  const Symptom sym = evidence_symptom(c, found);
  ++by_symptom[static_cast<std::size_t>(sym)];
  ++by_fault[static_cast<std::size_t>(c.fault)];
  if (failure) ++failed_calls;
  if (sym != c.symptom) ++symptom_moves[{c.symptom, sym}];
  for (const Finding& f : found) bump(findings, ranks_.findings, f.def->id, std::uint64_t{1});
  {
    // Most calls hit a code already seen: count in place, without building a CodeCount.
    const std::string_view id = rec.id.empty() ? std::string_view("(no id)") : std::string_view(rec.id);
    auto it = codes.find(rec.ended_reason);
    if (it != codes.end()) {
      ++it->second.calls;
      it->second.add_sample(id);
    } else {
      CodeCount one;
      one.calls = 1;
      one.add_sample(id);
      // c is the code's classification when it names the code as code_class() would.
      std::array<char, 256> buf;
      if (c.code == normalize_code(rec.ended_reason, buf.data(), buf.size())) {
        one.has_class = true;
        one.classified = c.classified();
        one.symptom = c.symptom;
        one.fault = c.fault;
      }
      bump(codes, ranks_.codes, rec.ended_reason, one);
    }
  }
  if (!c.provider.empty() && failure) {
    key_.assign(c.provider_info && !c.provider_info->canonical.empty() ? c.provider_info->canonical
                                                                       : c.provider);
    key_ += '\t';
    key_ += c.component;
    bump(provider_components, ranks_.provider_components, key_, std::uint64_t{1});
  }
  const CountPair one{1, failure ? 1u : 0u};
  if (!rec.assistant_id.empty()) bump(assistants, ranks_.assistants, rec.assistant_id, one);
  if (!rec.phone_number_id.empty()) bump(phone_numbers, ranks_.phone_numbers, rec.phone_number_id, one);
  const std::int64_t t = call_time(rec);
  if (t != kNoTime) {
    char hour[16];
    HourCounts h;
    h.calls = 1;
    h.failures = one.failures;
    h.by_fault[static_cast<std::size_t>(c.fault)] = 1;
    bump(hours, ranks_.hours, hour_key(t, hour), h);
    if (first_time == kNoTime || t < first_time) first_time = t;
    if (last_time == kNoTime || t > last_time) last_time = t;
  }
  if (t != kNoTime && failure && burst_window_ms > 0) {
    std::int64_t bucket = t / burst_window_ms;
    if (t < 0 && t % burst_window_ms) --bucket;
    key_.assign(rec.ended_reason);
    key_ += '\t';
    key_ += std::to_string(bucket);
    bump(failure_buckets, ranks_.failure_buckets, key_, std::uint64_t{1});
  }
  if (rec.has_cost) {
    total_cost += rec.cost;
    ++calls_with_cost;
  }
  if (!c.charged) {
    ++not_charged_calls;
    if (rec.has_cost) not_charged_cost += rec.cost;
    if (not_charged_ids.size() < kMaxIds)
      not_charged_ids.push_back(rec.id.empty() ? "(no id)" : rec.id);
    else
      ids_truncated = true;
  }
}

void Summary::add_read_stats(const ReadStats& s, std::uint64_t n_files) {
  stats.add(s);
  files += n_files;
}

void Summary::merge(const Summary& o) {
  stats.add(o.stats);
  files += o.files;
  filtered_out += o.filtered_out;
  duplicates += o.duplicates;
  for (std::size_t i = 0; i < by_symptom.size(); ++i) by_symptom[i] += o.by_symptom[i];
  for (std::size_t i = 0; i < by_fault.size(); ++i) by_fault[i] += o.by_fault[i];
  for (const auto& [k, v] : o.codes) bump(codes, ranks_.codes, k, v);
  for (const auto& [k, v] : o.provider_components)
    bump(provider_components, ranks_.provider_components, k, v);
  for (const auto& [k, v] : o.assistants) bump(assistants, ranks_.assistants, k, v);
  for (const auto& [k, v] : o.phone_numbers) bump(phone_numbers, ranks_.phone_numbers, k, v);
  for (const auto& [k, v] : o.hours) bump(hours, ranks_.hours, k, v);
  for (const auto& [k, v] : o.findings) bump(findings, ranks_.findings, k, v);
  for (const auto& [k, v] : o.failure_buckets) bump(failure_buckets, ranks_.failure_buckets, k, v);
  failed_calls += o.failed_calls;
  run_ids.insert(o.run_ids.begin(), o.run_ids.end());
  for (const auto& [k, v] : o.symptom_moves) symptom_moves[k] += v;
  not_charged_calls += o.not_charged_calls;
  not_charged_cost += o.not_charged_cost;
  for (const std::string& id : o.not_charged_ids) {
    if (not_charged_ids.size() < kMaxIds)
      not_charged_ids.push_back(id);
    else
      ids_truncated = true;
  }
  ids_truncated = ids_truncated || o.ids_truncated;
  total_cost += o.total_cost;
  calls_with_cost += o.calls_with_cost;
  if (o.first_time != kNoTime && (first_time == kNoTime || o.first_time < first_time))
    first_time = o.first_time;
  if (o.last_time != kNoTime && (last_time == kNoTime || o.last_time > last_time)) last_time = o.last_time;
  truncated = truncated || o.truncated;
}

namespace {

// Costs are summed in floating point; keep what we print stable across shard orders.
double round6(double v) { return std::round(v * 1e6) / 1e6; }
double rate(std::uint64_t part, std::uint64_t whole) { return share_of(part, whole); }

constexpr std::size_t kUnknownCodes = 20;
}  // namespace

CodeClass code_class(std::string_view code, const CodeCount& count) {
  // "(other)" holds many codes: its stored class is only the first one's.
  if (count.has_class && code != kOther) return {count.symptom, count.fault, count.classified};
  std::array<char, 256> buf;
  const Classification c = classify(normalize_code(code, buf.data(), buf.size()));
  return {c.symptom, c.fault, c.classified()};
}

std::string run_id(const std::vector<std::string>& inputs, const ReadStats& stats, std::string_view filters) {
  std::string key;
  for (const std::string& f : inputs) {
    const std::size_t slash = f.find_last_of('/');
    key += slash == std::string::npos ? f : f.substr(slash + 1);
    key += '\0';
  }
  key +=
      std::to_string(stats.bytes) + '\0' + std::to_string(stats.records) + '\0' + std::to_string(stats.calls);
  const auto half = [](std::uint64_t h) { return static_cast<unsigned>((h >> 32) ^ (h & 0xffffffffu)); };
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08x%08x", half(key_hash(key)), half(key_hash(filters)));
  return buf;
}

double share_of(std::uint64_t part, std::uint64_t whole) {
  return whole ? std::round(static_cast<double>(part) / static_cast<double>(whole) * 1e6) / 1e6 : 0.0;
}

std::string Summary::to_json() const { return to_json(Thresholds{}); }

std::string Summary::to_json(const Thresholds& th) const {
  const std::uint64_t n = calls();
  const std::uint64_t failed = failures();
  std::string out;
  out.reserve(4096 + 200 * (codes.size() + failure_buckets.size() + hours.size()));
  PrettyJson w(out);
  const auto count_share = [&](std::uint64_t calls_n, std::uint64_t whole) {
    w.begin_object();
    w.key("calls"), w.value(calls_n);
    w.key("share"), w.value(rate(calls_n, whole));
    w.end_object();
  };
  // The fields of a key with its calls and failures (assistants, numbers, hours, days).
  const auto pair_fields = [&](const char* key, const std::string& k, const CountPair& v) {
    w.key(key), w.value(k);
    w.key("calls"), w.value(v.calls);
    w.key("failures"), w.value(v.failures);
    w.key("failure_rate"), w.value(rate(v.failures, v.calls));
  };
  const auto pairs = [&](const std::map<std::string, CountPair, std::less<>>& m, const char* key) {
    w.begin_array();
    for (const auto& [k, v] : m) {
      w.begin_object();
      pair_fields(key, k, v);
      w.end_object();
    }
    w.end_array();
  };
  const auto time_buckets = [&](const std::map<std::string, HourCounts, std::less<>>& m, const char* key) {
    w.begin_array();
    for (const auto& [k, v] : m) {
      w.begin_object();
      pair_fields(key, k, v);
      w.key("by_fault"), w.begin_object();
      for (std::size_t i = 0; i < v.by_fault.size(); ++i) w.key(kFaultNames[i]), w.value(v.by_fault[i]);
      w.end_object();
      w.end_object();
    }
    w.end_array();
  };
  const auto time_or_null = [&](std::int64_t t, bool iso) {
    if (t == kNoTime)
      w.value(nullptr);
    else if (iso)
      w.value(format_iso8601(t));
    else
      w.value(t);
  };

  w.begin_object();
  w.key("schema_version"), w.value(kSchemaVersion);
  w.key("kind"), w.value("summary");
  Json inputs = inputs_json(stats, files, filtered_out, duplicates);
  inputs["run_ids"] = run_ids;
  w.key("inputs"), w.json(inputs);
  w.key("period"), w.begin_object();
  w.key("first"), time_or_null(first_time, true);
  w.key("last"), time_or_null(last_time, true);
  w.key("first_ms"), time_or_null(first_time, false);
  w.key("last_ms"), time_or_null(last_time, false);
  w.end_object();
  w.key("calls"), w.value(n);
  w.key("failures"), w.value(failed);
  w.key("failure_rate"), w.value(rate(failed, n));
  w.key("by_symptom"), w.begin_object();
  for (std::size_t i = 0; i < by_symptom.size(); ++i) w.key(kSymptomNames[i]), count_share(by_symptom[i], n);
  w.end_object();
  w.key("by_fault"), w.begin_object();
  for (std::size_t i = 0; i < by_fault.size(); ++i) w.key(kFaultNames[i]), count_share(by_fault[i], n);
  w.end_object();
  std::vector<std::pair<std::uint64_t, const std::string*>> unknown;
  std::array<char, 256> buf{};
  w.key("codes"), w.begin_array();
  for (const auto& [k, v] : codes) {
    const CodeClass c = code_class(k, v);
    const bool other = k == kOther;
    w.begin_object();
    w.key("code"), w.value(k);
    w.key("calls"), w.value(v.calls);
    w.key("share"), w.value(rate(v.calls, n));
    w.key("symptom");
    other ? w.value(nullptr) : w.value(to_string(c.symptom));
    w.key("fault");
    other ? w.value(nullptr) : w.value(to_string(c.fault));
    w.key("classified"), w.value(!other && c.classified);
    w.key("sample_ids"), w.begin_array();
    for (const std::string& id : v.sample_ids) w.value(id);
    w.end_array();
    w.end_object();
    if (!other && !c.classified) unknown.emplace_back(v.calls, &k);
  }
  w.end_array();
  // Most calls first, then by code; suggestions cost an edit-distance scan each, so only the top.
  std::stable_sort(unknown.begin(), unknown.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  if (unknown.size() > kUnknownCodes) unknown.resize(kUnknownCodes);
  w.key("unknown_codes"), w.begin_array();
  for (const auto& [calls_n, code] : unknown) {
    const std::string_view sugg = suggest(normalize_code(*code, buf.data(), buf.size()))[0];
    w.begin_object();
    w.key("code"), w.value(*code);
    w.key("calls"), w.value(calls_n);
    w.key("suggestion");
    sugg.empty() ? w.value(nullptr) : w.value(sugg);
    w.end_object();
  }
  w.end_array();
  w.key("provider_failures"), w.begin_array();
  for (const auto& [k, v] : provider_components) {
    const auto [provider, component] = split_provider_key(k);
    w.begin_object();
    w.key("provider"), w.value(provider);
    w.key("component"), w.value(component);
    w.key("calls"), w.value(v);
    w.key("share"), w.value(rate(v, failed));
    w.end_object();
  }
  w.end_array();
  w.key("assistants"), pairs(assistants, "id");
  w.key("phone_numbers"), pairs(phone_numbers, "id");
  w.key("hours"), time_buckets(hours, "hour");
  std::map<std::string, HourCounts, std::less<>> days;
  for (const auto& [h, v] : hours) days[h.starts_with('(') ? h : h.substr(0, 10)].add(v);
  w.key("days"), time_buckets(days, "day");
  w.key("findings"), w.begin_array();
  for (const auto& [k, v] : findings) {
    const FindingDef* def = find_finding(k);
    w.begin_object();
    w.key("id"), w.value(k);
    w.key("severity");
    def ? w.value(def->severity) : w.value(nullptr);
    w.key("calls"), w.value(v);
    w.key("share"), w.value(rate(v, n));
    w.end_object();
  }
  w.end_array();
  w.key("symptom_changed_by_evidence"), w.value(symptom_changed());
  w.key("symptom_moves"), w.begin_array();
  for (const auto& [k, v] : symptom_moves) {
    w.begin_object();
    w.key("from"), w.value(to_string(k.first));
    w.key("to"), w.value(to_string(k.second));
    w.key("calls"), w.value(v);
    w.end_object();
  }
  w.end_array();
  w.key("cross_findings"), w.begin_array();
  for (const CrossFinding& f : find_cross_findings(*this, th)) {
    w.begin_object();
    w.key("id"), w.value(f.def->id);
    w.key("severity"), w.value(f.def->severity);
    w.key("subject");
    f.subject.empty() ? w.value(nullptr) : w.value(f.subject);
    w.key("calls"), w.value(f.calls);
    w.key("message"), w.value(f.message);
    w.end_object();
  }
  w.end_array();
  w.key("burst_window_ms"), w.value(burst_window_ms);
  w.key("failure_buckets"), w.begin_array();
  for (const auto& [k, v] : failure_buckets) {
    std::string_view code;
    std::int64_t bucket = 0;
    w.begin_object();
    if (!split_bucket_key(k, &code, &bucket)) {  // (other): buckets past the table's cap
      w.key("code"), w.value(k);
      w.key("bucket"), w.value(nullptr);
    } else {
      w.key("code"), w.value(code);
      w.key("bucket"), w.value(bucket);
    }
    w.key("calls"), w.value(v);
    w.end_object();
  }
  w.end_array();
  w.key("not_charged"), w.begin_object();
  w.key("calls"), w.value(not_charged_calls);
  w.key("share"), w.value(rate(not_charged_calls, n));
  w.key("cost"), w.value(round6(not_charged_cost));
  w.key("ids"), w.begin_array();
  for (const std::string& id : not_charged_ids) w.value(id);
  w.end_array();
  w.key("ids_truncated"), w.value(ids_truncated);
  w.end_object();
  w.key("cost"), w.begin_object();
  w.key("total"), w.value(round6(total_cost));
  w.key("calls_with_cost"), w.value(calls_with_cost);
  w.end_object();
  w.key("truncated"), w.value(truncated);
  w.end_object();
  return out;
}

bool Summary::from_json(std::string_view text, Summary* out, std::string* err) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) {
    *err = "not one JSON document (an NDJSON call log?)";
    return false;
  }
  if (!j.is_object()) {
    *err =
        std::string(j.is_array() ? "a JSON array (call records?)" : "a bare JSON value") + ", not a summary";
    return false;
  }
  if (j.contains("endedReason") || j.contains("message") || j.contains("results")) {
    *err = "a call record or webhook message, not a summary";
    return false;
  }
  if (j.contains("vapidiag_summary")) {
    *err = "a summary of schema version 1 (an older vapidiag); write it again with this version";
    return false;
  }
  if (!j.contains("schema_version") || !j["schema_version"].is_number_integer() || !j.contains("kind") ||
      j["kind"] != "summary") {
    *err = "not a vapidiag summary (no \"schema_version\" and \"kind\": \"summary\")";
    return false;
  }
  if (j["schema_version"].get<int>() != kSchemaVersion) {
    *err = "summary schema version " + std::to_string(j["schema_version"].get<int>()) +
           " is not supported (expected " + std::to_string(kSchemaVersion) + ")";
    return false;
  }
  try {
    Summary s;
    const Json& in = j.at("inputs");
    s.files = in.at("files").get<std::uint64_t>();
    s.stats.file_errors = in.at("file_errors").get<std::uint64_t>();
    s.stats.bytes = in.at("bytes").get<std::uint64_t>();
    s.stats.records = in.at("records").get<std::uint64_t>();
    s.stats.calls = in.at("calls").get<std::uint64_t>();
    s.stats.not_ended = in.at("not_ended").get<std::uint64_t>();
    s.stats.skipped = in.at("skipped").get<std::uint64_t>();
    s.stats.unreadable = in.at("unreadable").get<std::uint64_t>();
    s.filtered_out = in.at("filtered_out").get<std::uint64_t>();
    s.stats.text_lines = in.value("text_lines", std::uint64_t{0});  // absent before it existed
    s.duplicates = in.value("duplicates", std::uint64_t{0});
    if (in.contains("run_ids"))
      for (const Json& id : in.at("run_ids")) s.run_ids.insert(id.get<std::string>());
    const Json& period = j.at("period");
    if (!period.at("first_ms").is_null()) s.first_time = period.at("first_ms").get<std::int64_t>();
    if (!period.at("last_ms").is_null()) s.last_time = period.at("last_ms").get<std::int64_t>();
    for (std::size_t i = 0; i < s.by_symptom.size(); ++i)
      s.by_symptom[i] = j.at("by_symptom").at(std::string(kSymptomNames[i])).at("calls").get<std::uint64_t>();
    for (std::size_t i = 0; i < s.by_fault.size(); ++i)
      s.by_fault[i] = j.at("by_fault").at(std::string(kFaultNames[i])).at("calls").get<std::uint64_t>();
    for (const Json& c : j.at("codes")) {
      CodeCount& cc = s.codes[c.at("code").get<std::string>()];
      cc.calls = c.at("calls").get<std::uint64_t>();
      for (const Json& id : c.at("sample_ids")) cc.add_sample(id.get<std::string>());
    }
    // "(other)", the keys past a table's cap, has no second part.
    auto composite = [](std::string first, const std::string& second) {
      return first == kOther && second.empty() ? first : first + "\t" + second;
    };
    for (const Json& p : j.at("provider_failures"))
      s.provider_components[composite(p.at("provider").get<std::string>(),
                                      p.at("component").get<std::string>())] =
          p.at("calls").get<std::uint64_t>();
    auto read_pairs = [](const Json& a, const char* key, std::map<std::string, CountPair, std::less<>>& m) {
      for (const Json& e : a)
        m[e.at(key).get<std::string>()] = {e.at("calls").get<std::uint64_t>(),
                                           e.at("failures").get<std::uint64_t>()};
    };
    read_pairs(j.at("assistants"), "id", s.assistants);
    read_pairs(j.at("phone_numbers"), "id", s.phone_numbers);
    for (const Json& e : j.at("hours")) {
      HourCounts& h = s.hours[e.at("hour").get<std::string>()];
      h.calls = e.at("calls").get<std::uint64_t>();
      h.failures = e.at("failures").get<std::uint64_t>();
      for (std::size_t i = 0; i < h.by_fault.size(); ++i)
        h.by_fault[i] = e.at("by_fault").at(std::string(kFaultNames[i])).get<std::uint64_t>();
    }
    for (const Json& f : j.at("findings"))
      s.findings[f.at("id").get<std::string>()] = f.at("calls").get<std::uint64_t>();
    s.failed_calls = j.at("failures").get<std::uint64_t>();
    for (const Json& m : j.at("symptom_moves")) {
      const auto from = parse_symptom(m.at("from").get<std::string>());
      const auto to = parse_symptom(m.at("to").get<std::string>());
      if (!from || !to) throw std::invalid_argument("symptom_moves: unknown symptom");
      s.symptom_moves[{*from, *to}] += m.at("calls").get<std::uint64_t>();
    }
    s.burst_window_ms = j.at("burst_window_ms").get<std::int64_t>();
    for (const Json& b : j.at("failure_buckets"))
      s.failure_buckets[composite(
          b.at("code").get<std::string>(),
          b.at("bucket").is_null() ? std::string() : std::to_string(b.at("bucket").get<std::int64_t>()))] =
          b.at("calls").get<std::uint64_t>();
    const Json& nc = j.at("not_charged");
    s.not_charged_calls = nc.at("calls").get<std::uint64_t>();
    s.not_charged_cost = nc.at("cost").get<double>();
    for (const Json& id : nc.at("ids")) s.not_charged_ids.push_back(id.get<std::string>());
    s.ids_truncated = nc.at("ids_truncated").get<bool>();
    s.total_cost = j.at("cost").at("total").get<double>();
    s.calls_with_cost = j.at("cost").at("calls_with_cost").get<std::uint64_t>();
    s.truncated = j.at("truncated").get<bool>();
    *out = std::move(s);
    return true;
  } catch (const nlohmann::json::exception& e) {
    *err = std::string("malformed summary: ") + e.what();
    return false;
  } catch (const std::exception& e) {  // std::stoll, unknown names
    *err = std::string("malformed summary: ") + e.what();
    return false;
  }
}

}  // namespace vapidiag
