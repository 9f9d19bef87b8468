// Fills the meaning and fix templates of a classification with the parts decoded
// from its code. Rendering allocates; classification does not.
//
// Every word about a provider comes from data/providers.tsv (name, possessive, kind,
// console, status page) and data/kind-wording.tsv (wording for own servers and for
// Vapi's hosted models); no URL is written here.

#include <string>

#include "glob.hpp"
#include "vapidiag/matcher.hpp"
#include "vapidiag/table.hpp"

namespace vapidiag {
namespace {

std::string_view component_name(std::string_view c) {
  if (c == "llm") return "language model";
  if (c == "voice") return "voice (text-to-speech)";
  if (c == "transcriber") return "transcriber (speech-to-text)";
  if (c == "video") return "video avatar";
  return c;
}

std::string_view setting_for(std::string_view c) {
  if (c == "llm") return "assistant.model";
  if (c == "voice") return "assistant.voice";
  if (c == "transcriber") return "assistant.transcriber";
  if (c == "video") return "the assistant's video settings";
  return "the assistant's provider settings";
}

ProviderKind kind_of(const Classification& c) {
  return c.provider_info ? c.provider_info->kind : ProviderKind::ThirdParty;
}

std::string provider_name(const Classification& c) {
  if (c.provider_info) return std::string(c.provider_info->name);
  if (!c.provider.empty()) return std::string(c.provider);
  return "the provider";
}

std::string provider_possessive(const Classification& c) {
  if (c.provider_info) return std::string(c.provider_info->possessive);
  if (!c.provider.empty()) return std::string(c.provider) + "'s";
  return "the provider's";
}

std::string console_of(const Classification& c) {
  if (c.provider_info && !c.provider_info->console.empty()) return std::string(c.provider_info->console);
  return "the provider's dashboard";
}

// A status page only where data/providers.tsv has one with a source; otherwise the console.
std::string status_page_of(const Classification& c) {
  if (kind_of(c) == ProviderKind::Own) return "your server's logs and monitoring";
  if (c.provider_info && !c.provider_info->status_page.empty())
    return "the " + std::string(c.provider_info->name) + " status page (" +
           std::string(c.provider_info->status_page) + ")";
  if (c.provider_info) return console_of(c);
  return "the provider's status page";
}

constexpr std::string_view kHook =
    "an assistant hook (assistant.hooks: on \"call.ending\", filter call.endedReason oneOf "
    "[\"pipeline-error\"], "
    "do: transfer to a fallback number) so callers reach a person instead of silence";

// How to keep calls alive when this provider fails as a whole (outage, quota, limits,
// keys): voice and transcriber fallback plans cross providers; model fallback does not
// and exists for a few providers only (NOTES §12).
std::string fallback_sentence(const Classification& c) {
  const std::string name = provider_name(c);
  const ProviderKind kind = kind_of(c);
  if (c.component == "voice")
    return "Set assistant.voice.fallbackPlan to a voice from another provider so calls keep talking when " +
           name + " fails.";
  if (c.component == "transcriber")
    return "Set assistant.transcriber.fallbackPlan to a transcriber from another provider so callers are "
           "still "
           "heard when " +
           name + " fails.";
  if (c.component == "llm") {
    if (kind == ProviderKind::Own)
      return "Let your server fail over to another upstream model by itself, and add " + std::string(kHook) +
             ".";
    if (c.provider_info && c.provider_info->model_fallback)
      return "Fallback models in assistant.model.fallbackModels stay on " + name +
             " and cannot get around an outage or a quota of the whole account, so also add " +
             std::string(kHook) + ".";
    return "Add " + std::string(kHook) +
           ", or move the assistant to another model or provider in assistant.model.";
  }
  if (c.component == "video") return "";
  return "Set fallback plans for the voice and the transcriber (assistant.voice.fallbackPlan, "
         "assistant.transcriber.fallbackPlan) and add " +
         std::string(kHook) + ".";
}

// How to keep calls alive when one model (or voice) of the provider is refused.
std::string fallback_model_sentence(const Classification& c) {
  if (c.component != "llm" || kind_of(c) != ProviderKind::ThirdParty) return fallback_sentence(c);
  const std::string name = provider_name(c);
  if (c.provider_info && c.provider_info->model_fallback)
    return "List another " + name + " model in assistant.model.fallbackModels" +
           (c.provider_info->slug == "anthropic-bedrock" ? std::string(" (Bedrock takes one)")
                                                         : std::string()) +
           " so the call goes on when this one is refused.";
  return "Vapi has no model fallback for " + name +
         ": choose a model the account can use, or another provider, in assistant.model.";
}

std::string retry_word(const Classification& c) {
  if (c.retry == Retry::RetryLater) return "Retry later";
  if (c.retry == Retry::Retry) return "Retry";
  return "Fix what the error names before retrying";
}

bool sentence_start(const std::string& out) {
  return out.empty() || (out.size() >= 2 && out[out.size() - 1] == ' ' &&
                         (out[out.size() - 2] == '.' || out[out.size() - 2] == '?'));
}

// Values that begin with an ordinary word ("your", "the") are capitalised at the start of
// a sentence; names keep their own spelling (xAI stays xAI).
void append_value(std::string& out, std::string value, bool brand = true) {
  // "the {Provider} plan" for a code that names no provider: "the provider plan".
  if (value.rfind("the ", 0) == 0 && out.size() >= 4 &&
      (out.compare(out.size() - 4, 4, "the ") == 0 || out.compare(out.size() - 4, 4, "The ") == 0))
    value.erase(0, 4);
  if (sentence_start(out) && value.size() > 1 && value[0] >= 'a' && value[0] <= 'z' &&
      (!brand || value.rfind("your ", 0) == 0 || value.rfind("the ", 0) == 0))
    value[0] = static_cast<char>(value[0] - 'a' + 'A');
  out += value;
}

std::string fill(std::string_view tpl, const Classification& c) {
  std::string out;
  out.reserve(tpl.size() + 64);
  for (std::size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] != '{') {
      out += tpl[i];
      continue;
    }
    const std::size_t end = tpl.find('}', i);
    if (end == std::string_view::npos) {
      out += tpl.substr(i);
      break;
    }
    const std::string_view name = tpl.substr(i + 1, end - i - 1);
    if (name == "provider") {
      out += c.provider.empty() ? std::string_view("the provider") : c.provider;
    } else if (name == "Provider") {
      append_value(out, provider_name(c), c.provider_info != nullptr);
    } else if (name == "Provider's") {
      append_value(out, provider_possessive(c), c.provider_info != nullptr);
    } else if (name == "status") {
      out += c.status.empty() ? std::string_view("status unknown") : c.status;
    } else if (name == "component") {
      out += component_name(c.component);
    } else if (name == "setting") {
      out += setting_for(c.component);
    } else if (name == "fallback") {
      out += fallback_sentence(c);
    } else if (name == "fallback_model") {
      out += fallback_model_sentence(c);
    } else if (name == "console") {
      append_value(out, console_of(c));
    } else if (name == "status_page") {
      append_value(out, status_page_of(c));
    } else if (name == "retry") {
      out += retry_word(c);
    }
    i = end;
  }
  // An empty sentence placeholder leaves a trailing space.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The kind's own wording: of its rows whose glob matches the code, the most specific
// (the same order as patterns.tsv; "*" matches every code).
const KindWording* kind_wording(const Classification& c) {
  const ProviderKind kind = kind_of(c);
  if (kind == ProviderKind::ThirdParty || !c.pattern) return nullptr;
  const KindWording* best = nullptr;
  int best_score = -1;
  for (const KindWording& w : kind_wordings()) {
    if (w.kind != kind || !glob_match(w.pattern, c.code)) continue;
    const int score = glob_specificity(w.pattern);
    if (score > best_score) best = &w, best_score = score;
  }
  return best;
}

}  // namespace

std::string render_meaning(const Classification& c) {
  if (c.row) return std::string(c.row->meaning);
  if (const KindWording* w = kind_wording(c)) return fill(w->meaning, c);
  if (c.pattern) return fill(c.pattern->meaning, c);
  return "Not a code vapidiag knows, and its parts do not say what happened.";
}

std::string render_fix(const Classification& c) {
  if (c.row) return std::string(c.row->fix);
  if (!c.pattern)
    return "Check the spelling; if the code is real, read the call's endedMessage and its log "
           "(artifact.logUrl).";
  const KindWording* w = kind_wording(c);
  const std::string fix = fill(w ? w->fix : c.pattern->fix, c);
  const ProviderKind kind = kind_of(c);
  // A fault tag in the code says whose side failed; the pattern's template is written for
  // the customer's own key, so the tag changes what to do.
  const bool tagged_vapi = c.fault == Fault::Vapi && c.pattern->fault != Fault::Vapi;
  const bool tagged_provider = c.fault == Fault::Provider && c.pattern->fault == Fault::Customer;
  if (kind == ProviderKind::Vapi) return fix;  // the kind's wording speaks for Vapi's side already
  if (kind == ProviderKind::Own) {
    if (!tagged_vapi) return fix;
    return fix + " The code carries Vapi's fault tag, so Vapi typically does not bill the call, but " +
           provider_name(c) + " is yours: Vapi holds no key of its own for it.";
  }
  if (tagged_vapi) {
    const std::string access = c.provider.empty() ? std::string("its own provider access")
                                                  : "its own " + provider_name(c) + " access";
    const std::string escalate =
        ", and send repeated cases with their call IDs (vapidiag summary --ids) to Vapi support: ";
    if (c.retry == Retry::Retry) {
      std::string out = "Retry" + escalate + "the failure was on Vapi's side while it used " + access +
                        ", and Vapi typically does not bill the call. " + fallback_sentence(c);
      while (out.back() == ' ') out.pop_back();
      return out;
    }
    return retry_word(c) + escalate + "the error came back while Vapi was using " + access +
           ", so there is nothing in your account to fix, and Vapi typically does not bill the call.";
  }
  if (tagged_provider) {
    const std::string side = provider_name(c) + " failed on its side (the code carries its fault tag).";
    if (c.retry == Retry::FixFirst) return fix + " " + side;
    std::string out =
        retry_word(c) + " and check " + status_page_of(c) + ": " + side + " " + fallback_sentence(c);
    while (out.back() == ' ') out.pop_back();
    return out;
  }
  return fix;
}

std::string render_fix_short(const Classification& c) {
  const std::string fix = render_fix(c);
  // The first sentence, and the second too when the first is a bare "Expected." or
  // "Nothing to change on your side." A sentence ends at ". " (dotted names such as
  // assistant.voice have no space after the dot).
  std::size_t cut = 0;
  for (int sentences = 0; sentences < 2; ++sentences) {
    const std::size_t end = fix.find(". ", cut);
    if (end == std::string::npos) return fix;
    cut = end + 1;
    if (cut >= 40) break;
  }
  return fix.substr(0, cut);
}

}  // namespace vapidiag
