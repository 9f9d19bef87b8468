#pragma once
// The value types of a classification: what the caller experienced, who owns the
// fix, how the code was matched. Everything here is trivially copyable and points
// into the compiled-in table or into the caller's code string.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vapidiag {

// The six sections of Vapi's troubleshooting guide, in its order, plus unknown.
enum class Symptom : std::uint8_t {
  NeverRang,
  NoAnswer,
  Dropped,
  Silent,
  TransferFailed,
  EndedNormally,
  Unknown
};
enum class Fault : std::uint8_t { Vapi, Provider, Customer, Normal, Unknown };
enum class Retry : std::uint8_t { Retry, RetryLater, FixFirst, None };
enum class MatchKind : std::uint8_t { Exact, Alias, Pattern, Decoded, Unknown };

inline constexpr std::array<std::string_view, 7> kSymptomNames = {
    "never-rang", "no-answer", "dropped", "silent", "transfer-failed", "ended-normally", "unknown"};
inline constexpr std::array<std::string_view, 5> kFaultNames = {"vapifault", "providerfault", "customer",
                                                                "normal", "unknown"};
inline constexpr std::array<std::string_view, 4> kRetryNames = {"retry", "retry-later", "fix-first", "none"};
inline constexpr std::array<std::string_view, 5> kMatchKindNames = {"exact", "alias", "pattern", "decoded",
                                                                    "unknown"};
// Components a classification may name. The table generator rejects any other word.
inline constexpr std::array<std::string_view, 15> kComponents = {
    "billing", "configuration", "server-url", "platform", "telephony", "sip",  "web-client", "llm",
    "voice",   "transcriber",   "video",      "transfer", "call-flow", "hook", "unknown"};

constexpr std::string_view to_string(Symptom s) { return kSymptomNames[static_cast<std::size_t>(s)]; }
constexpr std::string_view to_string(Fault f) { return kFaultNames[static_cast<std::size_t>(f)]; }
constexpr std::string_view to_string(Retry r) { return kRetryNames[static_cast<std::size_t>(r)]; }
constexpr std::string_view to_string(MatchKind m) { return kMatchKindNames[static_cast<std::size_t>(m)]; }

// Parse the names above; nullopt for anything else. Exact, lower-case words.
std::optional<Symptom> parse_symptom(std::string_view s);
std::optional<Fault> parse_fault(std::string_view s);

struct CodeRow;
struct PatternRow;
struct Provider;

// The result of classifying one endedReason. Views point into the code string the
// caller passed (code, provider slug, status) or into the static table.
struct Classification {
  std::string_view code;  // the normalised code that was classified
  MatchKind matched_by = MatchKind::Unknown;
  std::string_view rule;  // exact: the code; alias: the successor; pattern/decoded: the pattern
  Symptom symptom = Symptom::Unknown;
  Fault fault = Fault::Unknown;
  std::string_view component = "unknown";
  std::string_view provider;  // slug as spelled in the code; empty when none
  std::string_view status;    // HTTP or SIP status named in the code; empty when none
  Retry retry = Retry::None;
  bool charged = true;  // whether Vapi typically bills the call
  bool known = false;   // in Vapi's published list, current or retired
  bool retired = false;
  std::string_view successor;  // retired codes with a direct successor
  // A retired code whose fault tag names the other party than its successor's (Vapi moved
  // it from vapifault to providerfault): the fault is the successor's, not the tag's.
  bool fault_from_successor = false;
  std::string_view docs;                // full docs.vapi.ai URL
  const CodeRow* row = nullptr;         // exact/alias matches
  const PatternRow* pattern = nullptr;  // pattern/decoded matches
  const Provider* provider_info = nullptr;

  bool classified() const { return matched_by != MatchKind::Unknown; }
};

}  // namespace vapidiag
