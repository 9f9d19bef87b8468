#pragma once
// An append-only NDJSON log whose lines are durable before anyone is told they are
// stored: each line goes to the file with one write() (so concurrent writers never
// interleave), and one syncing thread covers every line written so far with one
// fdatasync(), so concurrent writers share the cost of a sync (group commit).

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace vapidiag {

class DurableLog {
 public:
  DurableLog() = default;
  ~DurableLog();
  DurableLog(const DurableLog&) = delete;
  DurableLog& operator=(const DurableLog&) = delete;

  // Opens (creates, mode 0644) path for appending and starts the syncing thread.
  bool open(const std::string& path, std::string* err);
  // Appends one line (which must end with '\n') with one write(). On success runs
  // on_written under the log's lock, so callbacks see lines in file order, and returns a
  // ticket for wait_durable; 0 on failure (nothing of the line is left in the file).
  std::uint64_t append(std::string_view line, const std::function<void()>& on_written, std::string* err);
  // Blocks until every line up to the ticket is on disk. False when a sync failed.
  bool wait_durable(std::uint64_t ticket);
  // Log rotation: syncs the current file, then opens path anew (a fresh file when the
  // old one was renamed). The old file stays as it was if path cannot be opened.
  bool reopen(std::string* err);
  // Syncs and closes; stops the syncing thread.
  void close();

  std::uint64_t syncs() const;  // fdatasync calls made

 private:
  void sync_loop();

  std::string path_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::mutex sync_mu_;  // held around each sync and each reopen: one file is synced at a time
  int fd_ = -1;
  std::uint64_t written_ = 0;      // tickets handed out
  std::uint64_t synced_ = 0;       // every line up to here is durable
  std::uint64_t failed_upto_ = 0;  // lines up to here were in a file whose sync failed
  std::uint64_t syncs_ = 0;
  bool stop_ = false;
  bool stopped_ = false;  // the syncing thread has synced everything and ended
  std::thread syncer_;
};

}  // namespace vapidiag
