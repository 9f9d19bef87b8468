#include "vapidiag/durable_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "vapidiag/live.hpp"

namespace vapidiag {

namespace {
std::string sys_error(const std::string& what) { return what + ": " + std::strerror(errno); }
}  // namespace

DurableLog::~DurableLog() { close(); }

bool DurableLog::open(const std::string& path, std::string* err) {
  const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = sys_error(path);
    return false;
  }
  // A crash can leave a torn last line (a write() cut short by SIGKILL or a power loss).
  // It was never acknowledged, since an answer waits for the whole line to be synced:
  // take it back, so that the log reads clean and the next line starts on its own.
  struct stat st {};
  if (fstat(fd, &st) == 0 && st.st_size > 0) {
    off_t end = st.st_size;
    char buf[4096];
    bool found = false;
    while (end > 0 && !found) {
      const off_t from = end > static_cast<off_t>(sizeof buf) ? end - static_cast<off_t>(sizeof buf) : 0;
      const ssize_t n = pread(fd, buf, static_cast<std::size_t>(end - from), from);
      if (n != end - from) break;
      for (ssize_t i = n; i > 0 && !found; --i) {
        if (buf[i - 1] == '\n') {
          found = true;
          end = from + i;
        }
      }
      if (!found) end = from;
    }
    if (end != st.st_size) {
      // A last line that is whole JSON (a file written by something else without a final
      // newline) is kept and ended instead.
      constexpr off_t kMaxTail = 64 << 20;  // past that, keep it rather than cut much
      std::string tail(static_cast<std::size_t>(std::min(st.st_size - end, kMaxTail)), '\0');
      const bool whole = st.st_size - end > kMaxTail ||
                         (pread(fd, tail.data(), tail.size(), end) == static_cast<ssize_t>(tail.size()) &&
                          probe_server_message(tail).kind != MessageKind::NotJson);
      const bool ok = whole ? ::write(fd, "\n", 1) == 1 : ftruncate(fd, end) == 0;
      if (!ok) {
        *err = sys_error(path);
        ::close(fd);
        return false;
      }
    }
  }
  path_ = path;
  {
    std::lock_guard lock(mu_);
    fd_ = fd;
    stop_ = false;
    stopped_ = false;
  }
  syncer_ = std::thread([this] { sync_loop(); });
  return true;
}

std::uint64_t DurableLog::append(std::string_view line, const std::function<void()>& on_written,
                                 std::string* err) {
  std::lock_guard lock(mu_);
  if (fd_ < 0) {
    *err = "the log is closed";
    return 0;
  }
  const off_t before = lseek(fd_, 0, SEEK_END);
  const ssize_t n = ::write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    *err = n < 0 ? sys_error(path_) : path_ + ": short write (disk full?)";
    // Take back a partial line so that the next one starts on a line of its own.
    if (n > 0 && before >= 0 && ftruncate(fd_, before) != 0) {
      *err += "; and the partial line could not be removed";
    }
    return 0;
  }
  const std::uint64_t ticket = ++written_;
  if (on_written) on_written();
  work_cv_.notify_one();
  return ticket;
}

bool DurableLog::wait_durable(std::uint64_t ticket) {
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] { return synced_ >= ticket || stopped_; });
  return synced_ >= ticket && ticket > failed_upto_;
}

void DurableLog::sync_loop() {
  for (;;) {
    std::unique_lock slock(sync_mu_, std::defer_lock);
    std::uint64_t target = 0;
    int fd = -1;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return written_ > synced_ || stop_; });
      if (written_ == synced_ && stop_) {
        stopped_ = true;
        done_cv_.notify_all();
        return;
      }
      lock.unlock();
      slock.lock();  // a reopen may be syncing the previous file
      lock.lock();
      target = written_;
      fd = fd_;
    }
    const bool ok = fd >= 0 && fdatasync(fd) == 0;
    {
      std::lock_guard lock(mu_);
      ++syncs_;
      if (!ok) failed_upto_ = std::max(failed_upto_, target);
      synced_ = std::max(synced_, target);
    }
    done_cv_.notify_all();
  }
}

bool DurableLog::reopen(std::string* err) {
  std::lock_guard slock(sync_mu_);
  const int fresh = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fresh < 0) {
    *err = sys_error(path_);
    return false;
  }
  int old = -1;
  std::uint64_t upto = 0;
  {
    std::lock_guard lock(mu_);
    old = fd_;
    fd_ = fresh;
    upto = written_;
  }
  const bool ok = old < 0 || fdatasync(old) == 0;
  if (old >= 0) ::close(old);
  {
    std::lock_guard lock(mu_);
    ++syncs_;
    if (!ok) failed_upto_ = std::max(failed_upto_, upto);
    synced_ = std::max(synced_, upto);
  }
  done_cv_.notify_all();
  if (!ok) *err = sys_error(path_ + " (the previous file)");
  return ok;
}

void DurableLog::close() {
  {
    std::lock_guard lock(mu_);
    if (fd_ < 0 && !syncer_.joinable()) return;
    stop_ = true;
  }
  work_cv_.notify_all();
  if (syncer_.joinable()) syncer_.join();  // it syncs what is written before it stops
  std::lock_guard lock(mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  done_cv_.notify_all();
}

std::uint64_t DurableLog::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

}  // namespace vapidiag
