#include "http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vapidiag::serve {

using Clock = std::chrono::steady_clock;

namespace {

thread_local Clock::time_point t_request_start;
thread_local bool t_reject_busy = false;

// Milliseconds left until t, at least 0, at most a day.
int ms_until(Clock::time_point t) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
  if (left <= 0) return 0;
  return static_cast<int>(std::min<long long>(left, 86400000));
}

bool wait_fd(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}

std::string address_of(const sockaddr_storage& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (a.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, buf, sizeof buf);
  else if (a.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, buf, sizeof buf);
  return buf;
}

int port_of(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// A socket stream whose reads end at the request's deadline, whatever the client's pace.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(int fd, const ServerLimits& limits) : fd_(fd), limits_(limits) {}

  void start_request() {
    deadline_ = Clock::now() + limits_.request_timeout;
    request_bytes_ = 0;
    timed_out_ = false;
    t_request_start = Clock::now();
  }
  bool timed_out() const { return timed_out_; }
  bool has_buffered() const { return pos_ < len_; }

  bool is_readable() const override { return pos_ < len_ || wait_fd(fd_, POLLIN, ms_until(deadline_)); }
  bool is_writable() const override { return wait_fd(fd_, POLLOUT, ms_until(write_deadline())); }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ == len_) {
      if (request_bytes_ >= limits_.max_request_bytes) return -1;
      if (!wait_fd(fd_, POLLIN, ms_until(deadline_))) {
        timed_out_ = Clock::now() >= deadline_;
        return -1;
      }
      ssize_t n;
      do n = ::recv(fd_, buf_, sizeof buf_, 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      pos_ = 0;
      len_ = static_cast<std::size_t>(n);
      request_bytes_ += len_;
    }
    const std::size_t n = std::min(size, len_ - pos_);
    std::memcpy(ptr, buf_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!wait_fd(fd_, POLLOUT, ms_until(write_deadline()))) {
      timed_out_ = true;
      return -1;
    }
    ssize_t n;
    do n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (getpeername(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0) ip = address_of(a), port = port_of(a);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0) ip = address_of(a), port = port_of(a);
  }
  socket_t socket() const override { return fd_; }

 private:
  // An answer may be written a little after the reading deadline (the handler ran), but
  // a client that does not read it cannot hold the worker either.
  Clock::time_point write_deadline() const {
    return std::max(deadline_, Clock::now()) + limits_.write_timeout;
  }

  int fd_;
  const ServerLimits& limits_;
  Clock::time_point deadline_ = Clock::now();
  std::size_t request_bytes_ = 0;
  bool timed_out_ = false;
  char buf_[16384];
  std::size_t pos_ = 0, len_ = 0;
};

}  // namespace

std::chrono::steady_clock::time_point request_start() { return t_request_start; }

// A fixed pool of workers over a queue of connections. Past max_queue waiting, a new
// connection jumps the queue to be answered 503 at once, so the queue stays bounded.
class LimitedServer::Queue final : public httplib::TaskQueue {
 public:
  Queue(std::size_t threads, std::size_t max_queue) : max_queue_(max_queue) {
    for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mu_);
      if (waiting_ >= max_queue_) {
        jobs_.push_front({std::move(fn), true});
      } else {
        jobs_.push_back({std::move(fn), false});
        ++waiting_;
      }
    }
    cv_.notify_one();
  }
  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  bool others_waiting() {
    std::lock_guard lock(mu_);
    return waiting_ > 0;
  }

 private:
  struct Job {
    std::function<void()> fn;
    bool busy;
  };
  void work() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and every connection was served
        job = std::move(jobs_.front());
        jobs_.pop_front();
        if (!job.busy) --waiting_;
      }
      t_reject_busy = job.busy;
      job.fn();
      t_reject_busy = false;
    }
  }
  std::size_t max_queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  std::size_t waiting_ = 0;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

LimitedServer::LimitedServer(const ServerLimits& limits, RequestEvents events)
    : limits_(limits), events_(std::move(events)) {
  new_task_queue = [this] {
    queue_ = new Queue(limits_.threads, limits_.max_queue);
    return queue_;
  };
}

bool LimitedServer::process_and_close_socket(socket_t sock) {
  bool ret = true;
  if (t_reject_busy) {
    static constexpr char kBusy[] =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
        "Connection: close\r\nRetry-After: 1\r\n\r\nserver busy\n";
    if (events_.on_busy) events_.on_busy();
    (void)::send(sock, kBusy, sizeof kBusy - 1, MSG_NOSIGNAL);
  } else {
    // httplib writes an answer's headers and body with separate send()s: without
    // TCP_NODELAY, Nagle's algorithm holds the body until the client's delayed ACK (40 ms).
    const int one = 1;
    (void)setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    DeadlineStream strm(sock, limits_);
    std::size_t count = keep_alive_max_count_;
    // The first request of an accepted connection is served even while shutting down.
    for (bool first = true; count > 0 && (first || svr_sock_ != INVALID_SOCKET); first = false) {
      // Wait for the next request, waking now and then to notice a shutdown.
      if (!strm.has_buffered()) {
        const auto idle_until = Clock::now() + limits_.keep_alive_timeout;
        bool readable = false;
        while (!readable && (first || svr_sock_ != INVALID_SOCKET) && Clock::now() < idle_until)
          readable = wait_fd(sock, POLLIN, std::min(100, ms_until(idle_until)));
        if (!readable) break;
      }
      strm.start_request();
      // Keep the connection only while no other connection waits for a worker.
      const bool close_connection =
          count == 1 || svr_sock_ == INVALID_SOCKET || (queue_ && queue_->others_waiting());
      bool connection_closed = false;
      ret = process_request(strm, close_connection, connection_closed, nullptr);
      if (strm.timed_out() && events_.on_timeout) events_.on_timeout();
      if (!ret || connection_closed || strm.timed_out()) break;
      --count;
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace vapidiag::serve
