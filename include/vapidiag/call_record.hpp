#pragma once
// One call as read from a log: the fields vapidiag diagnoses with. The reader reuses
// one CallRecord for every record (clear() then fill), so strings keep their capacity
// and steady-state reading allocates nothing.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace vapidiag {

inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

// The endedReason shown for an ended call whose record gives none.
inline constexpr const char* kMissingReason = "(missing)";

// How the record arrived.
enum class RecordShape : std::uint8_t { Call, EndOfCallReport, StatusUpdate };

struct TransferInfo {
  std::string status;       // artifact.transfers[].status: connected, no-answer, busy, failed...
  std::string destination;  // number or sipUri of the transfer's destination, when given
};

struct CallRecord {
  RecordShape shape = RecordShape::Call;

  // Identity and timing. Times are epoch milliseconds (ISO 8601 strings are parsed),
  // kNoTime when absent or unparsable.
  std::string id;  // call.id; for webhooks message.call.id
  std::string type;
  std::string status;
  bool has_ended_reason = false;
  std::string ended_reason;
  // An end-of-call report (or ended status-update) that says nowhere why: an ended call
  // whose ended_reason is kMissingReason.
  bool reason_missing = false;
  // Webhook messages: message.timestamp (epoch ms; ISO 8601 in 2024), kNoTime when absent.
  std::int64_t message_time = kNoTime;
  std::string ended_message;
  std::int64_t created_at = kNoTime;
  std::int64_t started_at = kNoTime;
  std::int64_t ended_at = kNoTime;

  std::string assistant_id;
  std::string phone_number_id;
  std::string phone_call_provider;
  std::string transfer_destination;  // destination.number / destination.sipUri
  std::string customer_number;

  bool has_cost = false;
  double cost = 0.0;
  // costs[] items by type: the amounts of model, voice, transcriber costs (negative = absent).
  double cost_model = -1.0;
  double cost_voice = -1.0;
  double cost_transcriber = -1.0;
  double cost_transport = -1.0;
  double cost_vapi = -1.0;

  // Conversation evidence from messages[] or artifact.messages (whichever is larger).
  std::uint32_t user_turns = 0;
  std::uint32_t bot_turns = 0;
  std::uint32_t tool_calls = 0;
  std::string last_speaker;                   // "user", "bot", "tool" or empty
  std::int64_t last_user_turn_end = kNoTime;  // epoch ms (endTime, else time) of the last user message
  std::int64_t last_bot_turn_end = kNoTime;
  double first_bot_seconds = -1.0;  // secondsFromStart of the first bot message

  std::vector<TransferInfo> transfers;  // artifact.transfers

  // artifact.performanceMetrics: turn latency in ms (negative = absent).
  double turn_latency_avg_ms = -1.0;
  double turn_latency_max_ms = -1.0;
  std::uint32_t turn_latency_count = 0;

  std::string success_evaluation;  // analysis.successEvaluation as text ("true", "false", "8"...)

  void clear();
};

}  // namespace vapidiag
