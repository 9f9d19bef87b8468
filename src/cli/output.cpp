#include "output.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
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

void exec_companion(const std::string& name, const std::vector<std::string>& args) {
  std::vector<std::string> words;
  words.reserve(args.size() + 1);
  words.push_back(name);
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    std::string beside(self, static_cast<std::size_t>(n));
    beside = beside.substr(0, beside.rfind('/') + 1) + name;
    ::execv(beside.c_str(), argv.data());
  }
  ::execvp(name.c_str(), argv.data());
}

bool write_file_whole(const std::string& path, std::string_view data, std::string* err) {
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) {
    *err = std::strerror(errno);
    return false;
  }
  std::size_t done = 0;
  int e = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      e = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  // The file gets the mode a plain create would give it (mkstemp makes it 0600).
  const mode_t mask = umask(0);
  umask(mask);
  if (!e && fchmod(fd, 0666 & ~mask) != 0) e = errno;
  if (::close(fd) != 0 && !e) e = errno;
  if (!e && std::rename(tmp.c_str(), path.c_str()) != 0) e = errno;
  if (e) {
    std::remove(tmp.c_str());
    *err = std::strerror(e);
    return false;
  }
  return true;
}

}  // namespace vapidiag::cli
