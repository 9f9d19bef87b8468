// Field extraction with simdjson on-demand: each object is walked once, in whatever
// order its keys come, descending only into the fields vapidiag uses; everything else
// is skipped without being parsed. Error codes throughout (no exceptions).
//
// Duplicate keys: the last occurrence wins, as in jq. Each field handler overwrites (or
// resets and refills) what it sets, so a later duplicate replaces an earlier one.
// Keys are compared as written (unescaped), like simdjson's own field lookup: a key
// spelled with \u escapes is not recognised.
//
// Lenience: a field of the wrong type, or a number that does not fit, counts as absent.
// Only endedReason is strict, because a record whose ending cannot be read cannot be
// classified. Malformed JSON that simdjson detects makes the record unreadable.

#include "extract.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>
#include <utility>

#include "framer.hpp"
#include "vapidiag/reader.hpp"

namespace vapidiag::reader_detail {

namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

static_assert(simdjson::SIMDJSON_PADDING <= kPadding,
              "the reader's buffer slack must cover simdjson's padding");

#define VAPIDIAG_TRY(expr)                                                               \
  do {                                                                                   \
    if (const error_code vd_err_ = (expr); vd_err_ != simdjson::SUCCESS) return vd_err_; \
  } while (false)

// Errors that mean "this field is not what we expected": treat the field as absent.
bool is_soft(error_code e) {
  return e == simdjson::INCORRECT_TYPE || e == simdjson::NUMBER_ERROR || e == simdjson::NUMBER_OUT_OF_RANGE;
}

// Set when a record had a softened error: on malformed input (a value that is a ':'...)
// simdjson may then have walked the record in a way the framer would not, so the record
// is not taken as a whole line. One per thread, as each thread has its own Extractor.
thread_local bool t_softened = false;

error_code soften(error_code e) {
  if (!is_soft(e)) return e;
  t_softened = true;
  return simdjson::SUCCESS;
}

// A key (or a short string) equal to a literal: compared as written, with the closing
// quote, 8 bytes at a time against words the compiler folds from the literal (a call to
// memcmp per key and its branches cost more than the comparison). Reading up to 8 bytes
// past a shorter key stays inside the record or its padding.
inline std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// name[at, at + 8), with the closing quote after the name and zeros after that, as a
// little-endian word.
template <std::size_t N>
[[gnu::always_inline]] inline std::uint64_t key_word(const char (&name)[N], std::size_t at) {
  std::uint64_t w = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const std::size_t j = at + i;
    const auto c = static_cast<unsigned char>(j + 1 < N ? name[j] : j + 1 == N ? '"' : 0);
    w |= std::uint64_t{c} << (8 * i);
  }
  return w;
}

template <std::size_t N>
[[gnu::always_inline]] inline bool key_is(const od::raw_json_string& k, const char (&name)[N]) {
  const char* raw = k.raw();
  if constexpr (std::endian::native != std::endian::little) {
    return std::memcmp(raw, name, N - 1) == 0 && raw[N - 1] == '"';
  } else if constexpr (N <= 8) {  // N: the name's bytes and the quote
    constexpr std::uint64_t mask = N == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * N)) - 1;
    return (load8(raw) & mask) == key_word(name, 0);
  } else {
    std::uint64_t diff = 0;
    for (std::size_t at = 0; at + 8 < N; at += 8) diff |= load8(raw + at) ^ key_word(name, at);
    diff |= load8(raw + N - 8) ^ key_word(name, N - 8);  // the last 8 bytes, overlapping
    return diff == 0;
  }
}

const char* type_name(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "unknown";
}

std::string json_error(error_code e) {
  std::string msg = simdjson::error_message(e);
  if (!msg.empty() && msg[0] >= 'A' && msg[0] <= 'Z' && !(msg.size() > 1 && msg[1] >= 'A' && msg[1] <= 'Z')) {
    msg[0] = static_cast<char>(msg[0] - 'A' + 'a');
  }
  while (!msg.empty() && (msg.back() == ' ' || msg.back() == '.')) msg.pop_back();
  return "invalid JSON: " + msg;
}

enum class Role : std::uint8_t { None, System, User, Bot, Tool, Other };

struct MsgStats {
  bool present = false;
  bool detailed = false;  // false: only entries is known (counted, not read)
  std::uint32_t entries = 0;
  std::uint32_t user = 0;
  std::uint32_t bot = 0;
  std::uint32_t tool = 0;
  Role last = Role::None;
  bool seen_bot = false;
  std::int64_t last_user_end = kNoTime;
  std::int64_t last_bot_end = kNoTime;
  double first_bot_seconds = -1.0;
};

// What message.call holds (a snapshot taken when the call was created).
struct Snapshot {
  std::string id;
  std::string type;
  std::string assistant_id;
  std::string phone_number_id;
  std::string provider;
  std::string customer_number;
  std::string destination;
  std::string ended_reason;  // message.call.endedReason, the fallback when the message has none
  bool has_ended = false;
  std::int64_t created_at = kNoTime;

  void clear() {
    ended_reason.clear();
    has_ended = false;
    id.clear();
    type.clear();
    assistant_id.clear();
    phone_number_id.clear();
    provider.clear();
    customer_number.clear();
    destination.clear();
    created_at = kNoTime;
  }
};

enum class Ended : std::uint8_t { Absent, Null, String, Wrong };

// Reads a number of epoch milliseconds; kNoTime when it does not fit.
std::int64_t ms_from_double(double d) {
  if (!std::isfinite(d) || std::fabs(d) >= 9.0e18) return kNoTime;
  return static_cast<std::int64_t>(std::llround(d));
}

std::string_view trim_token(std::string_view t) {
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r' || t.back() == '\n'))
    t.remove_suffix(1);
  return t;
}

// A number token as written in the document (raw_json_token), parsed only when needed.
bool token_double(std::string_view t, double& out) {
  t = trim_token(t);
  if (t.empty()) return false;
  const char* first = t.data();
  const char* last = t.data() + t.size();
  const auto r = std::from_chars(first, last, out);
  return r.ec == std::errc() && r.ptr == last && std::isfinite(out);
}

// Epoch milliseconds from a number token, or ISO 8601 from a string token without escapes.
std::int64_t token_ms(std::string_view t) {
  t = trim_token(t);
  if (t.empty()) return kNoTime;
  if (t.front() == '"') {
    if (t.size() < 2 || t.back() != '"' || t.find('\\') != std::string_view::npos) return kNoTime;
    return parse_iso8601_ms(t.substr(1, t.size() - 2));
  }
  std::int64_t i = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), i);
  if (r.ec == std::errc() && r.ptr == t.data() + t.size()) return i;
  double d = 0;
  return token_double(t, d) ? ms_from_double(d) : kNoTime;
}

}  // namespace

struct Extractor::Impl {
  od::parser parser;
  std::size_t max_capacity;
  CallRecord* rec = nullptr;

  // Scratch, reused across records so that reading allocates nothing once warm.
  std::string type;
  std::string msg_type;  // the type inside a webhook envelope ("end-of-call-report"...)
  std::int64_t msg_time = kNoTime;
  std::string status;
  std::string assistant_obj_id;  // "assistant": {"id": ...}
  std::string phone_obj_id;      // "phoneNumber": {"id": ...}
  Snapshot snap;
  MsgStats top_msgs;
  MsgStats art_msgs;
  Ended ended = Ended::Absent;
  od::json_type ended_type = od::json_type::null;
  bool envelope = false;
  bool exact = false;   // count a second messages array with count_elements() (see read_messages_once)
  bool reread = false;  // a second messages array was larger: read the record again, exact
  std::string number_scratch;
  std::string sip_scratch;

  explicit Impl(std::size_t max_cap) : parser(max_cap), max_capacity(max_cap) {}

  void reset(CallRecord& r) {
    rec = &r;
    r.clear();
    type.clear();
    msg_type.clear();
    msg_time = kNoTime;
    status.clear();
    assistant_obj_id.clear();
    phone_obj_id.clear();
    snap.clear();
    top_msgs = MsgStats{};
    art_msgs = MsgStats{};
    ended = Ended::Absent;
    envelope = false;
  }

  // --- scalars -----------------------------------------------------------------

  static error_code read_string(od::value& v, std::string& out) {
    std::string_view s;
    const error_code e = v.get_string().get(s);
    if (e == simdjson::SUCCESS) {
      out.assign(s);
      return e;
    }
    out.clear();
    return soften(e);
  }

  static error_code read_double(od::value& v, double& out, bool& has) {
    const error_code e = v.get_double().get(out);
    has = e == simdjson::SUCCESS;
    return soften(e);
  }

  // ISO 8601 text or epoch milliseconds.
  static error_code read_time(od::value& v, std::int64_t& out) {
    out = kNoTime;
    od::json_type t;
    VAPIDIAG_TRY(v.type().get(t));
    if (t == od::json_type::string) {
      std::string_view s;
      VAPIDIAG_TRY(v.get_string().get(s));
      out = parse_iso8601_ms(s);
    } else if (t == od::json_type::number) {
      double d = 0;
      const error_code e = v.get_double().get(d);
      if (e == simdjson::SUCCESS) out = ms_from_double(d);
      return soften(e);
    }
    return simdjson::SUCCESS;
  }

  // {"id": "..."}
  static error_code read_id_object(od::value& v, std::string& out) {
    out.clear();
    od::object obj;
    const error_code e = v.get_object().get(obj);
    if (e != simdjson::SUCCESS) return soften(e);
    for (auto field_result : obj) {
      od::field f;
      VAPIDIAG_TRY(std::move(field_result).get(f));
      if (key_is(f.key(), "id")) VAPIDIAG_TRY(read_string(f.value(), out));
    }
    return simdjson::SUCCESS;
  }

  // A destination: {"number": ...} or {"sipUri": ...} (number preferred), or a string.
  error_code read_destination(od::value& v, std::string& out) {
    out.clear();
    od::json_type t;
    VAPIDIAG_TRY(v.type().get(t));
    if (t == od::json_type::string) return read_string(v, out);
    if (t != od::json_type::object) return simdjson::SUCCESS;
    od::object obj;
    VAPIDIAG_TRY(v.get_object().get(obj));
    number_scratch.clear();
    sip_scratch.clear();
    for (auto field_result : obj) {
      od::field f;
      VAPIDIAG_TRY(std::move(field_result).get(f));
      const od::raw_json_string k = f.key();
      if (key_is(k, "number")) {
        VAPIDIAG_TRY(read_string(f.value(), number_scratch));
      } else if (key_is(k, "sipUri")) {
        VAPIDIAG_TRY(read_string(f.value(), sip_scratch));
      }
    }
    out = number_scratch.empty() ? sip_scratch : number_scratch;
    return simdjson::SUCCESS;
  }

  // {"number": "..."}
  static error_code read_customer(od::value& v, std::string& out) {
    out.clear();
    od::object obj;
    const error_code e = v.get_object().get(obj);
    if (e != simdjson::SUCCESS) return soften(e);
    for (auto field_result : obj) {
      od::field f;
      VAPIDIAG_TRY(std::move(field_result).get(f));
      if (key_is(f.key(), "number")) VAPIDIAG_TRY(read_string(f.value(), out));
    }
    return simdjson::SUCCESS;
  }

  error_code read_ended(od::value& v) {
    od::json_type t;
    VAPIDIAG_TRY(v.type().get(t));
    rec->ended_reason.clear();
    switch (t) {
      case od::json_type::string: {
        std::string_view s;
        VAPIDIAG_TRY(v.get_string().get(s));
        rec->ended_reason.assign(s);
        ended = Ended::String;
        return simdjson::SUCCESS;
      }
      case od::json_type::null:
        ended = Ended::Null;
        return simdjson::SUCCESS;
      default:
        ended = Ended::Wrong;
        ended_type = t;
        return simdjson::SUCCESS;
    }
  }

  // --- arrays --------------------------------------------------------------------

  static error_code read_role(od::value& v, Role& role) {
    od::raw_json_string r;
    const error_code e = v.get_raw_json_string().get(r);
    if (e != simdjson::SUCCESS) {
      role = Role::None;
      return soften(e);
    }
    if (key_is(r, "user")) {
      role = Role::User;
    } else if (key_is(r, "bot") || key_is(r, "assistant")) {
      role = Role::Bot;
    } else if (key_is(r, "system")) {
      role = Role::System;
    } else if (key_is(r, "tool_calls") || key_is(r, "tool_call_result") || key_is(r, "tool")) {
      role = Role::Tool;
    } else {
      role = Role::Other;
    }
    return simdjson::SUCCESS;
  }

  // One messages array. Times are kept as raw tokens and parsed only for the messages
  // that end up mattering (the last user and bot turns, the first bot turn).
  static error_code read_messages(od::value& v, MsgStats& s) {
    s = MsgStats{};
    od::array arr;
    const error_code e = v.get_array().get(arr);
    if (e != simdjson::SUCCESS) return soften(e);
    s.present = true;
    s.detailed = true;
    std::string_view last_user_time;
    std::string_view last_user_end;
    std::string_view last_bot_time;
    std::string_view last_bot_end;
    std::string_view first_bot_seconds;
    for (auto elem_result : arr) {
      od::value elem;
      VAPIDIAG_TRY(std::move(elem_result).get(elem));
      ++s.entries;
      od::object msg;
      const error_code oe = elem.get_object().get(msg);
      if (oe != simdjson::SUCCESS) {
        VAPIDIAG_TRY(soften(oe));
        continue;
      }
      Role role = Role::None;
      std::string_view time;
      std::string_view end_time;
      std::string_view seconds;
      for (auto field_result : msg) {
        od::field f;
        VAPIDIAG_TRY(std::move(field_result).get(f));
        const od::raw_json_string k = f.key();
        switch (k.raw()[0]) {
          case 'r':
            if (key_is(k, "role")) VAPIDIAG_TRY(read_role(f.value(), role));
            break;
          case 't':
            if (key_is(k, "time")) time = f.value().raw_json_token();
            break;
          case 'e':
            if (key_is(k, "endTime")) end_time = f.value().raw_json_token();
            break;
          case 's':
            if (key_is(k, "secondsFromStart")) seconds = f.value().raw_json_token();
            break;
          default:
            break;
        }
      }
      switch (role) {
        case Role::User:
          ++s.user;
          s.last = Role::User;
          last_user_time = time;
          last_user_end = end_time;
          break;
        case Role::Bot:
          ++s.bot;
          s.last = Role::Bot;
          last_bot_time = time;
          last_bot_end = end_time;
          if (!s.seen_bot) {
            s.seen_bot = true;
            first_bot_seconds = seconds;
          }
          break;
        case Role::Tool:
          ++s.tool;
          s.last = Role::Tool;
          break;
        default:
          break;
      }
    }
    // endTime, else time.
    if (s.user > 0) {
      s.last_user_end = token_ms(last_user_end);
      if (s.last_user_end == kNoTime) s.last_user_end = token_ms(last_user_time);
    }
    if (s.bot > 0) {
      s.last_bot_end = token_ms(last_bot_end);
      if (s.last_bot_end == kNoTime) s.last_bot_end = token_ms(last_bot_time);
      double sec = 0;
      if (token_double(first_bot_seconds, sec) && sec >= 0) s.first_bot_seconds = sec;
    }
    return simdjson::SUCCESS;
  }

  // messages[] and artifact.messages usually hold the same conversation: the second one
  // met is only counted, and read only if it holds more entries than the first.
  //
  // Counting walks the array once and leaves it consumed. simdjson's count_elements()
  // would walk it, rewind, and have it walked again to reach the next key; but then a
  // larger second array can be read in detail at once. So when the second array turns out
  // larger, the record is read again in `exact` mode, which counts with count_elements()
  // (rare: both arrays normally hold the same messages). Both ways give the same result.
  error_code read_messages_once(od::value& v, MsgStats& s, const MsgStats& other) {
    if (other.detailed) {
      std::size_t n = 0;
      error_code e = simdjson::SUCCESS;
      if (exact) {
        e = v.count_elements().get(n);
      } else {
        od::array arr;
        e = v.get_array().get(arr);
        if (e == simdjson::SUCCESS) {
          for (auto elem : arr) {
            e = elem.error();
            if (e != simdjson::SUCCESS) break;
            ++n;
          }
        }
      }
      if (e != simdjson::SUCCESS) {
        s = MsgStats{};
        return soften(e);
      }
      if (n <= other.entries || !exact) {
        s = MsgStats{};
        s.present = true;
        s.entries = static_cast<std::uint32_t>(n);
        if (n > other.entries) reread = true;
        return simdjson::SUCCESS;
      }
    }
    return read_messages(v, s);
  }

  error_code read_costs(od::value& v) {
    double sums[5] = {-1.0, -1.0, -1.0, -1.0, -1.0};  // model, voice, transcriber, transport, vapi
    od::array arr;
    const error_code e = v.get_array().get(arr);
    if (e == simdjson::SUCCESS) {
      for (auto elem_result : arr) {
        od::value elem;
        VAPIDIAG_TRY(std::move(elem_result).get(elem));
        od::object item;
        const error_code oe = elem.get_object().get(item);
        if (oe != simdjson::SUCCESS) {
          VAPIDIAG_TRY(soften(oe));
          continue;
        }
        int which = -1;
        double cost = 0;
        bool has_cost = false;
        for (auto field_result : item) {
          od::field f;
          VAPIDIAG_TRY(std::move(field_result).get(f));
          const od::raw_json_string k = f.key();
          if (key_is(k, "type")) {
            od::raw_json_string t;
            const error_code te = f.value().get_raw_json_string().get(t);
            which = -1;
            if (te != simdjson::SUCCESS) {
              VAPIDIAG_TRY(soften(te));
            } else if (key_is(t, "model")) {
              which = 0;
            } else if (key_is(t, "voice")) {
              which = 1;
            } else if (key_is(t, "transcriber")) {
              which = 2;
            } else if (key_is(t, "transport")) {
              which = 3;
            } else if (key_is(t, "vapi")) {
              which = 4;
            }
          } else if (key_is(k, "cost")) {
            VAPIDIAG_TRY(read_double(f.value(), cost, has_cost));
          }
        }
        if (which >= 0 && has_cost) sums[which] = (sums[which] < 0 ? 0.0 : sums[which]) + cost;
      }
    } else {
      VAPIDIAG_TRY(soften(e));
    }
    rec->cost_model = sums[0];
    rec->cost_voice = sums[1];
    rec->cost_transcriber = sums[2];
    rec->cost_transport = sums[3];
    rec->cost_vapi = sums[4];
    return simdjson::SUCCESS;
  }

  error_code read_transfers(od::value& v) {
    rec->transfers.clear();
    od::array arr;
    const error_code e = v.get_array().get(arr);
    if (e != simdjson::SUCCESS) return soften(e);
    for (auto elem_result : arr) {
      od::value elem;
      VAPIDIAG_TRY(std::move(elem_result).get(elem));
      od::object item;
      const error_code oe = elem.get_object().get(item);
      if (oe != simdjson::SUCCESS) {
        VAPIDIAG_TRY(soften(oe));
        continue;
      }
      TransferInfo& t = rec->transfers.emplace_back();
      for (auto field_result : item) {
        od::field f;
        VAPIDIAG_TRY(std::move(field_result).get(f));
        const od::raw_json_string k = f.key();
        if (key_is(k, "status")) {
          VAPIDIAG_TRY(read_string(f.value(), t.status));
        } else if (key_is(k, "destination")) {
          VAPIDIAG_TRY(read_destination(f.value(), t.destination));
        }
      }
    }
    return simdjson::SUCCESS;
  }

  // performanceMetrics: turnLatencies[] (objects with turnLatency, or plain numbers) or
  // turnLatencyAverage.
  error_code read_performance(od::value& v) {
    rec->turn_latency_avg_ms = -1.0;
    rec->turn_latency_max_ms = -1.0;
    rec->turn_latency_count = 0;
    od::object obj;
    const error_code e = v.get_object().get(obj);
    if (e != simdjson::SUCCESS) return soften(e);
    double sum = 0;
    double max = -1.0;
    std::uint32_t count = 0;
    double average = -1.0;
    for (auto field_result : obj) {
      od::field f;
      VAPIDIAG_TRY(std::move(field_result).get(f));
      const od::raw_json_string k = f.key();
      if (key_is(k, "turnLatencies")) {
        sum = 0;
        max = -1.0;
        count = 0;
        od::array arr;
        const error_code ae = f.value().get_array().get(arr);
        if (ae != simdjson::SUCCESS) {
          VAPIDIAG_TRY(soften(ae));
          continue;
        }
        for (auto elem_result : arr) {
          od::value elem;
          VAPIDIAG_TRY(std::move(elem_result).get(elem));
          od::json_type t;
          VAPIDIAG_TRY(elem.type().get(t));
          double ms = 0;
          bool has = false;
          if (t == od::json_type::number) {
            VAPIDIAG_TRY(read_double(elem, ms, has));
          } else if (t == od::json_type::object) {
            od::object item;
            VAPIDIAG_TRY(elem.get_object().get(item));
            for (auto item_field : item) {
              od::field g;
              VAPIDIAG_TRY(std::move(item_field).get(g));
              if (key_is(g.key(), "turnLatency")) VAPIDIAG_TRY(read_double(g.value(), ms, has));
            }
          }
          if (has && ms >= 0) {
            sum += ms;
            if (ms > max) max = ms;
            ++count;
          }
        }
      } else if (key_is(k, "turnLatencyAverage")) {
        bool has = false;
        double avg = 0;
        VAPIDIAG_TRY(read_double(f.value(), avg, has));
        average = has && avg >= 0 ? avg : -1.0;
      }
    }
    if (count > 0) {
      rec->turn_latency_avg_ms = sum / count;
      rec->turn_latency_max_ms = max;
      rec->turn_latency_count = count;
    } else if (average >= 0) {
      rec->turn_latency_avg_ms = average;
    }
    return simdjson::SUCCESS;
  }

  error_code read_artifact(od::value& v) {
    art_msgs = MsgStats{};
    rec->transfers.clear();
    rec->turn_latency_avg_ms = -1.0;
    rec->turn_latency_max_ms = -1.0;
    rec->turn_latency_count = 0;
    od::object obj;
    const error_code e = v.get_object().get(obj);
    if (e != simdjson::SUCCESS) return soften(e);
    for (auto field_result : obj) {
      od::field f;
      VAPIDIAG_TRY(std::move(field_result).get(f));
      const od::raw_json_string k = f.key();
      switch (k.raw()[0]) {
        case 'm':
          if (key_is(k, "messages")) VAPIDIAG_TRY(read_messages_once(f.value(), art_msgs, top_msgs));
          break;
        case 't':
          if (key_is(k, "transfers")) VAPIDIAG_TRY(read_transfers(f.value()));
          break;
        case 'p':
          if (key_is(k, "performanceMetrics")) VAPIDIAG_TRY(read_performance(f.value()));
          break;
        default:
          break;
      }
    }
    return simdjson::SUCCESS;
  }

  error_code read_analysis(od::value& v) {
    rec->success_evaluation.clear();
    od::object obj;
    const error_code e = v.get_object().get(obj);
    if (e != simdjson::SUCCESS) return soften(e);
    for (auto field_result : obj) {
      od::field f;
      VAPIDIAG_TRY(std::move(field_result).get(f));
      if (!key_is(f.key(), "successEvaluation")) continue;
      od::value& val = f.value();
      rec->success_evaluation.clear();
      od::json_type t;
      VAPIDIAG_TRY(val.type().get(t));
      switch (t) {
        case od::json_type::string:
          VAPIDIAG_TRY(read_string(val, rec->success_evaluation));
          break;
        case od::json_type::boolean: {
          bool b = false;
          VAPIDIAG_TRY(val.get_bool().get(b));
          rec->success_evaluation = b ? "true" : "false";
          break;
        }
        case od::json_type::number: {
          // The number as written ("8", "0.75"), without the blanks that follow it.
          std::string_view raw = val.raw_json_token();
          while (!raw.empty() &&
                 (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' || raw.back() == '\n')) {
            raw.remove_suffix(1);
          }
          rec->success_evaluation.assign(raw);
          break;
        }
        default:
          break;
      }
    }
    return simdjson::SUCCESS;
  }

  // message.call: a snapshot from call creation. Only identity is read from it: its
  // status and endedReason are stale.
  error_code read_snapshot(od::value& v) {
    snap.clear();
    od::object obj;
    const error_code e = v.get_object().get(obj);
    if (e != simdjson::SUCCESS) return soften(e);
    for (auto field_result : obj) {
      od::field f;
      VAPIDIAG_TRY(std::move(field_result).get(f));
      const od::raw_json_string k = f.key();
      od::value& val = f.value();
      switch (k.raw()[0]) {
        case 'i':
          if (key_is(k, "id")) VAPIDIAG_TRY(read_string(val, snap.id));
          break;
        case 't':
          if (key_is(k, "type")) VAPIDIAG_TRY(read_string(val, snap.type));
          break;
        case 'c':
          if (key_is(k, "createdAt")) {
            VAPIDIAG_TRY(read_time(val, snap.created_at));
          } else if (key_is(k, "customer")) {
            VAPIDIAG_TRY(read_customer(val, snap.customer_number));
          }
          break;
        case 'a':
          if (key_is(k, "assistantId")) VAPIDIAG_TRY(read_string(val, snap.assistant_id));
          break;
        case 'p':
          if (key_is(k, "phoneNumberId")) {
            VAPIDIAG_TRY(read_string(val, snap.phone_number_id));
          } else if (key_is(k, "phoneCallProvider")) {
            VAPIDIAG_TRY(read_string(val, snap.provider));
          }
          break;
        case 'd':
          if (key_is(k, "destination")) VAPIDIAG_TRY(read_destination(val, snap.destination));
          break;
        case 'e':
          if (key_is(k, "endedReason")) {
            od::json_type t;
            VAPIDIAG_TRY(val.type().get(t));
            if (t == od::json_type::string) {
              VAPIDIAG_TRY(read_string(val, snap.ended_reason));
              snap.has_ended = true;
            }
          }
          break;
        default:
          break;
      }
    }
    return simdjson::SUCCESS;
  }

  // --- the record ------------------------------------------------------------------

  // The fields of a Call object, or of a webhook message (which shares most of them).
  // top: the record's own object, where {"message": {...}} makes it an envelope.
  error_code read_fields(od::object& obj, bool top) {
    CallRecord& r = *rec;
    for (auto field_result : obj) {
      od::field f;
      VAPIDIAG_TRY(std::move(field_result).get(f));
      // The envelope's other keys are read too: a middleware may flatten a report to the top
      // level beside a "message" that holds only its type and timestamp.
      const od::raw_json_string k = f.key();
      od::value& v = f.value();
      bool has = false;
      switch (k.raw()[0]) {
        case 'a':
          if (key_is(k, "artifact")) {
            VAPIDIAG_TRY(read_artifact(v));
          } else if (key_is(k, "assistantId")) {
            VAPIDIAG_TRY(read_string(v, r.assistant_id));
          } else if (key_is(k, "assistant")) {
            VAPIDIAG_TRY(read_id_object(v, assistant_obj_id));
          } else if (key_is(k, "analysis")) {
            VAPIDIAG_TRY(read_analysis(v));
          }
          break;
        case 'c':
          if (key_is(k, "cost")) {
            VAPIDIAG_TRY(read_double(v, r.cost, has));
            r.has_cost = has;
            if (!has) r.cost = 0.0;
          } else if (key_is(k, "costs")) {
            VAPIDIAG_TRY(read_costs(v));
          } else if (key_is(k, "customer")) {
            VAPIDIAG_TRY(read_customer(v, r.customer_number));
          } else if (key_is(k, "createdAt")) {
            VAPIDIAG_TRY(read_time(v, r.created_at));
          } else if (key_is(k, "call")) {
            VAPIDIAG_TRY(read_snapshot(v));
          }
          break;
        case 'd':
          if (key_is(k, "destination")) VAPIDIAG_TRY(read_destination(v, r.transfer_destination));
          break;
        case 'e':
          if (key_is(k, "endedReason")) {
            VAPIDIAG_TRY(read_ended(v));
          } else if (key_is(k, "endedAt")) {
            VAPIDIAG_TRY(read_time(v, r.ended_at));
          } else if (key_is(k, "endedMessage")) {
            VAPIDIAG_TRY(read_string(v, r.ended_message));
          }
          break;
        case 'i':
          if (key_is(k, "id")) VAPIDIAG_TRY(read_string(v, r.id));
          break;
        case 'm':
          if (key_is(k, "messages")) {
            VAPIDIAG_TRY(read_messages_once(v, top_msgs, art_msgs));
          } else if (top && key_is(k, "message")) {
            od::json_type t;
            VAPIDIAG_TRY(v.type().get(t));
            if (t == od::json_type::object) {
              // A webhook envelope: the call's fields come from the message.
              envelope = true;
              od::object msg;
              VAPIDIAG_TRY(v.get_object().get(msg));
              VAPIDIAG_TRY(read_fields(msg, false));
            }
          }
          break;
        case 'p':
          if (key_is(k, "phoneNumberId")) {
            VAPIDIAG_TRY(read_string(v, r.phone_number_id));
          } else if (key_is(k, "phoneCallProvider")) {
            VAPIDIAG_TRY(read_string(v, r.phone_call_provider));
          } else if (key_is(k, "phoneNumber")) {
            VAPIDIAG_TRY(read_id_object(v, phone_obj_id));
          }
          break;
        case 's':
          if (key_is(k, "status")) {
            VAPIDIAG_TRY(read_string(v, status));
          } else if (key_is(k, "startedAt")) {
            VAPIDIAG_TRY(read_time(v, r.started_at));
          }
          break;
        case 't':
          if (key_is(k, "type")) {
            VAPIDIAG_TRY(read_string(v, top ? type : msg_type));
          } else if (key_is(k, "timestamp")) {
            VAPIDIAG_TRY(read_time(v, msg_time));
          }
          break;
        default:
          break;
      }
    }
    return simdjson::SUCCESS;
  }

  Outcome finish(std::string& why) {
    CallRecord& r = *rec;
    // The message's type: inside the envelope, or at the top of a bare message.
    const std::string& wtype = envelope && !msg_type.empty() ? msg_type : type;
    const bool report = wtype == "end-of-call-report";
    const bool status_update = wtype == "status-update";
    const bool call_type = !type.empty() && &wtype != &type;  // a flattened report's call type
    if (envelope || report || status_update) {
      // A webhook message (in an envelope, or bare).
      if (report) {
        r.shape = RecordShape::EndOfCallReport;
      } else if (status_update && status == "ended") {
        r.shape = RecordShape::StatusUpdate;
      } else {
        return Outcome::Skipped;
      }
      if (!snap.id.empty() || envelope) r.id = snap.id.empty() ? r.id : snap.id;
      r.type = !snap.type.empty() ? snap.type : call_type ? type : std::string();
      if (snap.created_at != kNoTime) r.created_at = snap.created_at;
      r.message_time = msg_time;
      r.status = "ended";
      // The ending: message.endedReason, else message.call.endedReason; a report with
      // neither is still an ended call, whose reason is missing.
      if (ended == Ended::Absent || ended == Ended::Null) {
        if (snap.has_ended) {
          r.ended_reason = snap.ended_reason;
        } else {
          r.ended_reason = kMissingReason;
          r.reason_missing = true;
        }
        ended = Ended::String;
      }
      r.assistant_id = snap.assistant_id.empty() ? assistant_obj_id : snap.assistant_id;
      r.phone_number_id = snap.phone_number_id.empty() ? phone_obj_id : snap.phone_number_id;
      if (r.phone_call_provider.empty()) r.phone_call_provider = snap.provider;
      if (r.customer_number.empty()) r.customer_number = snap.customer_number;
      if (r.transfer_destination.empty()) r.transfer_destination = snap.destination;
    } else {
      r.shape = RecordShape::Call;
      r.type = type;
      r.status = status;
      if (r.assistant_id.empty()) r.assistant_id = assistant_obj_id;
      if (r.phone_number_id.empty()) r.phone_number_id = phone_obj_id;
    }

    switch (ended) {
      case Ended::Absent:
      case Ended::Null:
        return Outcome::NotEnded;
      case Ended::Wrong:
        why = fmt::format("endedReason is {}, expected a string", type_name(ended_type));
        return Outcome::Unreadable;
      case Ended::String:
        r.has_ended_reason = true;
        break;
    }

    // messages[] or artifact.messages, whichever holds more entries (on a tie, the one
    // that was read). Only duplicate keys can make the larger one unread: then take
    // the one that was read.
    const MsgStats* pick = art_msgs.entries > top_msgs.entries ? &art_msgs : &top_msgs;
    if (art_msgs.entries == top_msgs.entries && !top_msgs.detailed) pick = &art_msgs;
    if (!pick->detailed) pick = pick == &art_msgs ? &top_msgs : &art_msgs;
    const MsgStats& m = *pick;
    r.user_turns = m.user;
    r.bot_turns = m.bot;
    r.tool_calls = m.tool;
    switch (m.last) {
      case Role::User:
        r.last_speaker = "user";
        break;
      case Role::Bot:
        r.last_speaker = "bot";
        break;
      case Role::Tool:
        r.last_speaker = "tool";
        break;
      default:
        break;
    }
    r.last_user_turn_end = m.last_user_end;
    r.last_bot_turn_end = m.last_bot_end;
    r.first_bot_seconds = m.first_bot_seconds;
    return Outcome::Call;
  }

  Outcome extract(const std::uint8_t* data, std::size_t len, std::size_t capacity, CallRecord& r,
                  std::string& why, bool* whole) {
    reset(r);
    if (parser.capacity() < len) {
      // Grow in steps so that slowly growing records do not reallocate every time.
      std::size_t want =
          std::max<std::size_t>(len, std::min<std::size_t>(2 * parser.capacity(), max_capacity));
      want = std::max<std::size_t>(want, 64 * 1024);
      if (want > max_capacity) want = std::max(len, max_capacity);
      if (parser.allocate(want) != simdjson::SUCCESS) {
        why = fmt::format("out of memory parsing a record of {} bytes", len);
        return Outcome::Unreadable;
      }
    }
    const Outcome out = parse(data, len, capacity, why, whole);
    if (parser.capacity() > kShrinkAbove) {
      // After a huge record, give the memory back.
      if (parser.allocate(kShrinkTo) != simdjson::SUCCESS) {
        // Keeping the larger buffers is harmless.
      }
    }
    return out;
  }

  Outcome parse(const std::uint8_t* data, std::size_t len, std::size_t capacity, std::string& why,
                bool* whole) {
    exact = false;
    reread = false;
    Outcome out = parse_once(data, len, capacity, why, whole);
    if (reread) {
      CallRecord& r = *rec;
      reset(r);
      exact = true;
      out = parse_once(data, len, capacity, why, whole);
    }
    return out;
  }

  Outcome parse_once(const std::uint8_t* data, std::size_t len, std::size_t capacity, std::string& why,
                     bool* whole) {
    t_softened = false;
    od::document doc;
    error_code e = parser.iterate(data, len, capacity).get(doc);
    if (e != simdjson::SUCCESS) {
      why = json_error(e);
      return Outcome::Unreadable;
    }
    od::object obj;
    e = doc.get_object().get(obj);
    if (e == simdjson::SUCCESS) e = read_fields(obj, true);
    if (e != simdjson::SUCCESS) {
      why = json_error(e);
      return Outcome::Unreadable;
    }
    if (reread && !exact) return Outcome::Unreadable;  // read again by parse()
    // Every field was walked: the iterator is past the object's closing brace, which is
    // the last token if the object was all there was.
    if (whole != nullptr) *whole = !t_softened && doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
    return finish(why);
  }

  static constexpr std::size_t kShrinkAbove = 16u << 20;
  static constexpr std::size_t kShrinkTo = 1u << 20;
};

Extractor::Extractor(std::size_t max_record_bytes)
    : impl_(std::make_unique<Impl>(std::min<std::size_t>(std::max<std::size_t>(max_record_bytes, 64),
                                                         simdjson::SIMDJSON_MAXSIZE_BYTES))) {}

Extractor::~Extractor() = default;

Outcome Extractor::extract(const std::uint8_t* data, std::size_t len, std::size_t capacity, CallRecord& rec,
                           std::string& why, bool* whole) {
  return impl_->extract(data, len, capacity, rec, why, whole);
}

}  // namespace vapidiag::reader_detail
