#include "alerter.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace vapidiag::serve {

namespace {
std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Alerter::Alerter(std::vector<AlertRule> rules, const Thresholds& t, AlerterOptions o, std::FILE* out,
                 LiveTally* tally)
    : engine_(std::move(rules), t), o_(std::move(o)), out_(out), tally_(tally) {
  ticker_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::seconds(1));
      if (stop_) break;
      lock.unlock();
      emit(engine_.evaluate(now_ms()));
      lock.lock();
    }
  });
}

Alerter::~Alerter() { stop(); }

void Alerter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_ && !ticker_.joinable()) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  // Hooks run on detached threads; each ends within its timeout.
  while (running_.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

void Alerter::add_call(const CallRecord& rec, const CallDiagnosis& d) {
  const std::int64_t now = now_ms();
  engine_.add_call(rec, d, now);
  emit(engine_.evaluate(now, false));
}

void Alerter::evaluate_now() { emit(engine_.evaluate(now_ms())); }

void Alerter::emit(const std::vector<AlertEvent>& events) {
  for (const AlertEvent& ev : events) {
    ++events_;
    if (tally_) tally_->add_alert_event(ev.rule, ev.firing);
    const std::string json = ev.to_json();
    const std::string line = o_.json ? json : "vapidiag-serve: " + ev.to_text();
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
    if (!o_.command.empty()) run_hook(json);
  }
}

void Alerter::run_hook(std::string json) {
  if (running_.load() >= o_.max_running) {
    ++skipped_;
    if (tally_) tally_->add_hook_skipped();
    std::fprintf(out_, "vapidiag-serve: --on-alert skipped: %zu commands still running\n", o_.max_running);
    return;
  }
  ++running_;
  std::thread([this, json = std::move(json)] {
    int in[2];
    if (pipe2(in, O_CLOEXEC) != 0) {
      --running_;
      return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);  // the server blocks its signals in every thread
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    const char* argv[] = {"/bin/sh", "-c", o_.command.c_str(), nullptr};
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(in[0]);
    if (rc == 0) {
      std::string data = json + "\n";
      const char* p = data.data();
      std::size_t left = data.size();
      while (left > 0) {
        const ssize_t n = ::write(in[1], p, left);
        if (n <= 0) break;
        p += n;
        left -= static_cast<std::size_t>(n);
      }
    }
    ::close(in[1]);
    if (rc == 0) {
      const auto deadline = std::chrono::steady_clock::now() + o_.command_timeout;
      int status = 0;
      for (;;) {
        const pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR)) break;
        if (std::chrono::steady_clock::now() >= deadline) {
          kill(-pid, SIGKILL);  // its process group: the shell and what it started
          waitpid(pid, &status, 0);
          std::fprintf(out_, "vapidiag-serve: --on-alert command killed after its timeout\n");
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    } else {
      std::fprintf(out_, "vapidiag-serve: --on-alert command could not be started\n");
    }
    --running_;
  }).detach();
}

}  // namespace vapidiag::serve
