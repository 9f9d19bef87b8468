#include "vapidiag/call_record.hpp"

#include "vapidiag/reader.hpp"

namespace vapidiag {

void CallRecord::clear() {
  // clear() rather than fresh strings: the reader reuses one record, and kept capacity
  // means steady-state reading allocates nothing.
  shape = RecordShape::Call;
  id.clear();
  type.clear();
  status.clear();
  has_ended_reason = false;
  ended_reason.clear();
  reason_missing = false;
  message_time = kNoTime;
  ended_message.clear();
  created_at = kNoTime;
  started_at = kNoTime;
  ended_at = kNoTime;
  assistant_id.clear();
  phone_number_id.clear();
  phone_call_provider.clear();
  transfer_destination.clear();
  customer_number.clear();
  has_cost = false;
  cost = 0.0;
  cost_model = -1.0;
  cost_voice = -1.0;
  cost_transcriber = -1.0;
  cost_transport = -1.0;
  cost_vapi = -1.0;
  user_turns = 0;
  bot_turns = 0;
  tool_calls = 0;
  last_speaker.clear();
  last_user_turn_end = kNoTime;
  last_bot_turn_end = kNoTime;
  first_bot_seconds = -1.0;
  transfers.clear();
  turn_latency_avg_ms = -1.0;
  turn_latency_max_ms = -1.0;
  turn_latency_count = 0;
  success_evaluation.clear();
}

void ReadStats::add(const ReadStats& o) {
  records += o.records;
  calls += o.calls;
  not_ended += o.not_ended;
  skipped += o.skipped;
  unreadable += o.unreadable;
  bytes += o.bytes;
  file_errors += o.file_errors;
  text_lines += o.text_lines;
}

}  // namespace vapidiag
