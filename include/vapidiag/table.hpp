#pragma once
// The compiled-in code table. Its source of truth is data/*.tsv; the generator in
// src/gen turns it into a header at build time and rejects a bad row with file:line.

#include <cstdint>
#include <span>
#include <string_view>

#include "vapidiag/classification.hpp"

namespace vapidiag {

// A code with its own explanation (data/codes.tsv).
struct CodeRow {
  std::string_view code;
  Symptom symptom;
  Fault fault;
  std::string_view component;
  Retry retry;
  bool charged;
  std::string_view docs;  // full URL
  std::string_view meaning;
  std::string_view fix;
};

// A wildcard row (data/patterns.tsv). `*` matches any run of characters, `?` one
// character. Meaning and fix are templates (see data/README.md). Decode rows are
// the generic fallbacks used for codes that no specific row names.
struct PatternRow {
  std::string_view pattern;
  bool decode;  // a generic fallback: matched_by is "decoded"
  Symptom symptom;
  Fault fault;                 // the fault for the pipeline-error form; fault tags in the code win
  std::string_view component;  // "*" = infer from the code and the provider
  Retry retry;
  std::string_view docs;
  std::string_view meaning;
  std::string_view fix;
  int line;  // the row's line in data/patterns.tsv, for messages
};

// Who runs a provider: a third party, the customer's own server (custom-llm, custom) or
// Vapi itself (its hosted models). Templates choose their wording by it.
enum class ProviderKind : std::uint8_t { ThirdParty, Own, Vapi };

// A provider slug (data/providers.tsv).
struct Provider {
  std::string_view slug;
  std::string_view name;        // display name, as written mid-sentence (xAI, your custom LLM server)
  std::string_view possessive;  // OpenAI's, ElevenLabs', your server's
  ProviderKind kind;
  std::string_view components;   // comma-separated; the first is the default for status-only codes
  bool model_fallback;           // assistant.model.fallbackModels is supported for it
  std::string_view console;      // where the customer manages keys, plan and quota
  std::string_view status_page;  // a URL with a named source, else empty (name the console instead)
  std::string_view canonical;    // current slug for an old spelling (11labs -> eleven-labs), else empty
};

// Wording of a pattern row for providers of another kind (data/kind-wording.tsv). Pattern
// "*" is the kind's wording for every row that has none of its own.
struct KindWording {
  std::string_view pattern;
  ProviderKind kind;
  std::string_view meaning;
  std::string_view fix;
};

// Every code Vapi has published (data/official-codes.txt, data/retired-codes.tsv).
struct KnownCode {
  std::string_view code;
  bool retired;
  std::string_view successor;  // retired codes only; empty when removed without successor
  std::string_view first_seen;
  std::string_view last_seen;
  // The first of pattern_rows() whose pattern matches the code (their count when none):
  // worked out when the table is generated, so that the matcher skips the rows before it.
  std::uint16_t first_pattern = 0;
};

// A code people type that Vapi never sent, with what they most likely meant.
struct Hint {
  std::string_view code;
  std::string_view suggestions;  // comma-separated codes
};

// An evidence-based finding (data/findings.tsv).
struct FindingDef {
  std::string_view id;
  std::string_view severity;  // info, warning, error
  std::string_view applies;   // comma-separated code globs the finding can refine
  Symptom evidence_symptom;   // Unknown when the finding does not change the symptom
  std::string_view title;
  std::string_view explanation;
};

// A tunable threshold of the findings (data/thresholds.tsv); also a command-line flag.
struct Threshold {
  std::string_view name;
  double value;
  std::string_view unit;
  std::string_view description;
};

std::span<const CodeRow> code_rows();          // sorted by code
std::span<const PatternRow> pattern_rows();    // in match order: specific rows first
std::span<const Provider> providers();         // sorted by slug
std::span<const KindWording> kind_wordings();  // in file order
std::span<const KnownCode> known_codes();      // sorted by code
std::span<const Hint> hints();                 // sorted by code
std::span<const FindingDef> finding_defs();    // in file order
std::span<const Threshold> thresholds();       // in file order
const FindingDef* find_finding(std::string_view id);
// True when some glob of the comma-separated list matches code.
bool applies_to(std::string_view globs, std::string_view code);

const CodeRow* find_code_row(std::string_view code);
const KnownCode* find_known(std::string_view code);
const Provider* find_provider(std::string_view slug);

}  // namespace vapidiag
