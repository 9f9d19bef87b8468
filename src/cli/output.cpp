#include "output.hpp"

#include <cerrno>
#include <cstring>

namespace vapidiag::cli {

void Output::check() {
  if (err_ || closed_) return;
  if (std::ferror(f_)) {
    if (errno == EPIPE) closed_ = true;
    else err_ = errno ? errno : EIO;
  }
}

void Output::write(std::string_view s) {
  if (closed_ || err_ || s.empty()) return;
  if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) check();
}

bool Output::finish() {
  if (!closed_ && !err_) {
    errno = 0;
    if (std::fflush(f_) != 0) {
      if (errno == EPIPE) closed_ = true;
      else err_ = errno ? errno : EIO;
    }
  }
  return !err_;
}

std::string Output::error() const { return err_ ? std::strerror(err_) : ""; }

std::string_view Style::fault(Fault f) const {
  switch (f) {
    case Fault::Vapi: return magenta();
    case Fault::Provider: return yellow();
    case Fault::Customer: return red();
    case Fault::Normal: return green();
    default: return dim();
  }
}

std::string_view symptom_phrase(Symptom s) {
  switch (s) {
    case Symptom::NeverRang: return "the phone never rang";
    case Symptom::NoAnswer: return "it rang, nobody answered";
    case Symptom::Dropped: return "the call dropped mid-conversation";
    case Symptom::Silent: return "the assistant went silent";
    case Symptom::TransferFailed: return "the transfer failed";
    case Symptom::EndedNormally: return "the call ended normally";
    default: return "not known";
  }
}

std::string_view fault_phrase(Fault f) {
  switch (f) {
    case Fault::Vapi: return "Vapi's side";
    case Fault::Provider: return "a third party (model, voice, transcriber or carrier)";
    case Fault::Customer: return "your side (billing, configuration, keys, server)";
    case Fault::Normal: return "no failure, the call ended as intended";
    default: return "not known";
  }
}

std::string_view retry_phrase(Retry r) {
  switch (r) {
    case Retry::Retry: return "transient, retry now";
    case Retry::RetryLater: return "retry later, with back-off";
    case Retry::FixFirst: return "a retry fails the same way until this is fixed";
    default: return "nothing to retry";
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

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string tsv_field(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return out;
}

}  // namespace vapidiag::cli
