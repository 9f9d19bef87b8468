#pragma once
// cpp-httplib's server with limits it lacks: a whole-request deadline (it has per-read
// timeouts only, so a client sending a byte a second would hold a worker for ever), a
// bound on the bytes of one request, and a bounded wait for a worker (connections past
// the bound are answered 503 at once). Each connection is served by our own loop over
// httplib's request processing, on a socket stream that knows the request's deadline.

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vapidiag::serve {

struct ServerLimits {
  std::size_t threads = 16;
  std::size_t max_queue = 256;  // connections waiting for a worker
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds keep_alive_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  std::size_t max_request_bytes = 16u << 20;  // headers and body together
};

// What the connection loop tells the application about each request.
struct RequestEvents {
  std::function<void()> on_timeout;  // the deadline passed while reading or writing
  std::function<void()> on_busy;     // a connection was answered 503: too many waiting
};

// The time the current request's first byte was seen (on the worker's thread).
std::chrono::steady_clock::time_point request_start();

class LimitedServer : public httplib::Server {
 public:
  LimitedServer(const ServerLimits& limits, RequestEvents events);

 private:
  bool process_and_close_socket(socket_t sock) override;

  class Queue;
  ServerLimits limits_;
  RequestEvents events_;
  Queue* queue_ = nullptr;  // owned by httplib (new_task_queue)
};

}  // namespace vapidiag::serve
