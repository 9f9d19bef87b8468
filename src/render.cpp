// Fills the meaning and fix templates of a classification with the parts decoded
// from its code. Rendering allocates; classification does not.

#include <string>

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

std::string_view fallback_for(std::string_view c) {
  if (c == "llm") return "assistant.model.fallbackModels (supported for OpenAI and Anthropic Bedrock models)";
  if (c == "voice") return "assistant.voice.fallbackPlan";
  if (c == "transcriber") return "assistant.transcriber.fallbackPlan";
  return "the assistant's fallback settings";
}

std::string lower_first(std::string s) {
  if (s.size() > 1 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z')) s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

std::string provider_name(const Classification& c) {
  if (c.provider_info) return std::string(c.provider_info->name);
  if (!c.provider.empty()) return std::string(c.provider);
  return "the provider";
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
      out += provider_name(c);
    } else if (name == "status") {
      out += c.status.empty() ? std::string_view("status unknown") : c.status;
    } else if (name == "component") {
      out += component_name(c.component);
    } else if (name == "setting") {
      out += setting_for(c.component);
    } else if (name == "fallback") {
      out += fallback_for(c.component);
    } else if (name == "console") {
      out += (c.provider_info && !c.provider_info->console.empty()) ? c.provider_info->console
                                                                      : std::string_view("the provider's dashboard");
    } else if (name == "status_page") {
      out += (c.provider_info && !c.provider_info->status_page.empty())
                 ? c.provider_info->status_page
                 : std::string_view("the provider's status page");
    }
    i = end;
  }
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

}  // namespace

std::string render_meaning(const Classification& c) {
  if (c.row) return std::string(c.row->meaning);
  if (c.pattern) return fill(c.pattern->meaning, c);
  return "Not a code vapidiag knows, and its parts do not say what happened.";
}

std::string render_fix(const Classification& c) {
  if (c.row) return std::string(c.row->fix);
  if (!c.pattern) return "Check the spelling; if the code is real, read the call's endedMessage and its log (artifact.logUrl).";
  std::string fix = fill(c.pattern->fix, c);
  // A fault tag in the code says whose side failed; the template is written for the
  // customer's own key, so say first what the tag changes.
  const bool tagged_vapi = c.fault == Fault::Vapi && c.pattern->fault != Fault::Vapi;
  const bool tagged_provider = c.fault == Fault::Provider && c.pattern->fault == Fault::Customer;
  if (tagged_vapi && !c.provider.empty()) {
    const std::string name = provider_name(c);
    return "Vapi's side: the error came back while Vapi was using its own " + name +
           " access, so nothing in your account caused it and Vapi typically does not bill the call. Retry, and "
           "send repeated cases with their call IDs (vapidiag summary --ids) to Vapi support. If the assistant uses "
           "your own " + name + " key after all: " + lower_first(fix);
  }
  if (tagged_vapi) {
    return "Vapi's side: Vapi typically does not bill the call. Retry, and send repeated cases with their call IDs "
           "(vapidiag summary --ids) to Vapi support. " + fix;
  }
  if (tagged_provider) return provider_name(c) + " failed on its side. " + fix;
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
