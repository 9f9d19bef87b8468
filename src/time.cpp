// Time helpers, in one place. ISO 8601 timestamps as Vapi writes them ("2024-06-30T03:19:34.420Z"), plus the
// variants other tools produce: any number of fraction digits, "+02:00" / "+0200" /
// "+02" offsets, lowercase 't'/'z', a space instead of 'T', no seconds, a bare date.
// A time without an offset is taken as UTC.

#include "vapidiag/time.hpp"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string_view>

namespace vapidiag {

namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  // Exactly n digits.
  bool digits(int n, int& out) {
    out = 0;
    for (int k = 0; k < n; ++k) {
      const char c = peek();
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
      ++i_;
    }
    return true;
  }
  bool is_digit() const { return peek() >= '0' && peek() <= '9'; }
  void skip() { ++i_; }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(std::int64_t y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Leap years in [1, y] (proleptic Gregorian), for any y.
std::int64_t leaps_through(std::int64_t y) { return floor_div(y, 4) - floor_div(y, 100) + floor_div(y, 400); }

std::int64_t days_since_epoch(std::int64_t y, int m, int d) {
  static constexpr int kBefore[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  std::int64_t days = 365 * (y - 1970) + (leaps_through(y - 1) - leaps_through(1969));
  days += kBefore[m - 1] + ((m > 2 && leap(y)) ? 1 : 0);
  return days + (d - 1);
}

}  // namespace

std::int64_t parse_iso8601_ms(std::string_view s) {
  Cursor c(s);
  int year = 0;
  int month = 0;
  int day = 0;
  if (!c.digits(4, year) || !c.eat('-') || !c.digits(2, month) || !c.eat('-') || !c.digits(2, day))
    return kNoTime;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return kNoTime;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  std::int64_t offset_min = 0;
  if (!c.done()) {
    if (!(c.eat('T') || c.eat('t') || c.eat(' '))) return kNoTime;
    if (!c.digits(2, hour) || !c.eat(':') || !c.digits(2, minute)) return kNoTime;
    if (c.eat(':')) {
      if (!c.digits(2, second)) return kNoTime;
      if (c.eat('.') || c.eat(',')) {
        if (!c.is_digit()) return kNoTime;
        int scale = 100;
        while (c.is_digit()) {
          millis += (c.peek() - '0') * scale;  // digits past milliseconds are dropped
          scale /= 10;
          c.skip();
        }
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return kNoTime;
    if (c.eat('Z') || c.eat('z')) {
      // UTC
    } else if (c.peek() == '+' || c.peek() == '-') {
      const bool minus = c.peek() == '-';
      c.skip();
      int oh = 0;
      int om = 0;
      if (!c.digits(2, oh)) return kNoTime;
      if (c.eat(':')) {
        if (!c.digits(2, om)) return kNoTime;
      } else if (c.is_digit()) {
        if (!c.digits(2, om)) return kNoTime;
      }
      if (oh > 23 || om > 59) return kNoTime;
      offset_min = (minus ? -1 : 1) * (oh * 60 + om);
    }
    if (!c.done()) return kNoTime;
  }
  const std::int64_t days = days_since_epoch(year, month, day);
  const std::int64_t secs = ((days * 24 + hour) * 60 + minute - offset_min) * 60 + second;
  return secs * 1000 + millis;
}

std::int64_t call_time(const CallRecord& rec) {
  if (rec.started_at != kNoTime) return rec.started_at;
  if (rec.created_at != kNoTime) return rec.created_at;
  return rec.ended_at;
}

std::string format_iso8601(std::int64_t ms) {
  if (ms == kNoTime) return {};
  std::int64_t secs = ms / 1000, rem = ms % 1000;
  if (rem < 0) rem += 1000, --secs;
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return {};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(rem));
  return buf;
}

namespace {
// Days since 1970-01-01 to a civil date (proleptic Gregorian), without the C library.
void civil_from_days(std::int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2));
}
}  // namespace

std::string_view hour_key(std::int64_t ms, char* buf) {
  std::int64_t secs = ms / 1000;
  if (ms % 1000 < 0) --secs;
  std::int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0) rem += 86400, --days;
  int y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  const int h = static_cast<int>(rem / 3600);
  if (y < 0 || y > 9999) return "(out of range)";
  auto put = [&](int pos, int v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) buf[pos + i] = static_cast<char>('0' + v % 10);
  };
  put(0, y, 4);
  buf[4] = '-';
  put(5, static_cast<int>(m), 2);
  buf[7] = '-';
  put(8, static_cast<int>(d), 2);
  buf[10] = 'T';
  put(11, h, 2);
  return {buf, 13};
}

}  // namespace vapidiag
