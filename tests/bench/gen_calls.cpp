// gen_calls: writes synthetic Vapi call logs for benchmarks and load tests.
//
//   gen_calls [--format ndjson|array|results] [--bytes N[K|M|G]] [--seed S] [--out FILE]
//             [--codes official-codes.txt] [--retired retired-codes.tsv]
//
// Each call is a GET /call object of 10-30 KB: messages (system, bot, user, tool calls),
// the same conversation in artifact.messages, messagesOpenAIFormatted and transcripts,
// costs[], artifact.transfers and performanceMetrics, text with accents, CJK, emoji and
// JSON escapes, keys in random order. endedReason follows a plausible mix (mostly
// customer-ended-call, assistant-ended-call, silence-timed-out, voicemail,
// customer-did-not-answer; some provider errors; a few retired and made-up codes); a
// few calls have not ended. The output depends only on the options (own PRNG, no
// std:: distributions), so a seed always gives the same bytes.

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef VAPIDIAG_DATA_DIR
#define VAPIDIAG_DATA_DIR "data"
#endif

namespace {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed ^ 0x9E3779B97F4A7C15ULL) {}
  std::uint64_t next() {
    // splitmix64
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  std::uint64_t range(std::uint64_t lo, std::uint64_t hi) { return lo + next() % (hi - lo + 1); }
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  bool chance(double p) { return unit() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[range(0, v.size() - 1)];
  }

 private:
  std::uint64_t s_;
};

// --- JSON writing --------------------------------------------------------------------

// Every other 'é' is written as the escape \u00e9, so that both spellings occur.
unsigned g_e_acute = 0;

void append_escaped(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0xC3 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA9 &&
        (g_e_acute++ & 1) != 0) {
      out += "\\u00e9";
      ++i;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string quoted(std::string_view s) {
  std::string out;
  append_escaped(out, s);
  return out;
}

// An object whose members are written in a random order.
class Obj {
 public:
  Obj& raw(std::string key, std::string json) {
    members_.emplace_back(std::move(key), std::move(json));
    return *this;
  }
  Obj& str(std::string key, std::string_view value) { return raw(std::move(key), quoted(value)); }
  Obj& num(std::string key, double value) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", value);
    return raw(std::move(key), buf);
  }
  Obj& integer(std::string key, std::int64_t value) { return raw(std::move(key), std::to_string(value)); }
  std::string done(Rng& rng, bool shuffle = true) {
    if (shuffle) {
      for (std::size_t i = members_.size(); i > 1; --i)
        std::swap(members_[i - 1], members_[rng.range(0, i - 1)]);
    }
    std::string out = "{";
    for (std::size_t i = 0; i < members_.size(); ++i) {
      if (i > 0) out += ',';
      append_escaped(out, members_[i].first);
      out += ':';
      out += members_[i].second;
    }
    out += '}';
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

std::string array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += items[i];
  }
  out += ']';
  return out;
}

// --- content -------------------------------------------------------------------------

// Mostly plain English, as real transcripts are; now and then a word with accents, CJK,
// emoji or characters that JSON escapes.
const std::vector<std::string> kWords = {
    "hello",    "thanks", "appointment", "tomorrow", "morning", "please", "confirm", "address", "order",
    "delivery", "refund", "account",     "number",   "sure",    "okay",   "great",   "the",     "a",
    "to",       "and",    "you",         "I",        "is",      "it",     "for",     "that",    "can",
    "what",     "your",   "with",        "be",       "have",    "this",   "on",      "are",     "not",
    "we",       "at",     "my",          "me",       "do",      "will",   "so",      "just",    "call",
    "back",     "time",   "today",       "help",     "need",    "would",  "like",    "could",   "check",
    "yes",      "no",     "right",       "one",      "moment",  "let",    "see"};
const std::vector<std::string> kSpecial = {
    "café",         "résumé", "naïve",      "Zürich",  "São Paulo", "mañana",  "東京",
    "予約",         "確認",   "감사합니다", "😀",       "🎉",         "👍",       "\"quoted\"",
    "C:\\path\\to", "50%",    "$19.99",     "o'clock", "wait...",   "(maybe)", "a/b"};

std::string sentence(Rng& rng, std::size_t min_len, std::size_t max_len) {
  const std::size_t target = rng.range(min_len, max_len);
  std::string s;
  while (s.size() < target) {
    if (!s.empty()) s += ' ';
    s += rng.chance(0.04) ? rng.pick(kSpecial) : rng.pick(kWords);
    if (rng.chance(0.01)) s += "\n";
    if (rng.chance(0.003)) s += "\t";
  }
  return s;
}

// A stable UUID-shaped id: the n-th member of a small pool.
std::string pooled_id(unsigned pool, std::size_t n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-%04x-4000-8000-%012zx", pool & 0xffffu, n);
  return buf;
}

std::string uuid(Rng& rng) {
  const std::uint64_t a = rng.next();
  const std::uint64_t b = rng.next();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFF),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::string iso(std::int64_t ms) {
  // Civil date from days since 1970-01-01 (valid for the years generated here).
  std::int64_t days = ms / 86400000;
  std::int64_t rem = ms % 86400000;
  int year = 1970;
  auto leap = [](int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  while (days >= (leap(year) ? 366 : 365)) days -= leap(year++) ? 366 : 365;
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int month = 0;
  for (;; ++month) {
    const int dim = kDays[month] + (month == 1 && leap(year) ? 1 : 0);
    if (days < dim) break;
    days -= dim;
  }
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month + 1,
                static_cast<int>(days) + 1, static_cast<int>(rem / 3600000),
                static_cast<int>(rem / 60000 % 60), static_cast<int>(rem / 1000 % 60),
                static_cast<int>(rem % 1000));
  return buf;
}

std::string phone(Rng& rng) { return "+1555" + std::to_string(rng.range(1000000, 9999999)); }

struct Codes {
  std::vector<std::string> official;
  std::vector<std::string> provider_errors;  // pipeline / providerfault codes among them
  std::vector<std::string> retired;
};

std::vector<std::string> read_column(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t tab = line.find('\t');
    out.push_back(line.substr(0, tab));
  }
  return out;
}

const char* kMadeUp[] = {"call.in-progress.error-vapifault-newvendor-llm-failed",
                         "pipeline-error-acme-voice-failed", "call.start.error-get-widget",
                         "assistant-request-returned-teapot"};

// nullptr: the call has not ended.
std::string ended_reason(Rng& rng, const Codes& codes, bool& ended) {
  ended = true;
  const double u = rng.unit();
  if (u < 0.30) return "customer-ended-call";
  if (u < 0.45) return "assistant-ended-call";
  if (u < 0.57) return "silence-timed-out";
  if (u < 0.67) return "voicemail";
  if (u < 0.75) return "customer-did-not-answer";
  if (u < 0.78) return "customer-busy";
  if (u < 0.81) return "assistant-said-end-call-phrase";
  if (u < 0.83) return "exceeded-max-duration";
  if (u < 0.91 && !codes.provider_errors.empty()) return rng.pick(codes.provider_errors);
  if (u < 0.955 && !codes.official.empty()) return rng.pick(codes.official);
  if (u < 0.965 && !codes.retired.empty()) return rng.pick(codes.retired);
  if (u < 0.97) return kMadeUp[rng.range(0, 3)];
  ended = false;
  return {};
}

struct Turn {
  std::string role;
  std::string text;
  std::int64_t time;
  std::int64_t end_time;
  double seconds;
};

std::string make_call(Rng& rng, const Codes& codes, std::int64_t& clock_ms) {
  const std::size_t target = rng.range(10000, 30000);
  const std::int64_t created = clock_ms;
  clock_ms += static_cast<std::int64_t>(rng.range(1000, 120000));
  const std::int64_t started = created + static_cast<std::int64_t>(rng.range(500, 20000));
  bool ended = true;
  const std::string reason = ended_reason(rng, codes, ended);

  // The conversation: grow it until the call reaches its target size. Each turn's text
  // appears four times (messages, artifact.messages, OpenAI format, transcripts).
  std::vector<Turn> turns;
  turns.push_back({"system", sentence(rng, 200, 900), started, started, 0.0});
  std::int64_t t = started + static_cast<std::int64_t>(rng.range(300, 2000));
  std::size_t estimate = 4000;
  bool bot = rng.chance(0.7);
  while (estimate < target) {
    Turn turn;
    if (rng.chance(0.08)) {
      turn.role = "tool_calls";
      turn.text = R"({"name":"lookup","arguments":{"id":")" + uuid(rng) + "\"}}";
      turns.push_back({turn.role, turn.text, t, t, static_cast<double>(t - started) / 1000.0});
      turns.push_back({"tool_call_result", sentence(rng, 20, 120), t + 300, t + 300,
                       static_cast<double>(t + 300 - started) / 1000.0});
      estimate += 2 * 4 * 120 + 400;
      t += 600;
      continue;
    }
    turn.role = bot ? "bot" : "user";
    turn.text = sentence(rng, 20, 260);
    turn.time = t;
    turn.end_time = t + static_cast<std::int64_t>(rng.range(800, 9000));
    turn.seconds = static_cast<double>(t - started) / 1000.0;
    t = turn.end_time + static_cast<std::int64_t>(rng.range(200, 3000));
    estimate += 4 * turn.text.size() + 420;
    turns.push_back(std::move(turn));
    bot = !bot;
  }
  const std::int64_t ended_at = t + static_cast<std::int64_t>(rng.range(100, 3000));

  std::vector<std::string> messages;
  std::vector<std::string> openai;
  std::string transcript;
  for (const Turn& m : turns) {
    Obj o;
    o.str("role", m.role).str("message", m.text).integer("time", m.time).num("secondsFromStart", m.seconds);
    if (m.role == "bot" || m.role == "user") {
      o.integer("endTime", m.end_time).integer("duration", m.end_time - m.time);
      transcript += (m.role == "bot" ? "AI: " : "User: ") + m.text + "\n";
    }
    if (m.role == "bot") o.str("source", "");
    messages.push_back(o.done(rng));
    Obj oa;
    oa.str("role", m.role == "bot"      ? "assistant"
                   : m.role == "user"   ? "user"
                   : m.role == "system" ? "system"
                                        : "tool")
        .str("content", m.text);
    openai.push_back(oa.done(rng, false));
  }
  const std::string messages_json = array(messages);

  std::vector<std::string> costs;
  const char* kCostTypes[] = {"transcriber",        "model", "voice", "vapi", "transport", "analysis",
                              "voicemail-detection"};
  double total = 0;
  const std::size_t n_costs = rng.range(4, 7);
  for (std::size_t i = 0; i < n_costs; ++i) {
    const double c = static_cast<double>(rng.range(0, 50000)) / 1e6;
    total += c;
    Obj o;
    o.str("type", kCostTypes[i])
        .num("cost", c)
        .num("minutes", static_cast<double>(ended_at - started) / 60000.0);
    if (i == 1) o.raw("model", Obj().str("model", "gpt-4.1").str("provider", "openai").done(rng));
    if (i == 2) o.raw("voice", Obj().str("voiceId", uuid(rng)).str("provider", "11labs").done(rng));
    costs.push_back(o.done(rng));
  }

  Obj artifact;
  artifact.raw("messages", messages_json)
      .raw("messagesOpenAIFormatted", array(openai))
      .str("transcript", transcript)
      .str("recordingUrl", "https://storage.vapi.ai/" + uuid(rng) + "-mono.wav")
      .str("pcapUrl", "https://storage.vapi.ai/" + uuid(rng) + "-sip.pcap")
      .raw("nodes", "[]")
      .raw("variables", "{}");
  if (rng.chance(0.15)) {
    std::vector<std::string> transfers;
    const char* kStatus[] = {"connected", "no-answer", "busy", "failed"};
    const std::size_t n = rng.range(1, 2);
    for (std::size_t i = 0; i < n; ++i) {
      Obj dest;
      if (rng.chance(0.8)) {
        dest.str("type", "number").str("number", phone(rng));
      } else {
        dest.str("type", "sip").str("sipUri", "sip:desk@example.com");
      }
      transfers.push_back(
          Obj().str("status", kStatus[rng.range(0, 3)]).raw("destination", dest.done(rng)).done(rng));
    }
    artifact.raw("transfers", array(transfers));
  }
  {
    std::vector<std::string> lat;
    double sum = 0;
    const std::size_t n = rng.range(1, 12);
    for (std::size_t i = 0; i < n; ++i) {
      const auto v = static_cast<double>(rng.range(400, 4000));
      sum += v;
      lat.push_back(
          Obj().num("turnLatency", v).num("modelLatency", v / 2).num("voiceLatency", v / 4).done(rng));
    }
    artifact.raw("performanceMetrics", Obj()
                                           .raw("turnLatencies", array(lat))
                                           .num("turnLatencyAverage", sum / static_cast<double>(n))
                                           .done(rng));
  }

  Obj call;
  call.str("id", uuid(rng))
      .str("orgId", "00000000-0000-4000-8000-00000000000a")
      .str("type", rng.chance(0.5)   ? "outboundPhoneCall"
                   : rng.chance(0.6) ? "inboundPhoneCall"
                                     : "webCall")
      .str("createdAt", iso(created))
      .str("updatedAt", iso(ended_at + 5000))
      // An organisation has a few dozen assistants and numbers, not one per call.
      .str("assistantId", pooled_id(0xa551, rng.range(0, 23)))
      .str("phoneNumberId", pooled_id(0xb0b, rng.range(0, 59)))
      .str("phoneCallProvider", rng.chance(0.7) ? "twilio" : "vapi")
      .str("phoneCallTransport", "pstn")
      .raw("customer", Obj().str("number", phone(rng)).str("name", sentence(rng, 3, 20)).done(rng))
      .raw("monitor", Obj()
                          .str("listenUrl", "wss://phone-call-websocket.vapi.ai/" + uuid(rng) + "/listen")
                          .str("controlUrl", "https://phone-call-websocket.vapi.ai/" + uuid(rng) + "/control")
                          .done(rng));
  if (ended) {
    call.str("status", "ended")
        .str("endedReason", reason)
        .str("startedAt", iso(started))
        .str("endedAt", iso(ended_at))
        .num("cost", total)
        .raw("costs", array(costs))
        .raw("messages", messages_json)
        .raw("artifact", artifact.done(rng))
        .str("transcript", transcript)
        .str("summary", sentence(rng, 60, 300))
        .raw("analysis", Obj()
                             .str("summary", sentence(rng, 60, 200))
                             .raw("successEvaluation", rng.chance(0.5) ? (rng.chance(0.5) ? "true" : "false")
                                                       : rng.chance(0.5) ? std::to_string(rng.range(1, 10))
                                                                         : quoted("false"))
                             .done(rng))
        .raw("costBreakdown", Obj()
                                  .num("stt", total / 4)
                                  .num("llm", total / 4)
                                  .num("tts", total / 4)
                                  .num("vapi", total / 4)
                                  .num("total", total)
                                  .integer("llmPromptTokens", static_cast<std::int64_t>(rng.range(100, 5000)))
                                  .done(rng));
    if (reason.find("error") != std::string::npos || reason.find("fault") != std::string::npos) {
      // One draw per statement: the operands of + are evaluated in no set order, and two
      // compilers would draw them in different ones (and write different files).
      const std::uint64_t status = rng.range(400, 599);
      std::string message = quoted("Provider error " + std::to_string(status) + ": " + sentence(rng, 20, 80));
      message.insert(message.size() - 1, " \\u00e9\\u4e2d\\ud83d\\ude00");  // escapes, a surrogate pair
      call.raw("endedMessage", message);
    }
    if (rng.chance(0.1))
      call.raw("destination", Obj().str("type", "number").str("number", phone(rng)).done(rng));
  } else {
    call.str("status", rng.chance(0.5) ? "in-progress" : "queued");
    if (rng.chance(0.3)) call.raw("endedReason", "null");
  }
  return call.done(rng);
}

std::uint64_t parse_size(const char* s) {
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  double mult = 1;
  if (end != nullptr && *end != '\0') {
    switch (*end) {
      case 'k':
      case 'K':
        mult = 1024.0;
        break;
      case 'm':
      case 'M':
        mult = 1024.0 * 1024;
        break;
      case 'g':
      case 'G':
        mult = 1024.0 * 1024 * 1024;
        break;
      default:
        mult = 0;
    }
  }
  return static_cast<std::uint64_t>(v * mult);
}

int usage() {
  std::fprintf(stderr,
               "usage: gen_calls [--format ndjson|array|results] [--bytes N[K|M|G]] [--seed S] [--out FILE]\n"
               "                 [--codes official-codes.txt] [--retired retired-codes.tsv]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string format = "ndjson";
  std::uint64_t bytes = 1u << 20;
  std::uint64_t seed = 1;
  std::string out_path;
  std::string codes_path = std::string(VAPIDIAG_DATA_DIR) + "/official-codes.txt";
  std::string retired_path = std::string(VAPIDIAG_DATA_DIR) + "/retired-codes.tsv";
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--format" && has_value) {
      format = argv[++i];
    } else if (a == "--bytes" && has_value) {
      bytes = parse_size(argv[++i]);
    } else if (a == "--seed" && has_value) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--out" && has_value) {
      out_path = argv[++i];
    } else if (a == "--codes" && has_value) {
      codes_path = argv[++i];
    } else if (a == "--retired" && has_value) {
      retired_path = argv[++i];
    } else {
      return usage();
    }
  }
  if (format != "ndjson" && format != "array" && format != "results") return usage();

  Codes codes;
  codes.official = read_column(codes_path);
  codes.retired = read_column(retired_path);
  if (codes.official.empty())
    std::fprintf(stderr, "gen_calls: warning: no codes read from %s\n", codes_path.c_str());
  for (const std::string& c : codes.official) {
    if (c.find("pipeline-error") != std::string::npos || c.find("providerfault") != std::string::npos) {
      codes.provider_errors.push_back(c);
    }
  }

  std::FILE* out = stdout;
  if (!out_path.empty() && out_path != "-") {
    out = std::fopen(out_path.c_str(), "wb");
    if (out == nullptr) {
      std::fprintf(stderr, "gen_calls: %s: %s\n", out_path.c_str(), std::strerror(errno));
      return 1;
    }
  }

  Rng rng(seed);
  std::int64_t clock_ms = 1719705600000;  // 2024-06-30
  std::uint64_t written = 0;
  std::uint64_t calls = 0;
  auto put = [&](std::string_view s) {
    std::fwrite(s.data(), 1, s.size(), out);
    written += s.size();
  };
  const bool metadata_first = format == "results" && rng.chance(0.5);
  if (format == "array") put("[");
  if (format == "results")
    put(metadata_first ? "{\"metadata\":{\"itemsPerPage\":1000,\"currentPage\":1},\"results\":["
                       : "{\"results\":[");
  while (written < bytes || calls == 0) {
    const std::string call = make_call(rng, codes, clock_ms);
    if (calls > 0 && format != "ndjson") put(",\n");
    put(call);
    if (format == "ndjson") put("\n");
    ++calls;
  }
  if (format == "array") put("]\n");
  if (format == "results")
    put(metadata_first ? "]}\n" : "],\"metadata\":{\"itemsPerPage\":1000,\"currentPage\":1}}\n");
  if (out != stdout && std::fclose(out) != 0) {
    std::fprintf(stderr, "gen_calls: %s: %s\n", out_path.c_str(), std::strerror(errno));
    return 1;
  }
  std::fprintf(stderr, "gen_calls: %llu calls, %llu bytes\n", static_cast<unsigned long long>(calls),
               static_cast<unsigned long long>(written));
  return 0;
}
