// Small text helpers of every renderer: styling, wrapping, numbers, CSV/TSV.

#include "vapidiag/text.hpp"

#include <cstdio>

namespace vapidiag {

std::string_view Style::fault(Fault f) const {
  switch (f) {
    case Fault::Vapi:
      return magenta();
    case Fault::Provider:
      return yellow();
    case Fault::Customer:
      return red();
    case Fault::Normal:
      return green();
    default:
      return dim();
  }
}

std::string wrap(std::string_view text, std::size_t first_width, std::size_t width, std::size_t indent) {
  std::string out;
  std::size_t col = 0, limit = first_width;
  std::size_t pos = 0;
  bool first_word = true;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(pos, end - pos);
    if (word.empty()) break;
    if (!first_word && col + 1 + word.size() > limit) {
      out += '\n';
      out.append(indent, ' ');
      col = 0;
      limit = width - indent;
    } else if (!first_word) {
      out += ' ';
      ++col;
    }
    out += word;
    col += word.size();
    first_word = false;
    pos = end;
  }
  return out;
}

std::string with_commas(std::uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "0.0%";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

std::string DelimitedWriter::field(std::string_view s) const {
  if (kind_ == kTsv) {
    std::string out(s);
    for (char& c : out)
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    return out;
  }
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string DelimitedWriter::row(const std::vector<std::string>& fields) const {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line += separator();
    line += field(fields[i]);
  }
  return line;
}

std::string DelimitedWriter::row(std::initializer_list<std::string_view> fields) const {
  std::string line;
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) line += separator();
    line += field(f);
    first = false;
  }
  return line;
}

std::string_view symptom_phrase(Symptom s) {
  switch (s) {
    case Symptom::NeverRang:
      return "the phone never rang";
    case Symptom::NoAnswer:
      return "it rang, nobody answered";
    case Symptom::Dropped:
      return "the call dropped mid-conversation";
    case Symptom::Silent:
      return "the assistant went silent";
    case Symptom::TransferFailed:
      return "the transfer failed";
    case Symptom::EndedNormally:
      return "the call ended normally";
    default:
      return "not known";
  }
}

std::string_view fault_phrase(Fault f) {
  switch (f) {
    case Fault::Vapi:
      return "Vapi's side";
    case Fault::Provider:
      return "a third party (model, voice, transcriber or carrier)";
    case Fault::Customer:
      return "your side (billing, configuration, keys, server)";
    case Fault::Normal:
      return "no failure, the call ended as intended";
    default:
      return "not known";
  }
}

std::string_view retry_phrase(Retry r) {
  switch (r) {
    case Retry::Retry:
      return "transient, retry now";
    case Retry::RetryLater:
      return "retry later, with back-off";
    case Retry::FixFirst:
      return "a retry fails the same way until this is fixed";
    default:
      return "nothing to retry";
  }
}

}  // namespace vapidiag
