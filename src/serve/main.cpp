// vapidiag-serve: receives Vapi's webhooks and diagnoses each call as it ends. Its own
// executable, so that `vapidiag explain` never loads an HTTP server or OpenSSL.

#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "alerter.hpp"
#include "receiver.hpp"
#include "vapidiag/cli.hpp"
#include "vapidiag/table.hpp"

namespace {

using namespace vapidiag;

constexpr const char* kFooter = R"(Endpoints:
  POST / and POST /webhook   a Vapi server message; 200 once stored (durable) and counted
  GET /metrics               Prometheus counters;  GET /summary  the live summary (JSON)
  GET /healthz               liveness
Secrets come from a file or an environment variable, never from the command line. Without
a secret the server listens on loopback only. TLS: put a reverse proxy in front.
Signals: SIGHUP reopens the log (rotation); SIGINT/SIGTERM finish requests in flight,
sync the log and exit 0.

Exit status: 0 clean shutdown; 2 usage error (bad option, a secret that cannot be read,
a non-loopback address without a secret); 4 the log or the address cannot be opened.

Example:
  VAPI_SECRET=... vapidiag-serve --listen 0.0.0.0:8787 --log calls.ndjson --secret-env VAPI_SECRET)";

struct Options {
  std::string listen = "127.0.0.1:8787";
  std::string log;
  std::string secret_file, secret_env, bearer_file, bearer_env, hmac_file, hmac_env;
  std::string bearer_header = "authorization", hmac_header = "x-vapi-signature";
  double max_body_mb = 16;
  std::size_t threads = 16, max_queue = 256;
  double request_timeout = 10, keep_alive_timeout = 5;
  std::map<std::string, double> thresholds;
  double dedupe_window_s = 120;
  std::vector<std::string> alerts;
  std::string alert_format = "text", on_alert;
  double on_alert_timeout = 10;
};

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

bool split_listen(const std::string& s, std::string* host, int* port) {
  const std::size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = s.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']')
    *host = host->substr(1, host->size() - 2);
  try {
    std::size_t used = 0;
    *port = std::stoi(s.substr(colon + 1), &used);
    return used == s.size() - colon - 1 && *port >= 0 && *port <= 65535;
  } catch (...) {
    return false;
  }
}

int run(const Options& o) {
  std::string host;
  int port = 0;
  if (!split_listen(o.listen, &host, &port)) {
    std::fprintf(stderr, "vapidiag-serve: --listen: '%s' is not HOST:PORT\n", o.listen.c_str());
    return kExitUsage;
  }
  serve::ReceiverOptions ro;
  std::string err;
  if (!serve::load_secret(o.secret_file, o.secret_env, &ro.auth.secret, &err) ||
      !serve::load_secret(o.bearer_file, o.bearer_env, &ro.auth.bearer, &err) ||
      !serve::load_secret(o.hmac_file, o.hmac_env, &ro.auth.hmac_secret, &err)) {
    std::fprintf(stderr, "vapidiag-serve: secret: %s\n", err.c_str());
    return kExitUsage;
  }
  ro.auth.bearer_header = o.bearer_header;
  ro.auth.hmac_header = o.hmac_header;
  if (!ro.auth.any() && !is_loopback(host)) {
    std::fprintf(stderr,
                 "vapidiag-serve: refusing to listen on %s without a secret: anyone could post calls. "
                 "Configure one (--secret-env, --bearer-env, --hmac-secret-env or their -file forms) "
                 "or listen on 127.0.0.1.\n",
                 host.c_str());
    return kExitUsage;
  }
  for (const auto& [name, value] : o.thresholds) ro.thresholds.set(name, value);
  std::vector<AlertRule> rules;
  for (const std::string& text : o.alerts) {
    AlertRule r;
    if (!parse_alert_rule(text, &r, &err)) {
      std::fprintf(stderr, "vapidiag-serve: --alert '%s': %s\n", text.c_str(), err.c_str());
      return kExitUsage;
    }
    rules.push_back(r);
  }
  if (!o.on_alert.empty() && rules.empty()) {
    std::fprintf(stderr, "vapidiag-serve: --on-alert needs at least one --alert rule\n");
    return kExitUsage;
  }
  ro.max_body_bytes = static_cast<std::size_t>(o.max_body_mb * 1024 * 1024);
  ro.limits.threads = o.threads;
  ro.limits.max_queue = o.max_queue;
  ro.limits.request_timeout = std::chrono::milliseconds(static_cast<long long>(o.request_timeout * 1000));
  ro.limits.keep_alive_timeout =
      std::chrono::milliseconds(static_cast<long long>(o.keep_alive_timeout * 1000));
  ro.limits.max_request_bytes = ro.max_body_bytes + (1u << 20);

  // Signals go to one thread of ours; every other thread blocks them.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGHUP);
  sigaddset(&sigs, SIGUSR1);  // used to wake the signal thread at exit
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);

  DurableLog log;
  if (!log.open(o.log, &err)) {
    std::fprintf(stderr, "vapidiag-serve: log: %s\n", err.c_str());
    return kExitOutput;
  }
  DedupeOptions dedupe;
  dedupe.window_ms = static_cast<std::int64_t>(o.dedupe_window_s * 1000);
  LiveTally tally(ro.thresholds, dedupe);
  tally.add_log_file();
  serve::AlerterOptions ao;
  ao.json = o.alert_format == "json";
  ao.command = o.on_alert;
  ao.command_timeout = std::chrono::milliseconds(static_cast<long long>(o.on_alert_timeout * 1000));
  std::unique_ptr<serve::Alerter> alerter;
  if (!rules.empty()) alerter = std::make_unique<serve::Alerter>(rules, ro.thresholds, ao, stderr, &tally);
  serve::Receiver receiver(ro, log, tally);
  // Alert rules see each call once, when it counts: at once, or for a held status-update
  // when its window passes, whichever request or scrape releases it.
  if (alerter)
    tally.on_counted = [&alerter](const CallRecord& rec, const CallDiagnosis& d) {
      alerter->add_call(rec, d);
    };
  httplib::Server& server = receiver.server();
  const int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    std::fprintf(stderr, "vapidiag-serve: cannot listen on %s\n", o.listen.c_str());
    return kExitOutput;
  }
  std::fprintf(stderr, "vapidiag-serve: listening on http://%s:%d/, storing reports in %s\n",
               host.find(':') != std::string::npos ? ("[" + host + "]").c_str() : host.c_str(), bound,
               o.log.c_str());
  std::fflush(stderr);

  std::thread signals([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&sigs, &sig) != 0) continue;
      if (sig == SIGHUP) {
        std::string e;
        if (log.reopen(&e)) {
          tally.add_log_file();
          std::fprintf(stderr, "vapidiag-serve: reopened %s\n", o.log.c_str());
        } else {
          tally.add_log_error();
          std::fprintf(stderr, "vapidiag-serve: reopening the log failed: %s\n", e.c_str());
        }
      } else if (sig == SIGINT || sig == SIGTERM) {
        std::fprintf(stderr, "vapidiag-serve: shutting down\n");
        server.stop();
      } else if (sig == SIGUSR1) {
        return;
      }
    }
  });
  server.listen_after_bind();  // returns once stopped and every accepted connection is served
  log.close();
  if (alerter) alerter->stop();
  pthread_kill(signals.native_handle(), SIGUSR1);
  signals.join();
  std::fprintf(stderr, "vapidiag-serve: stopped; the log is synced\n");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "vapidiag-serve: receive Vapi's webhooks and diagnose every call as it ends, with Prometheus "
      "metrics, a live summary and a durable NDJSON log.",
      "vapidiag-serve"};
  app.add_option("--listen", o.listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--log", o.log, "NDJSON file every stored message is appended to")->required();
  app.add_option("--secret-file", o.secret_file, "File holding the X-Vapi-Secret value");
  app.add_option("--secret-env", o.secret_env, "Environment variable holding the X-Vapi-Secret value");
  app.add_option("--bearer-file", o.bearer_file, "File holding the bearer token (Authorization: Bearer)");
  app.add_option("--bearer-env", o.bearer_env, "Environment variable holding the bearer token");
  app.add_option("--bearer-header", o.bearer_header, "Header carrying the bearer token")
      ->capture_default_str();
  app.add_option("--hmac-secret-file", o.hmac_file, "File holding the HMAC-SHA256 secret");
  app.add_option("--hmac-secret-env", o.hmac_env, "Environment variable holding the HMAC-SHA256 secret");
  app.add_option("--hmac-header", o.hmac_header, "Header carrying the hex HMAC-SHA256 of the body")
      ->capture_default_str();
  app.add_option("--max-body-mb", o.max_body_mb, "Larger request bodies are answered 413")
      ->check(CLI::Range(0.001, 1024.0))
      ->capture_default_str();
  app.add_option("--dedupe-window", o.dedupe_window_s,
                 "Seconds an ended status-update waits for its call's report before it counts (wall clock "
                 "and message time; as vapidiag summary --dedupe-window)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Worker threads")->check(CLI::Range(1, 1024))->capture_default_str();
  app.add_option("--max-queue", o.max_queue, "Connections that may wait for a worker; more are answered 503")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--request-timeout", o.request_timeout, "Seconds a request may take to arrive, whole")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_option("--keep-alive-timeout", o.keep_alive_timeout, "Seconds an idle connection is kept")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_option("--alert", o.alerts,
                 "Rolling-window rule, repeatable: vapifault>5%/10m, never-connected>=3/1m, summary.burst");
  app.add_option("--alert-format", o.alert_format, "Alert lines on stderr: text or json (NDJSON)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--on-alert", o.on_alert, "Command run (sh -c) with each alert as JSON on stdin");
  app.add_option("--on-alert-timeout", o.on_alert_timeout, "Seconds before an --on-alert command is killed")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  for (const Threshold& t : thresholds()) {
    auto* opt = app.add_option_function<double>(
        "--" + std::string(t.name), [&o, name = std::string(t.name)](double v) { o.thresholds[name] = v; },
        std::string(t.description) + " (" + std::string(t.unit) + ")");
    {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", t.value);
      opt->default_str(buf);
    }
    opt->group("Thresholds of the findings");
  }
  app.footer(kFooter);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  return run(o);
}
