#pragma once
// The webhook receiver: routes, authentication, diagnosis of each message, the durable
// log and the live tally. HTTP only; the work is the library's (vapidiag/live.hpp).

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "auth.hpp"
#include "http_server.hpp"
#include "vapidiag/durable_log.hpp"
#include "vapidiag/findings.hpp"
#include "vapidiag/live.hpp"

namespace vapidiag::serve {

struct ReceiverOptions {
  AuthConfig auth;
  Thresholds thresholds;
  std::size_t max_body_bytes = 16u << 20;
  ServerLimits limits;
};

class Receiver {
 public:
  Receiver(const ReceiverOptions& o, DurableLog& log, LiveTally& tally);
  LimitedServer& server() { return *server_; }

 private:
  void setup_routes();
  void webhook(const httplib::Request& req, httplib::Response& res);
  void reject(httplib::Response& res, Rejection r, int status, const std::string& message);

  ReceiverOptions o_;
  DurableLog& log_;
  LiveTally& tally_;
  std::unique_ptr<LimitedServer> server_;
};

}  // namespace vapidiag::serve
