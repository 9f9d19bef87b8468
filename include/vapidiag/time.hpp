#pragma once
// Time helpers, in one place: times are epoch milliseconds (kNoTime when absent).

#include <cstdint>
#include <string>
#include <string_view>

#include "vapidiag/call_record.hpp"

namespace vapidiag {

// Parse an ISO 8601 timestamp ("2024-06-30T03:19:34.420Z", offsets, no fraction) into
// epoch milliseconds; kNoTime when it is not one.
std::int64_t parse_iso8601_ms(std::string_view s);
// "2024-06-30T03:19:34.420Z" from epoch ms; empty for kNoTime.
std::string format_iso8601(std::int64_t ms);
// "2024-06-30T03" (UTC) from epoch ms, written into buf (at least 13 bytes).
std::string_view hour_key(std::int64_t ms, char* buf);
// The time a call is filed under: startedAt, else createdAt, else endedAt.
std::int64_t call_time(const CallRecord& rec);

}  // namespace vapidiag
