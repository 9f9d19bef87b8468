#include "output.hpp"

#include <cerrno>
#include <cstring>

namespace vapidiag::cli {

void Output::check() {
  if (err_ || closed_) return;
  if (std::ferror(f_)) {
    if (errno == EPIPE)
      closed_ = true;
    else
      err_ = errno ? errno : EIO;
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
      if (errno == EPIPE)
        closed_ = true;
      else
        err_ = errno ? errno : EIO;
    }
  }
  return !err_;
}

std::string Output::error() const { return err_ ? std::strerror(err_) : ""; }

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

}  // namespace vapidiag::cli
