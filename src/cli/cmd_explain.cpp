// vapidiag explain CODE...: what a code means, whose fault it is and what to do.

#include <array>
#include <cstdio>

#include "../report/json.hpp"
#include "commands.hpp"
#include "vapidiag/findings.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag::cli {
namespace {

constexpr std::size_t kWidth = 80;
constexpr std::size_t kLabel = 13;

void field(Context& ctx, std::string_view label, std::string_view value, std::string_view color = {}) {
  std::string line = "  ";
  line += ctx.style.bold();
  line += label;
  line += ctx.style.reset();
  line.append(kLabel - 2 - label.size(), ' ');
  line += color;
  line += wrap(value, kWidth - kLabel, kWidth, kLabel);
  if (!color.empty()) line += ctx.style.reset();
  ctx.out.line(line);
}

void explain_text(const Classification& c, std::string_view as_given, Context& ctx) {
  const Style& st = ctx.style;
  std::string head = std::string(st.bold()) + std::string(as_given) + std::string(st.reset());
  if (as_given != c.code)
    head += std::string(st.dim()) + " (read as " + std::string(c.code) + ")" + std::string(st.reset());
  if (!c.classified()) {
    ctx.out.line(head + "  " + std::string(st.red()) + "unknown code" + std::string(st.reset()));
    const auto sugg = suggest(c.code);
    if (!sugg[0].empty()) {
      ctx.out.line("  Did you mean:");
      for (std::string_view s : sugg)
        if (!s.empty())
          ctx.out.line("    " + std::string(st.cyan()) + std::string(s) + std::string(st.reset()));
    } else {
      ctx.out.line("  No published code is close to it. `vapidiag codes --search WORD` lists codes by word.");
    }
    return;
  }
  std::string tag;
  if (c.retired)
    tag = "  retired";
  else if (!c.known)
    tag = "  not in Vapi's published list";
  ctx.out.line(tag.empty() ? head : head + std::string(st.dim()) + tag + std::string(st.reset()));
  field(ctx, "symptom",
        std::string(symptom_phrase(c.symptom)) + " (" + std::string(to_string(c.symptom)) + ")");
  field(ctx, "fault", std::string(to_string(c.fault)) + ": " + std::string(fault_phrase(c.fault)),
        st.fault(c.fault));
  std::string comp(c.component);
  if (!c.provider.empty() || !c.status.empty()) {
    comp += " (";
    if (c.provider_info)
      comp += std::string(c.provider_info->name) + ", ";
    else if (!c.provider.empty())
      comp += std::string(c.provider) + ", ";
    if (!c.status.empty()) comp += (c.component == "sip" ? "SIP " : "HTTP ") + std::string(c.status) + ", ";
    comp.resize(comp.size() - 2);
    comp += ")";
  }
  field(ctx, "component", comp);
  field(ctx, "meaning", render_meaning(c));
  field(ctx, "fix", render_fix(c));
  field(ctx, "retry", std::string(to_string(c.retry)) + ": " + std::string(retry_phrase(c.retry)));
  field(ctx, "charged",
        c.charged ? "yes, Vapi typically bills such calls"
                  : "no, Vapi typically does not bill such calls (ask for a credit if it did)");
  if (c.retired)
    field(ctx, "retired",
          c.successor.empty()
              ? "Vapi no longer sends this code; it has no direct successor"
              : "Vapi now sends " + std::string(c.successor) + " instead" +
                    (c.fault_from_successor ? ", under the other fault tag: the fault shown is the "
                                              "successor's, not the tag in this code"
                                            : ""));
  std::string how(to_string(c.matched_by));
  if (c.matched_by == MatchKind::Pattern || c.matched_by == MatchKind::Decoded)
    how += " " + std::string(c.rule);
  if (c.matched_by == MatchKind::Alias) how += " of " + std::string(c.rule);
  std::string refined;
  for (std::string_view id : evidence_findings(c)) {
    const FindingDef* f = find_finding(id);
    refined += (refined.empty() ? "" : "; ") + std::string(f ? f->title : id) + " (" + std::string(id) + ")";
  }
  if (!refined.empty()) field(ctx, "evidence", "call logs can refine this diagnosis: " + refined);
  field(ctx, "matched", how, st.dim());
  // A family rule also catches typos of published codes (customer-busyy): name the closest.
  if (c.matched_by == MatchKind::Decoded && !c.known) {
    const auto close = suggest(c.code);
    if (!close[0].empty()) field(ctx, "closest", std::string(close[0]) + " (a published code)", st.cyan());
  }
  field(ctx, "docs", c.docs, st.blue());
}

}  // namespace

void setup_explain(CLI::App& app, ExplainOptions& o) {
  app.add_option("codes", o.codes, "endedReason codes to explain; - reads one code per line from stdin");
  app.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "ndjson"}))
      ->capture_default_str();
  app.footer(R"(Examples:
  vapidiag explain pipeline-error-openai-429-exceeded-quota
  vapidiag explain customer-busy silence-timed-out --format json
  jq -r '.[].endedReason' calls.json | sort -u | vapidiag explain -

--format json prints an array (one object per code, even for one code), --format ndjson
one object per line; the fields are documented in docs/formats.md.

Exit status: 0 every code classified (exact, alias, pattern or decoded); 1 found: some
code unknown; 2 usage; 4 output not written. One table for every command: docs/formats.md.)");
}

int run_explain(const ExplainOptions& o, Context& ctx) {
  if (o.codes.empty()) {
    ctx.err.line("vapidiag explain: name at least one code, or - to read codes from stdin");
    ctx.err.line("Run 'vapidiag explain --help' for usage.");
    return kExitUsage;
  }
  std::vector<std::string> codes;
  for (const std::string& arg : o.codes) {
    if (arg != "-") {
      codes.push_back(arg);
      continue;
    }
    char* line = nullptr;
    std::size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, ctx.env.in)) > 0) {
      std::string_view s(line, static_cast<std::size_t>(n));
      while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
      if (s.find_first_not_of(" \t") != std::string_view::npos) codes.emplace_back(s);
    }
    std::free(line);
  }
  bool any_unknown = false;
  Json all = Json::array();
  std::array<char, 512> buf{};
  bool first = true;
  for (const std::string& raw : codes) {
    const std::string_view code = normalize_code(raw, buf.data(), buf.size());
    const Classification c = classify(code);
    any_unknown = any_unknown || !c.classified();
    if (o.format == "json") {
      all.push_back(classification_json(c));
    } else if (o.format == "ndjson") {
      ctx.out.line(dump_json(classification_json(c)));
    } else {
      if (!first) ctx.out.write("\n");
      // The code as given, trimmed of the quotes and commas of a paste.
      std::string_view given = raw;
      while (!given.empty() && std::string_view(" \t\r\n,\"'`").find(given.back()) != std::string_view::npos)
        given.remove_suffix(1);
      while (!given.empty() && std::string_view(" \t\"'`").find(given.front()) != std::string_view::npos)
        given.remove_prefix(1);
      explain_text(c, given, ctx);
    }
    first = false;
    if (ctx.out.closed()) break;
  }
  if (o.format == "json") ctx.out.line(dump_json(all, 2));
  return any_unknown ? kExitFound : kExitOk;
}

}  // namespace vapidiag::cli
