#include "receiver.hpp"

#include <algorithm>
#include <chrono>

namespace vapidiag::serve {

namespace {
// Set when one of our handlers answered, so the error handler counts only the answers
// httplib made itself (404, 413, malformed requests).
thread_local bool t_answered = false;

void plain(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body + "\n", "text/plain; charset=utf-8");
}
}  // namespace

Receiver::Receiver(const ReceiverOptions& o, DurableLog& log, LiveTally& tally)
    : o_(o), log_(log), tally_(tally) {
  RequestEvents ev;
  ev.on_timeout = [this] { tally_.add_rejection(Rejection::Timeout); };
  ev.on_busy = [this] {
    tally_.add_rejection(Rejection::Busy);
    tally_.add_request(503, 0.0);
  };
  server_ = std::make_unique<LimitedServer>(o_.limits, ev);
  server_->set_payload_max_length(o_.max_body_bytes);
  setup_routes();
}

void Receiver::reject(httplib::Response& res, Rejection r, int status, const std::string& message) {
  tally_.add_rejection(r);
  plain(res, status, message);
}

void Receiver::setup_routes() {
  LimitedServer& s = *server_;
  s.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_answered = false;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  const auto post = [this](const httplib::Request& req, httplib::Response& res) {
    t_answered = true;
    webhook(req, res);
  };
  s.Post("/", post);
  s.Post("/webhook", post);
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    t_answered = true;
    plain(res, 200, "ok");
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    t_answered = true;
    std::string text = tally_.prometheus();
    text +=
        "# HELP vapidiag_log_syncs_total fdatasync calls on the log; each covers every line written before "
        "it.\n"
        "# TYPE vapidiag_log_syncs_total counter\nvapidiag_log_syncs_total " +
        std::to_string(log_.syncs()) + "\n";
    res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
  });
  s.Get("/summary", [this](const httplib::Request& req, httplib::Response& res) {
    t_answered = true;
    // The summary names calls, assistants and numbers: it takes the same secret.
    if (!authorized(o_.auth, req)) return reject(res, Rejection::Unauthorized, 401, "unauthorized");
    res.set_content(tally_.summary_json() + "\n", "application/json");
  });
  // Known paths, other methods: 405 with the methods they take.
  const auto not_allowed = [this](std::string allow) {
    return [this, allow](const httplib::Request&, httplib::Response& res) {
      t_answered = true;
      res.set_header("Allow", allow);
      reject(res, Rejection::MethodNotAllowed, 405, "method not allowed; use " + allow);
    };
  };
  for (const char* path : {"/", "/webhook"}) {
    s.Get(path, not_allowed("POST"));
    s.Put(path, not_allowed("POST"));
    s.Patch(path, not_allowed("POST"));
    s.Delete(path, not_allowed("POST"));
    s.Options(path, not_allowed("POST"));
  }
  for (const char* path : {"/healthz", "/metrics", "/summary"}) {
    s.Post(path, not_allowed("GET"));
    s.Put(path, not_allowed("GET"));
    s.Patch(path, not_allowed("GET"));
    s.Delete(path, not_allowed("GET"));
    s.Options(path, not_allowed("GET"));
  }
  s.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    if (t_answered) return;
    t_answered = true;
    if (res.status == 404) {
      reject(res, Rejection::NotFound, 404, "not found; POST webhooks to / or /webhook");
    } else if (res.status == 413) {
      reject(res, Rejection::TooLarge, 413, "request body too large");
    } else {
      reject(res, Rejection::BadRequest, res.status, "bad request");
    }
  });
  s.set_logger([this](const httplib::Request&, const httplib::Response& res) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - request_start()).count();
    tally_.add_request(res.status, secs);
  });
}

void Receiver::webhook(const httplib::Request& req, httplib::Response& res) {
  if (!authorized(o_.auth, req)) return reject(res, Rejection::Unauthorized, 401, "unauthorized");
  MessageProbe probe = probe_server_message(req.body);
  if (probe.kind == MessageKind::NotJson || probe.kind == MessageKind::NotMessage)
    return reject(res, Rejection::BadRequest, 400, probe.error);

  // Stored as one line: a JSON body's line breaks are whitespace between tokens.
  std::string line = req.body;
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');

  if (probe.kind == MessageKind::Ending) {
    ReadMessage m = read_message(line);
    if (m.stats.unreadable || m.stats.records != 1)
      return reject(
          res, Rejection::BadRequest, 400,
          "unreadable server message: " + (m.error.empty() ? std::string("not one record") : m.error));
    if (!m.stats.skipped) {  // an ending (or a report without a reason): stored and counted
      CallDiagnosis d;
      const bool call = m.stats.calls == 1;
      if (call) diagnose_call(m.rec, o_.thresholds, d);
      line += '\n';
      std::string err;
      // Counted in log order; alert rules see each call when it counts (LiveTally::on_counted).
      const std::uint64_t ticket = log_.append(
          line, [&] { tally_.add_logged(m, call ? &d : nullptr); }, &err);
      if (!ticket || !log_.wait_durable(ticket)) {
        tally_.add_log_error();
        return reject(res, Rejection::StorageError, 500, "the report could not be stored");
      }
      tally_.deliver_counted();  // to the alert rules, now that the report is durable
      tally_.add_message(message_type_label(probe.type));
      plain(res, 200, "stored");
      return;
    }
  }
  tally_.add_message(message_type_label(probe.type));
  plain(res, 200, "ok");
}

}  // namespace vapidiag::serve
