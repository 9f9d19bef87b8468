// vapidiag codes: the table, filtered, as text, JSON, CSV or TSV.

#include <algorithm>

#include "commands.hpp"
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
  app.add_option("--symptom", o.symptom, "Only codes with this symptom")->check(CLI::IsMember(symptom_names()));
  app.add_option("--fault", o.fault, "Only codes with this fault party")->check(CLI::IsMember(fault_names()));
  app.add_option("--component", o.component, "Only codes of this component")
      ->check(CLI::IsMember(component_names()));
  app.add_option("--provider", o.provider, "Only codes naming this provider slug (e.g. openai, eleven-labs)");
  app.add_option("--search", o.search, "Only codes whose code or meaning contains TEXT (any case)");
  app.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "csv", "tsv"}))
      ->capture_default_str();
  app.add_flag("--patterns", o.patterns, "List the wildcard rows instead of the codes");
  app.footer(R"(Every code Vapi has published (current and retired), classified by the same
matcher as `explain`. `--format json` is a complete, stable export.

Examples:
  vapidiag codes --fault vapifault
  vapidiag codes --provider openai --format csv
  vapidiag codes --search quota
  vapidiag codes --patterns)");
}

int run_codes(const CodesOptions& o, Context& ctx) {
  const std::string needle = lower(o.search);
  if (o.patterns) {
    const bool csv = o.format == "csv", tsv = o.format == "tsv";
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    if (csv) ctx.out.line("pattern,kind,symptom,fault,component,retry,meaning");
    if (tsv) ctx.out.line("pattern\tkind\tsymptom\tfault\tcomponent\tretry\tmeaning");
    for (const PatternRow& p : pattern_rows()) {
      if (!o.symptom.empty() && to_string(p.symptom) != o.symptom) continue;
      if (!o.fault.empty() && to_string(p.fault) != o.fault) continue;
      if (!o.component.empty() && p.component != o.component) continue;
      if (!needle.empty() && lower(p.pattern).find(needle) == std::string::npos &&
          lower(p.meaning).find(needle) == std::string::npos)
        continue;
      const std::string kind = p.decode ? "decode" : "pattern";
      if (o.format == "json") {
        nlohmann::ordered_json j;
        j["pattern"] = std::string(p.pattern);
        j["kind"] = kind;
        j["symptom"] = std::string(to_string(p.symptom));
        j["fault"] = std::string(to_string(p.fault));
        j["component"] = std::string(p.component);
        j["retry"] = std::string(to_string(p.retry));
        j["meaning"] = std::string(p.meaning);
        j["fix"] = std::string(p.fix);
        j["docs"] = std::string(p.docs);
        all.push_back(std::move(j));
      } else if (csv || tsv) {
        auto f = csv ? csv_field : tsv_field;
        const char* sep = csv ? "," : "\t";
        ctx.out.line(f(p.pattern) + sep + kind + sep + std::string(to_string(p.symptom)) + sep +
                     std::string(to_string(p.fault)) + sep + std::string(p.component) + sep +
                     std::string(to_string(p.retry)) + sep + f(p.meaning));
      } else {
        ctx.out.line(std::string(p.pattern) + "  " + std::string(ctx.style.dim()) + kind + " " +
                     std::string(to_string(p.symptom)) + " " + std::string(to_string(p.fault)) + " " +
                     std::string(p.component) + std::string(ctx.style.reset()));
      }
    }
    if (o.format == "json") ctx.out.line(all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return kExitOk;
  }

  std::vector<Classification> rows;
  for (const KnownCode& k : known_codes()) {
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
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const Classification& c : rows) all.push_back(classification_json(c));
    ctx.out.line(all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  } else if (o.format == "csv" || o.format == "tsv") {
    const bool csv = o.format == "csv";
    auto f = csv ? csv_field : tsv_field;
    const std::string sep = csv ? "," : "\t";
    ctx.out.line("code" + sep + "symptom" + sep + "fault" + sep + "component" + sep + "provider" + sep + "status" +
                 sep + "retry" + sep + "charged" + sep + "retired" + sep + "successor" + sep + "matched_by" + sep +
                 "rule" + sep + "meaning" + sep + "fix");
    for (const Classification& c : rows) {
      ctx.out.line(f(c.code) + sep + std::string(to_string(c.symptom)) + sep + std::string(to_string(c.fault)) +
                   sep + std::string(c.component) + sep + f(c.provider) + sep + std::string(c.status) + sep +
                   std::string(to_string(c.retry)) + sep + (c.charged ? "yes" : "no") + sep +
                   (c.retired ? "yes" : "no") + sep + f(c.successor) + sep + std::string(to_string(c.matched_by)) +
                   sep + f(c.rule) + sep + f(render_meaning(c)) + sep + f(render_fix(c)));
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
      std::string line = sym + std::string(ctx.style.fault(c.fault)) + fault + std::string(ctx.style.reset()) + comp +
                         std::string(c.code);
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
