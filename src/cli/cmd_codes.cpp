// vapidiag codes: the table, filtered, as text, JSON, CSV or TSV.

#include <algorithm>

#include "../report/json.hpp"
#include "commands.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag::cli {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::string> symptom_names() { return {kSymptomNames.begin(), kSymptomNames.end()}; }
std::vector<std::string> fault_names() { return {kFaultNames.begin(), kFaultNames.end()}; }
std::vector<std::string> component_names() { return {kComponents.begin(), kComponents.end()}; }

}  // namespace

void setup_codes(CLI::App& app, CodesOptions& o) {
  app.add_option("--symptom", o.symptom, "Only codes with this symptom")
      ->check(CLI::IsMember(symptom_names()));
  app.add_option("--fault", o.fault, "Only codes with this fault party")->check(CLI::IsMember(fault_names()));
  app.add_option("--component", o.component, "Only codes of this component")
      ->check(CLI::IsMember(component_names()));
  app.add_option("--provider", o.provider, "Only codes naming this provider slug (e.g. openai, eleven-labs)");
  app.add_option("--search", o.search, "Only codes whose code or meaning contains TEXT (any case)");
  app.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "csv", "tsv"}))
      ->capture_default_str();
  auto* current = app.add_flag("--current", o.current, "Only codes of Vapi's newest schema");
  app.add_flag("--retired", o.retired, "Only retired codes (old logs still hold them)")->excludes(current);
  app.add_flag("--patterns", o.patterns, "List the wildcard rows instead of the codes");
  app.footer(R"(Every code Vapi has published (current and retired), classified by the same
matcher as `explain`. `--format json` is a complete, stable export; CSV and TSV carry the
same fields (docs/formats.md).

Examples:
  vapidiag codes --fault vapifault
  vapidiag codes --provider openai --format csv
  vapidiag codes --search quota
  vapidiag codes --retired
  vapidiag codes --patterns)");
}

int run_codes(const CodesOptions& o, Context& ctx) {
  const std::string needle = lower(o.search);
  if (o.patterns) {
    const bool delimited = o.format == "csv" || o.format == "tsv";
    const DelimitedWriter w(o.format == "csv" ? DelimitedWriter::kCsv : DelimitedWriter::kTsv);
    Json all = Json::array();
    if (delimited) ctx.out.line(w.row(record_columns(pattern_fields())));
    for (const PatternRow& p : pattern_rows()) {
      if (!o.symptom.empty() && to_string(p.symptom) != o.symptom) continue;
      if (!o.fault.empty() && to_string(p.fault) != o.fault) continue;
      if (!o.component.empty() && p.component != o.component) continue;
      if (!needle.empty() && lower(p.pattern).find(needle) == std::string::npos &&
          lower(p.meaning).find(needle) == std::string::npos)
        continue;
      const std::string kind = p.decode ? "decode" : "pattern";
      Json j;
      {
        j["schema_version"] = kSchemaVersion;
        j["pattern"] = std::string(p.pattern);
        j["kind"] = kind;
        j["symptom"] = std::string(to_string(p.symptom));
        j["fault"] = std::string(to_string(p.fault));
        j["component"] = std::string(p.component);
        j["retry"] = std::string(to_string(p.retry));
        j["meaning"] = std::string(p.meaning);
        j["fix"] = std::string(p.fix);
        j["docs"] = std::string(p.docs);
      }
      if (o.format == "json") {
        all.push_back(std::move(j));
      } else if (delimited) {
        ctx.out.line(w.row(record_cells(j, pattern_fields())));
      } else {
        ctx.out.line(std::string(p.pattern) + "  " + std::string(ctx.style.dim()) + kind + " " +
                     std::string(to_string(p.symptom)) + " " + std::string(to_string(p.fault)) + " " +
                     std::string(p.component) + std::string(ctx.style.reset()));
      }
    }
    if (o.format == "json") ctx.out.line(dump_json(all, 2));
    return kExitOk;
  }

  if (!o.provider.empty()) {
    // A slug no provider has (nor an old spelling of one) matches nothing: say so, with the
    // nearest slugs.
    bool known = false;
    std::vector<std::pair<int, std::string_view>> near;
    for (const Provider& p : providers()) {
      if (p.slug == o.provider || p.canonical == o.provider) known = true;
      near.emplace_back(edit_distance(p.slug, o.provider), p.slug);
    }
    if (!known) {
      std::stable_sort(near.begin(), near.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      std::string did;
      for (std::size_t i = 0; i < near.size() && i < 3 && near[i].first <= 3; ++i)
        did += std::string(did.empty() ? "" : ", ") + std::string(near[i].second);
      ctx.err.line("vapidiag codes: warning: no provider is called '" + o.provider + "'" +
                   (did.empty() ? std::string("; vapidiag codes --format json | jq '.[].provider' lists them")
                                : "; did you mean " + did + "?"));
    }
  }
  std::vector<Classification> rows;
  for (const KnownCode& k : known_codes()) {
    if ((o.current && k.retired) || (o.retired && !k.retired)) continue;
    const Classification c = classify(k.code);
    if (!o.symptom.empty() && to_string(c.symptom) != o.symptom) continue;
    if (!o.fault.empty() && to_string(c.fault) != o.fault) continue;
    if (!o.component.empty() && c.component != o.component) continue;
    if (!o.provider.empty() && c.provider != o.provider &&
        !(c.provider_info && c.provider_info->canonical == o.provider))
      continue;
    if (!needle.empty() && k.code.find(needle) == std::string_view::npos &&
        lower(render_meaning(c)).find(needle) == std::string::npos)
      continue;
    rows.push_back(c);
  }
  if (o.format == "json") {
    Json all = Json::array();
    for (const Classification& c : rows) all.push_back(classification_json(c));
    ctx.out.line(dump_json(all, 2));
  } else if (o.format == "csv" || o.format == "tsv") {
    const DelimitedWriter w(o.format == "csv" ? DelimitedWriter::kCsv : DelimitedWriter::kTsv);
    ctx.out.line(w.row(record_columns(code_fields())));
    for (const Classification& c : rows) {
      ctx.out.line(w.row(record_cells(classification_json(c), code_fields())));
      if (ctx.out.closed()) break;
    }
  } else {
    // Fixed-width columns first, the code last: codes run up to 120 characters.
    for (const Classification& c : rows) {
      std::string sym(to_string(c.symptom));
      sym.resize(16, ' ');
      std::string fault(to_string(c.fault));
      fault.resize(14, ' ');
      std::string comp(c.component);
      comp.resize(14, ' ');
      std::string line = sym + std::string(ctx.style.fault(c.fault)) + fault +
                         std::string(ctx.style.reset()) + comp + std::string(c.code);
      if (c.retired) line += std::string(ctx.style.dim()) + " (retired)" + std::string(ctx.style.reset());
      ctx.out.line(line);
      if (ctx.out.closed()) break;
    }
    if (ctx.env.out_is_tty)
      ctx.out.line(std::string(ctx.style.dim()) + std::to_string(rows.size()) + " codes" +
                   std::string(ctx.style.reset()));
  }
  return kExitOk;
}

}  // namespace vapidiag::cli
